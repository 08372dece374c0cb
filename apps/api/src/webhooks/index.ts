export {
  createHttpSender,
  USER_AGENT,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookSender,
} from "./http-sender";
export {
  JITTER,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryDelayMs,
  STANDARD_RETRY_SCHEDULE_MS,
} from "./retry-schedule";
export { createSecretBox, type SecretBox } from "./secret-box";
export {
  assertWebhookUrl,
  ForbiddenTargetError,
  guardedLookup,
  isForbiddenAddress,
  literalTargetError,
  type SsrfOptions,
} from "./ssrf-guard";
export {
  createWebhookDispatcher,
  type DispatcherOptions,
  type DispatchOutcome,
  type WebhookDispatcher,
} from "./webhook-dispatcher";
export {
  ALL_EVENTS,
  PING_EVENT,
  payloadBody,
  subscribes,
  WEBHOOK_EVENTS,
  type WebhookEvent,
} from "./webhook-events";
export { createWebhookService, type WebhookService, type WebhookServiceOptions } from "./webhook-service";
