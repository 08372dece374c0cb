/** An endpoint subscribed to this receives every event, including ones added later. */
export const ALL_EVENTS = "*";

/** True when an endpoint subscribed to `events` receives `event`. */
export function subscribes(events: readonly string[], event: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(event);
}
