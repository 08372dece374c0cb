import type { OutboxEvent } from "@intendedops/core";

/** The events an endpoint can subscribe to: the guide's seven, plus blocked and expired intents. */
export const WEBHOOK_EVENTS = [
  "intent.submitted",
  "intent.approved",
  "intent.rejected",
  "intent.blocked",
  "intent.expired",
  "intent.completed",
  "intent.failed",
  "agent.registered",
  "agent.trust.changed",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent by `POST /v1/webhooks/:id/test` whatever the endpoint subscribes to. */
export const PING_EVENT = "webhook.ping";

// The subscription rule lives with the outbox, which writes only events some endpoint subscribes to.
export { ALL_EVENTS, subscribes } from "@intendedops/storage";

/**
 * The body every attempt of a delivery sends, serialized once: the guide's
 * `{"id","timestamp","tenantId","event","data"}`, compact, so a receiver that re-serializes the
 * parsed body (as the guide's Express handler does) gets the same bytes back.
 */
export function payloadBody(event: OutboxEvent): string {
  return JSON.stringify({
    id: event.id,
    timestamp: event.createdAt,
    tenantId: event.tenantId,
    event: event.event,
    data: event.data,
  });
}
