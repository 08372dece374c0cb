import { buildWebhookHeaders, IntendedOpsError, newId, type OutboxEvent } from "@intendedops/core";
import type {
  KyselyStore,
  NewWebhookDelivery,
  WebhookDeliveryOutcome,
  WebhookDeliveryRecord,
  WebhookDeliveryWithAttempts,
  WebhookEndpointRecord,
} from "@intendedops/storage";
import type { WebhookResponse, WebhookSender } from "./http-sender";
import { parseRetryAfter, retryDelayMs, STANDARD_RETRY_SCHEDULE_MS } from "./retry-schedule";
import type { SecretBox } from "./secret-box";
import { PING_EVENT, payloadBody, subscribes } from "./webhook-events";

export interface DispatcherOptions {
  store: KyselyStore;
  sender: WebhookSender;
  secrets: SecretBox;
  /** Epoch ms (default Date.now). */
  clock?: () => number;
  /** In [0, 1), for the retry jitter (default Math.random). */
  random?: () => number;
  /** Delay before each attempt (default Standard Webhooks'); tests pass milliseconds. */
  schedule?: readonly number[];
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  /**
   * How much longer than the timeout a claim lasts (default 5 s). A worker that dies mid-attempt
   * leaves its deliveries to others after that; one stalled longer may cause a duplicate, which
   * at-least-once delivery allows (receivers deduplicate on the payload id).
   */
  claimMarginMs?: number;
  /** Deliveries claimed and sent at once (default 16). */
  batchSize?: number;
  /** Outbox events fanned out per transaction (default 100). */
  fanOutBatchSize?: number;
  /** Batches one run handles before yielding to the next run (default 10). */
  maxRounds?: number;
  /**
   * While attempts are in flight and nothing else was due, how often a run looks again for new
   * outbox events and newly due retries (default 1 s); `nudge()` makes it look at once.
   */
  pollMs?: number;
  /**
   * Once a run's signal is aborted (shutdown), how long attempts in flight may still finish before
   * they are cut and scheduled for a retry (default 2 s). Without it a receiver hanging until the
   * attempt timeout (10 s) held shutdown past `SHUTDOWN_TIMEOUT_MS` (10 s), which then exited 1.
   */
  shutdownGraceMs?: number;
  logger?: { warn(details: Record<string, unknown>, message: string): void };
}

/** What one run did: attempts made, attempts that failed, and whether work is left. */
export interface DispatchOutcome {
  processed: number;
  failed: number;
  more: boolean;
}

export interface WebhookDispatcher {
  /** Turns outbox events into one delivery per subscribed enabled endpoint; returns events consumed. */
  fanOut(): Promise<number>;
  /** Claims and attempts one batch of due deliveries. */
  deliverDue(): Promise<DispatchOutcome>;
  /**
   * One job run: fan out everything waiting, then attempt the due deliveries. Once `signal` is
   * aborted (shutdown) it starts no new attempt and resolves when those in flight have settled.
   */
  run(options?: { signal?: AbortSignal }): Promise<DispatchOutcome>;
  /** New events were committed: a run in progress looks for them now rather than at its next poll. */
  nudge(): void;
  /** Attempts a delivery again now, whatever its status; the same payload id and bytes. */
  redeliver(tenantId: string, deliveryId: string): Promise<WebhookDeliveryWithAttempts>;
  /** Sends a `webhook.ping` event to the endpoint now (one attempt, no retries). */
  ping(tenantId: string, endpointId: string): Promise<WebhookDeliveryWithAttempts>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

const isSuccess = (status: number | null): boolean => status !== null && status >= 200 && status < 300;

const GONE_REASON = "The receiver answered 410 Gone";

function notFound(what: string, id: string): IntendedOpsError {
  return new IntendedOpsError("NOT_FOUND", `${what} not found: ${id}`, { id });
}

/**
 * The webhook dispatcher: transactional fan-out of the outbox, then at-least-once delivery with
 * the retry schedule. Every attempt sends the body stored at fan-out with the same payload id;
 * claims keep concurrent dispatchers (several servers on one PostgreSQL) off each other's work.
 */
export function createWebhookDispatcher(options: DispatcherOptions): WebhookDispatcher {
  const { store, sender, secrets } = options;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const schedule = options.schedule ?? STANDARD_RETRY_SCHEDULE_MS;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const claimMs = timeoutMs + (options.claimMarginMs ?? 5_000);
  const batchSize = options.batchSize ?? 16;
  const fanOutBatchSize = options.fanOutBatchSize ?? 100;
  const maxRounds = options.maxRounds ?? 10;
  const pollMs = options.pollMs ?? 1_000;
  const shutdownGraceMs = options.shutdownGraceMs ?? 2_000;
  /** Wakes a run that waits on its in-flight attempts (set only while one does). */
  let wakeWaiter: (() => void) | undefined;

  async function signedHeaders(
    delivery: WebhookDeliveryRecord,
    endpoint: WebhookEndpointRecord,
    now: number,
  ) {
    const secret = secrets.open(endpoint.secret, endpoint.id);
    const rotating =
      endpoint.previousSecret !== null &&
      endpoint.previousSecretExpiresAt !== null &&
      endpoint.previousSecretExpiresAt > iso(now);
    const headers = await buildWebhookHeaders({
      id: delivery.eventId,
      timestamp: Math.floor(now / 1000),
      body: delivery.body,
      secret,
      ...(rotating ? { previousSecret: secrets.open(endpoint.previousSecret!, endpoint.id) } : {}),
    });
    return { ...headers };
  }

  async function send(
    delivery: WebhookDeliveryRecord,
    endpoint: WebhookEndpointRecord,
    now: number,
    signal: AbortSignal | undefined,
  ): Promise<WebhookResponse> {
    try {
      const headers = await signedHeaders(delivery, endpoint, now);
      return await sender({
        url: endpoint.url,
        body: delivery.body,
        headers,
        timeoutMs,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { statusCode: null, retryAfter: null, latencyMs: 0, error: message };
    }
  }

  /** One attempt of a claimed delivery; resolves true when the receiver took it (2xx). */
  async function attempt(
    delivery: WebhookDeliveryRecord,
    endpoint: WebhookEndpointRecord,
    retry: boolean,
    cut?: AbortSignal,
  ): Promise<boolean> {
    const startedAt = clock();
    const response = await send(delivery, endpoint, startedAt, cut);
    const at = clock();
    const gone = response.statusCode === 410;
    // A ping is never retried, whoever attempts it. Its row is an ordinary due delivery, so when the
    // server died during the ping's one attempt, the dispatcher of the next start claimed it once
    // the claim lapsed and, with `retry` true, kept it on the retry schedule for days.
    const retries = retry && delivery.event !== PING_EVENT;
    let outcome: WebhookDeliveryOutcome;
    if (isSuccess(response.statusCode)) {
      outcome = { status: "succeeded", nextAttemptAt: null, at: iso(at) };
    } else {
      const delay =
        retries && !gone
          ? retryDelayMs(schedule, delivery.attempts, random, parseRetryAfter(response.retryAfter, at))
          : undefined;
      outcome =
        delay === undefined
          ? { status: "failed", nextAttemptAt: null, at: iso(at) }
          : { status: "pending", nextAttemptAt: iso(at + delay), at: iso(at) };
    }
    const record = {
      deliveryId: delivery.id,
      attempt: delivery.attempts,
      tenantId: delivery.tenantId,
      attemptedAt: iso(startedAt),
      statusCode: response.statusCode,
      latencyMs: response.latencyMs,
      error: response.error,
    };
    try {
      await store.transaction(async (tx) => {
        await tx.webhooks.deliveries.settle(record, outcome);
        if (
          gone &&
          (await tx.webhooks.endpoints.disable(endpoint.tenantId, endpoint.id, iso(at), GONE_REASON))
        ) {
          options.logger?.warn(
            { tenantId: endpoint.tenantId, webhookId: endpoint.id },
            "webhook endpoint disabled: the receiver answered 410 Gone",
          );
        }
      });
    } catch (error) {
      // The endpoint was deleted during the attempt and took the delivery and its log with it
      // (the attempt row then violates its foreign key): there is nothing left to record.
      if (await store.webhooks.deliveries.get(delivery.tenantId, delivery.id)) throw error;
    }
    return outcome.status === "succeeded";
  }

  async function fanOut(): Promise<number> {
    return store.transaction(async (tx) => {
      const events = await tx.webhooks.outbox.claim(fanOutBatchSize);
      if (events.length === 0) return 0;
      const tenants = [...new Set(events.map((event) => event.tenantId))];
      const endpoints = await tx.webhooks.endpoints.listEnabled(tenants);
      const now = iso(clock());
      const deliveries: NewWebhookDelivery[] = [];
      for (const event of events) {
        const targets = endpoints.filter(
          (e) => e.tenantId === event.tenantId && subscribes(e.events, event.event),
        );
        if (targets.length === 0) continue;
        const body = payloadBody(event);
        for (const endpoint of targets) {
          deliveries.push({
            id: newId("delivery"),
            tenantId: event.tenantId,
            endpointId: endpoint.id,
            eventId: event.id,
            event: event.event,
            body,
            createdAt: now,
            nextAttemptAt: iso(clock() + (schedule[0] ?? 0)),
          });
        }
      }
      await tx.webhooks.deliveries.insertMany(deliveries);
      await tx.webhooks.outbox.remove(events.map((event) => event.id));
      return events.length;
    });
  }

  /** Claims up to `limit` due deliveries with their endpoints; `claimed` counts them all. */
  async function claim(limit: number) {
    const now = clock();
    const claimed = await store.transaction((tx) =>
      tx.webhooks.deliveries.claimDue({ now: iso(now), claimUntil: iso(now + claimMs), limit }),
    );
    if (claimed.length === 0) return { claimed: 0, work: [] };
    const ids = [...new Set(claimed.map((d) => d.endpointId))];
    const endpoints = new Map((await store.webhooks.endpoints.getMany(ids)).map((e) => [e.id, e]));
    // Endpoints deleted since the claim took their deliveries with them: nothing to send.
    const work = claimed.flatMap((delivery) => {
      const endpoint = endpoints.get(delivery.endpointId);
      return endpoint ? [{ delivery, endpoint }] : [];
    });
    return { claimed: claimed.length, work };
  }

  async function deliverDue(): Promise<DispatchOutcome> {
    const { claimed, work } = await claim(batchSize);
    const results = await Promise.allSettled(
      work.map(({ delivery, endpoint }) => attempt(delivery, endpoint, true)),
    );
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (rejected) throw rejected.reason;
    const failed = results.filter((r) => r.status === "fulfilled" && !r.value).length;
    return { processed: work.length, failed, more: claimed === batchSize };
  }

  /** Fans out until the outbox is empty (or `maxRounds` batches were consumed). */
  async function fanOutAll(): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      if ((await fanOut()) < fanOutBatchSize) break;
    }
  }

  /**
   * Resolves on the run's next tick (every `pollMs`), on `nudge()` when `nudgeable`, or on abort,
   * whichever comes first; `cancel` clears the listeners when an attempt settled first.
   */
  function wakeSignal(
    signal: AbortSignal | undefined,
    ticks: { waiter: (() => void) | undefined },
    nudgeable: boolean,
  ): { promise: Promise<void>; cancel(): void } {
    let onAbort: (() => void) | undefined;
    const promise = new Promise<void>((resolve) => {
      ticks.waiter = resolve;
      if (nudgeable) wakeWaiter = resolve;
      onAbort = () => resolve();
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    return {
      promise,
      cancel() {
        ticks.waiter = undefined;
        if (nudgeable) wakeWaiter = undefined;
        if (onAbort) signal?.removeEventListener("abort", onAbort);
      },
    };
  }

  /**
   * Fans out, then keeps up to `batchSize` attempts in flight, claiming more as each one ends, so
   * a receiver that hangs until the timeout holds one slot rather than a whole batch. Every
   * `pollMs` while attempts are in flight it fans out again and looks for retries that came due,
   * and once nothing else is due a `nudge()` makes it look at once: slow receivers holding every
   * slot delay neither the outbox's fan-out (it used to wait for the run to end, so the outbox
   * grew without bound while slow receivers held the run) nor other deliveries once a slot frees.
   * Stops when nothing is due and nothing is in flight, after `batchSize × maxRounds` attempts
   * (then `more` asks for another run), or, once `signal` is aborted, when the attempts in flight
   * have settled.
   */
  async function run(runOptions: { signal?: AbortSignal } = {}): Promise<DispatchOutcome> {
    const { signal } = runOptions;
    await fanOutAll();
    const total: DispatchOutcome = { processed: 0, failed: 0, more: false };
    const budget = batchSize * maxRounds;
    const inFlight = new Set<Promise<void>>();
    let started = 0;
    let drained = false;
    let failure: { error: unknown } | undefined;
    // Set every pollMs (and by a nudge while drained): fan out and look for due work again.
    let recheck = false;
    const ticks: { waiter: (() => void) | undefined } = { waiter: undefined };
    const ticker = setInterval(() => {
      recheck = true;
      ticks.waiter?.();
    }, pollMs);
    // At shutdown, attempts still in flight after the grace are cut (and retried later).
    const cut = new AbortController();
    let cutTimer: NodeJS.Timeout | undefined;
    const startGrace = () => {
      cutTimer = setTimeout(() => cut.abort(), shutdownGraceMs);
    };
    if (signal?.aborted) startGrace();
    else signal?.addEventListener("abort", startGrace, { once: true });
    try {
      for (;;) {
        const stopping = failure !== undefined || signal?.aborted === true;
        if (recheck && !stopping) {
          recheck = false;
          await fanOutAll();
          drained = false;
        }
        const free = Math.min(batchSize - inFlight.size, budget - started);
        if (!drained && !stopping && free > 0) {
          const batch = await claim(free);
          // Fewer than `free` is not drained: the per-endpoint and per-tenant bounds pass over due
          // deliveries, which an ending attempt makes claimable again (below). Read as drained, a
          // backlog held to those bounds went out a few attempts per run, a run a second.
          if (batch.claimed === 0) drained = true;
          for (const { delivery, endpoint } of batch.work) {
            started += 1;
            const running: Promise<void> = attempt(delivery, endpoint, true, cut.signal)
              .then(
                (succeeded) => {
                  total.processed += 1;
                  if (!succeeded) total.failed += 1;
                },
                (error: unknown) => {
                  failure ??= { error };
                },
              )
              .finally(() => {
                inFlight.delete(running);
                // Its slot, and its endpoint's and tenant's share of the bounds, are free again.
                drained = false;
              });
            inFlight.add(running);
          }
        }
        if (inFlight.size === 0) break;
        if (stopping) {
          await Promise.race(inFlight);
          continue;
        }
        const wake = wakeSignal(signal, ticks, drained && started < budget);
        try {
          await Promise.race([
            ...inFlight,
            wake.promise.then(() => {
              recheck = true;
            }),
          ]);
        } finally {
          wake.cancel();
        }
      }
    } finally {
      clearInterval(ticker);
      clearTimeout(cutTimer);
      signal?.removeEventListener("abort", startGrace);
    }
    if (failure) throw failure.error;
    total.more = !drained && !signal?.aborted;
    return total;
  }

  function nudge(): void {
    wakeWaiter?.();
  }

  async function reload(tenantId: string, deliveryId: string): Promise<WebhookDeliveryWithAttempts> {
    const delivery = await store.webhooks.deliveries.get(tenantId, deliveryId);
    if (!delivery) throw notFound("Delivery", deliveryId);
    return delivery;
  }

  async function redeliver(tenantId: string, deliveryId: string): Promise<WebhookDeliveryWithAttempts> {
    const existing = await reload(tenantId, deliveryId);
    const endpoint = await store.webhooks.endpoints.get(tenantId, existing.endpointId);
    if (!endpoint) throw notFound("Delivery", deliveryId);
    const now = clock();
    const claimed = await store.webhooks.deliveries.claim(tenantId, deliveryId, {
      now: iso(now),
      claimUntil: iso(now + claimMs),
    });
    if (!claimed) {
      throw new IntendedOpsError(
        "CONFLICT",
        `Delivery ${deliveryId} is being attempted right now; try again shortly`,
        {
          id: deliveryId,
        },
      );
    }
    // A delivery still in its schedule keeps it; a settled one gets this single attempt.
    await attempt(claimed, endpoint, existing.status === "pending");
    return reload(tenantId, deliveryId);
  }

  async function ping(tenantId: string, endpointId: string): Promise<WebhookDeliveryWithAttempts> {
    const endpoint = await store.webhooks.endpoints.get(tenantId, endpointId);
    if (!endpoint) throw notFound("Webhook", endpointId);
    const now = clock();
    const event: OutboxEvent = {
      id: newId("webhookEvent", now),
      tenantId,
      event: PING_EVENT,
      data: { webhookId: endpoint.id, message: "Test event from IntendedOps" },
      createdAt: iso(now),
    };
    const deliveryId = newId("delivery", now);
    // Created and claimed in one transaction, so no dispatcher can take it first.
    const claimed = await store.transaction(async (tx) => {
      await tx.webhooks.deliveries.insertMany([
        {
          id: deliveryId,
          tenantId,
          endpointId,
          eventId: event.id,
          event: event.event,
          body: payloadBody(event),
          createdAt: event.createdAt,
          nextAttemptAt: event.createdAt,
        },
      ]);
      return tx.webhooks.deliveries.claim(tenantId, deliveryId, {
        now: iso(now),
        claimUntil: iso(now + claimMs),
      });
    });
    if (!claimed) throw new Error(`Ping delivery ${deliveryId} could not be claimed`);
    await attempt(claimed, endpoint, false);
    return reload(tenantId, deliveryId);
  }

  return { fanOut, deliverDue, run, nudge, redeliver, ping };
}
