import type { WebhookDeliveryWithAttempts, WebhookEndpointRecord } from "@intendedops/storage";

/** The endpoint as the API shows it: never its secrets. */
export function toWebhookView(record: WebhookEndpointRecord, now: number) {
  const rotating =
    record.previousSecretExpiresAt !== null && record.previousSecretExpiresAt > new Date(now).toISOString();
  return {
    id: record.id,
    url: record.url,
    description: record.description,
    events: record.events,
    enabled: record.disabledAt === null,
    disabledAt: record.disabledAt,
    disabledReason: record.disabledReason,
    previousSecretExpiresAt: rotating ? record.previousSecretExpiresAt : null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** A delivery with every attempt: time, status code, latency, error. */
export function toDeliveryView(delivery: WebhookDeliveryWithAttempts) {
  return {
    id: delivery.id,
    webhookId: delivery.endpointId,
    eventId: delivery.eventId,
    event: delivery.event,
    status: delivery.status,
    nextAttemptAt: delivery.nextAttemptAt,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    payload: delivery.body,
    createdAt: delivery.createdAt,
    completedAt: delivery.completedAt,
    attempts: delivery.attemptLog.map((a) => ({
      attempt: a.attempt,
      attemptedAt: a.attemptedAt,
      statusCode: a.statusCode,
      latencyMs: a.latencyMs,
      error: a.error,
    })),
  };
}
