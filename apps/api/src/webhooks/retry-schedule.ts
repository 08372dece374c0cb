const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Delay before each attempt, from the previous one (Standard Webhooks' schedule): the first
 * attempt goes immediately, the tenth and last one about three days after the event.
 */
export const STANDARD_RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];

/** Each delay moves by up to this fraction either way, so failed receivers are not hit in lockstep. */
export const JITTER = 0.2;

/** A receiver's `Retry-After` is honoured up to this long. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/**
 * The wait before attempt `attemptsMade + 1`, or undefined when the schedule is used up.
 * `random` is in [0, 1); a larger `retryAfterMs` (the receiver's wish) wins over the schedule.
 * @example retryDelayMs(STANDARD_RETRY_SCHEDULE_MS, 1, Math.random) // ≈ 5 s ± 20%
 */
export function retryDelayMs(
  schedule: readonly number[],
  attemptsMade: number,
  random: () => number,
  retryAfterMs?: number,
): number | undefined {
  const base = schedule[attemptsMade];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * random()));
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/**
 * A `Retry-After` header in milliseconds from `now`: delta-seconds or an HTTP date.
 * Undefined when absent or unreadable; 0 for a date in the past.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * SECOND;
  // Every HTTP-date form starts with the day's name; anything else ("-5", "soon") is unreadable.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  // HTTP dates are GMT. The obsolete asctime form (`Sun Nov  6 08:49:37 1994`) names no zone, and
  // Date.parse reads such a string in the process's local time zone.
  const date = Date.parse(/(?:GMT|UTC|Z|[+-]\d{4})$/i.test(value) ? value : `${value} GMT`);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
