import type { KyselyStore } from "@intendedops/storage";
import type { WebhookService } from "../webhooks/webhook-service";
import type { JobRegistry, PeriodicJob } from "./job-registry";

export const WEBHOOK_DELIVERY_JOB = "webhook-delivery";
export const WEBHOOK_MAINTENANCE_JOB = "webhook-maintenance";

/** The delivery job polls at most this far apart, so a restart picks up its backlog promptly. */
export const WEBHOOK_POLL_MS = 1000;

/**
 * Inbound message ids are kept this long: a signed timestamp stays acceptable for 5 minutes
 * either way, so a replay can only arrive within 10 minutes of the original.
 */
export const INBOUND_REPLAY_WINDOW_MS = 15 * 60 * 1000;

/** Fan out the outbox and attempt due deliveries; woken by each commit that wrote events. */
export function createWebhookDeliveryJob(webhooks: WebhookService, intervalMs: number): PeriodicJob {
  return {
    name: WEBHOOK_DELIVERY_JOB,
    intervalMs,
    run: (signal) => webhooks.dispatcher.run(signal ? { signal } : {}),
  };
}

/** Settled deliveries deleted per statement: each batch is a short write, then the next. */
export const DELIVERY_PURGE_BATCH = 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Forget inbound message ids once a replay of them would be refused as stale anyway, and delete the
 * delivery log past `retentionDays` (0 keeps it): every attempt is stored with its payload, so
 * without this the log grew without end (72 MB for 40,000 deliveries in a 25-minute soak).
 * Pending deliveries are never deleted. Resolves to how many ids and deliveries it removed.
 */
export function createWebhookMaintenanceJob(
  store: KyselyStore,
  intervalMs: number,
  clock: () => number,
  retentionDays = 0,
): PeriodicJob {
  return {
    name: WEBHOOK_MAINTENANCE_JOB,
    intervalMs,
    async run(signal) {
      const now = clock();
      let removed = await store.webhooks.inbound.purgeMessages(
        new Date(now - INBOUND_REPLAY_WINDOW_MS).toISOString(),
      );
      if (retentionDays === 0) return removed;
      const before = new Date(now - retentionDays * DAY_MS).toISOString();
      for (;;) {
        const purged = await store.webhooks.deliveries.purgeSettled(before, DELIVERY_PURGE_BATCH);
        removed += purged;
        if (purged < DELIVERY_PURGE_BATCH || signal?.aborted) return removed;
      }
    },
  };
}

/**
 * Registers the webhook jobs and lets committed outbox events wake the delivery job.
 * @example registerWebhookJobs(jobs, services)
 */
export function registerWebhookJobs(
  jobs: JobRegistry,
  services: {
    store: KyselyStore;
    webhooks: WebhookService;
    clock: () => number;
    config: { jobIntervalMs: number; webhookLogRetentionDays?: number };
  },
): void {
  jobs.register(
    createWebhookDeliveryJob(services.webhooks, Math.min(WEBHOOK_POLL_MS, services.config.jobIntervalMs)),
  );
  jobs.register(
    createWebhookMaintenanceJob(
      services.store,
      Math.max(60_000, services.config.jobIntervalMs),
      services.clock,
      services.config.webhookLogRetentionDays ?? 0,
    ),
  );
  services.webhooks.onWake(() => jobs.wake(WEBHOOK_DELIVERY_JOB));
}
