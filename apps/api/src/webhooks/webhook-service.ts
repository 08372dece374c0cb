import type { OutboxEvent } from "@intendedops/core";
import type { KyselyStore } from "@intendedops/storage";
import { createHttpSender, type WebhookSender } from "./http-sender";
import { createSecretBox, type SecretBox } from "./secret-box";
import type { SsrfOptions } from "./ssrf-guard";
import {
  createWebhookDispatcher,
  type DispatcherOptions,
  type WebhookDispatcher,
} from "./webhook-dispatcher";

export interface WebhookServiceOptions {
  store: KyselyStore;
  clock?: () => number;
  /** `INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS`: let webhooks reach loopback and private addresses. */
  allowPrivate: boolean;
  /** `INTENDEDOPS_SECRET_KEY`: encrypt webhook secrets at rest when set. */
  secretKey?: string | undefined;
  /** Replaces the HTTP sender (the SSRF guard lives in the default one). */
  sender?: WebhookSender;
  /** Host resolver for the SSRF guard (tests). */
  resolve?: SsrfOptions["resolve"];
  /** Retry schedule, jitter source, timeouts and batch sizes for the dispatcher. */
  dispatcher?: Omit<DispatcherOptions, "store" | "sender" | "secrets" | "clock">;
}

/** Everything the webhook routes and jobs share, created once per server. */
export interface WebhookService {
  readonly dispatcher: WebhookDispatcher;
  readonly secrets: SecretBox;
  readonly guard: SsrfOptions;
  /** The governor's `onEvents` hook: committed outbox events wake the delivery job (or nudge its run). */
  notify(events: readonly OutboxEvent[]): void;
  /** Sets what `notify` wakes (the delivery job, once the job registry exists). */
  onWake(wake: () => void): void;
}

/**
 * Builds the webhook service: secret box, SSRF-guarded sender and dispatcher.
 * @example const webhooks = createWebhookService({ store, allowPrivate: false }); createGovernor({ …, onEvents: webhooks.notify })
 */
export function createWebhookService(options: WebhookServiceOptions): WebhookService {
  const guard: SsrfOptions = {
    allowPrivate: options.allowPrivate,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  };
  const secrets = createSecretBox(options.secretKey);
  const dispatcher = createWebhookDispatcher({
    ...options.dispatcher,
    store: options.store,
    sender: options.sender ?? createHttpSender(guard),
    secrets,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  let wake: (() => void) | undefined;
  return {
    dispatcher,
    secrets,
    guard,
    notify(events) {
      if (events.length === 0) return;
      // A run in progress (waiting on a slow receiver) picks the events up now; an idle job starts one.
      dispatcher.nudge();
      wake?.();
    },
    onWake(listener) {
      wake = listener;
    },
  };
}
