import { IntendedOpsError, newId } from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyStore } from "../kysely-store";
import {
  DIALECTS,
  makeDelivery,
  makeEndpoint,
  manualSignal,
  randomSuffix,
  type TestStore,
  whileFirstHoldsItsTurn,
} from "../test-fixtures";
import type { InboundEndpointRecord } from "./inbound-endpoint-repo";
import { MAX_CLAIMS_PER_ENDPOINT, type WebhookAttemptRecord } from "./webhook-delivery-repo";
import { withWebhookTables } from "./webhook-tables";

const PAGE = { page: 1, pageSize: 50 };
const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

function attemptOf(
  delivery: { id: string; tenantId: string; attempts: number },
  overrides: Partial<WebhookAttemptRecord> = {},
): WebhookAttemptRecord {
  return {
    deliveryId: delivery.id,
    attempt: delivery.attempts,
    tenantId: delivery.tenantId,
    attemptedAt: at(2),
    statusCode: 200,
    latencyMs: 12,
    error: null,
    ...overrides,
  };
}

function makeInbound(
  tenantId: string,
  overrides: Partial<InboundEndpointRecord> = {},
): InboundEndpointRecord {
  return {
    id: newId("webhook"),
    tenantId,
    description: "e-signature provider",
    intentTypes: ["contracts.*"],
    secret: "whsec_c2VjcmV0LWJ5dGVzLWZvci10ZXN0aW5nLW9ubHk=",
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

describe.each(DIALECTS)("webhook repos on %s", (dialect, open) => {
  let ctx: TestStore;
  let store: KyselyStore;
  const newTenant = () => `tenant-${randomSuffix()}`;

  beforeAll(async () => {
    ctx = await open();
    store = ctx.store;
  });
  afterAll(async () => {
    await ctx?.dispose();
  });

  /** Clears the queue tables other tests share, so claims see only this test's rows. */
  async function drainQueues(): Promise<void> {
    await store.transaction(async (tx) => {
      const events = await tx.webhooks.outbox.claim(10_000);
      await tx.webhooks.outbox.remove(events.map((e) => e.id));
    });
    await store.db
      .withTables<{ webhook_deliveries: { status: string } }>()
      .deleteFrom("webhook_deliveries")
      .execute();
  }

  describe("endpoints", () => {
    it("reads back an equal endpoint when one is inserted", async () => {
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      expect(await store.webhooks.endpoints.get(endpoint.tenantId, endpoint.id)).toStrictEqual(endpoint);
    });

    it("throws CONFLICT when the id exists", async () => {
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const error = await store.webhooks.endpoints.insert(endpoint).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IntendedOpsError);
      expect((error as IntendedOpsError).code).toBe("CONFLICT");
    });

    it("finds nothing when another tenant asks for the endpoint", async () => {
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const other = newTenant();
      expect(await store.webhooks.endpoints.get(other, endpoint.id)).toBeUndefined();
      expect(
        await store.webhooks.endpoints.update({ ...endpoint, tenantId: other, url: "https://x.test" }),
      ).toBe(false);
      expect(await store.webhooks.endpoints.delete(other, endpoint.id)).toBe(false);
      expect(await store.webhooks.endpoints.disable(other, endpoint.id, at(3), "x")).toBe(false);
      expect((await store.webhooks.endpoints.get(endpoint.tenantId, endpoint.id))?.url).toBe(endpoint.url);
    });

    it("lists the tenant's endpoints oldest first with a total when paged", async () => {
      const tenantId = newTenant();
      const first = makeEndpoint(tenantId, { createdAt: at(1) });
      const second = makeEndpoint(tenantId, { createdAt: at(2) });
      await store.webhooks.endpoints.insert(second);
      await store.webhooks.endpoints.insert(first);
      await store.webhooks.endpoints.insert(makeEndpoint(newTenant()));
      const page = await store.webhooks.endpoints.list(tenantId, { page: 1, pageSize: 1 });
      expect(page).toMatchObject({ total: 2, page: 1, pageSize: 1 });
      expect(page.items.map((e) => e.id)).toEqual([first.id]);
    });

    it("rewrites the mutable fields when updated", async () => {
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const changed = {
        ...endpoint,
        url: "https://other.example.com/",
        events: ["*"],
        previousSecret: endpoint.secret,
        previousSecretExpiresAt: at(9),
        secret: "whsec_bmV3",
        updatedAt: at(5),
      };
      expect(await store.webhooks.endpoints.update(changed)).toBe(true);
      expect(await store.webhooks.endpoints.get(endpoint.tenantId, endpoint.id)).toStrictEqual(changed);
    });

    it("disables an endpoint once and leaves it out of fan-out when disabled", async () => {
      const tenantId = newTenant();
      const endpoint = makeEndpoint(tenantId);
      const enabled = makeEndpoint(tenantId);
      await store.webhooks.endpoints.insert(endpoint);
      await store.webhooks.endpoints.insert(enabled);
      expect(await store.webhooks.endpoints.disable(tenantId, endpoint.id, at(3), "gone")).toBe(true);
      expect(await store.webhooks.endpoints.disable(tenantId, endpoint.id, at(4), "again")).toBe(false);
      expect(await store.webhooks.endpoints.get(tenantId, endpoint.id)).toMatchObject({
        disabledAt: at(3),
        disabledReason: "gone",
      });
      const active = await store.webhooks.endpoints.listEnabled([tenantId]);
      expect(active.map((e) => e.id)).toEqual([enabled.id]);
      expect(await store.webhooks.endpoints.listEnabled([])).toEqual([]);
    });

    it("fans out to no deleted endpoint (no foreign key failure) when an endpoint is deleted during fan-out", async () => {
      const tenantId = newTenant();
      const endpoint = makeEndpoint(tenantId);
      await store.webhooks.endpoints.insert(endpoint);
      const { promise: held, resolve: release } = manualSignal();
      const { promise: deletedInTx, resolve: markDeleted } = manualSignal();
      // An admin's DELETE, still uncommitted while the dispatcher's fan-out reads the endpoints.
      const deleting = store.transaction(async (tx) => {
        await tx.webhooks.endpoints.delete(tenantId, endpoint.id);
        markDeleted();
        await held;
      });
      await deletedInTx;
      const fanOut = store.transaction(async (tx) => {
        const targets = await tx.webhooks.endpoints.listEnabled([tenantId]);
        return tx.webhooks.deliveries.insertMany(targets.map((target) => makeDelivery(target)));
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      await deleting;
      expect(await fanOut).toBe(0);
      expect(await store.webhooks.endpoints.get(tenantId, endpoint.id)).toBeUndefined();
    });

    it("deletes the endpoint with its deliveries when deleted", async () => {
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const delivery = makeDelivery(endpoint);
      await store.webhooks.deliveries.insertMany([delivery]);
      expect(await store.webhooks.endpoints.delete(endpoint.tenantId, endpoint.id)).toBe(true);
      expect(await store.webhooks.endpoints.get(endpoint.tenantId, endpoint.id)).toBeUndefined();
      expect(await store.webhooks.deliveries.get(endpoint.tenantId, delivery.id)).toBeUndefined();
    });
  });

  describe("deliveries", () => {
    it("creates one delivery per endpoint and event when the same fan-out runs twice", async () => {
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const delivery = makeDelivery(endpoint);
      expect(await store.webhooks.deliveries.insertMany([delivery])).toBe(1);
      expect(await store.webhooks.deliveries.insertMany([{ ...delivery, id: newId("delivery") }])).toBe(0);
      const page = await store.webhooks.deliveries.list(endpoint.tenantId, endpoint.id, PAGE);
      expect(page.total).toBe(1);
      expect(page.items[0]).toMatchObject({
        id: delivery.id,
        eventId: delivery.eventId,
        body: delivery.body,
        status: "pending",
        attempts: 0,
        attemptLog: [],
      });
    });

    it("claims only due, unclaimed deliveries of enabled endpoints when claiming", async () => {
      await drainQueues();
      const tenantId = newTenant();
      const endpoint = makeEndpoint(tenantId);
      const disabled = makeEndpoint(tenantId, { disabledAt: at(0), disabledReason: "admin" });
      await store.webhooks.endpoints.insert(endpoint);
      await store.webhooks.endpoints.insert(disabled);
      const due = makeDelivery(endpoint, { nextAttemptAt: at(5) });
      const later = makeDelivery(endpoint, { nextAttemptAt: at(50) });
      const ofDisabled = makeDelivery(disabled, { nextAttemptAt: at(5) });
      await store.webhooks.deliveries.insertMany([due, later, ofDisabled]);

      const claimed = await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: at(10), claimUntil: at(70), limit: 10 }),
      );
      expect(claimed.map((d) => d.id)).toEqual([due.id]);
      expect(claimed[0]).toMatchObject({ attempts: 1, claimedUntil: at(70) });

      const again = await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: at(60), claimUntil: at(120), limit: 10 }),
      );
      expect(again.map((d) => d.id)).toEqual([later.id]);

      // A claim that was never settled (its worker died) is taken over once it lapses.
      const lapsed = await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: at(71), claimUntil: at(130), limit: 10 }),
      );
      expect(lapsed.map((d) => [d.id, d.attempts])).toEqual([[due.id, 2]]);
    });

    it("holds at most MAX_CLAIMS_PER_ENDPOINT deliveries of one endpoint at once, so a hanging receiver cannot take every slot", async () => {
      await drainQueues();
      const tenantId = newTenant();
      const hanging = makeEndpoint(tenantId);
      const healthy = makeEndpoint(tenantId);
      await store.webhooks.endpoints.insert(hanging);
      await store.webhooks.endpoints.insert(healthy);
      // The hanging endpoint's backlog comes first in due order.
      const backlog = Array.from({ length: 10 }, (_, i) => makeDelivery(hanging, { nextAttemptAt: at(i) }));
      const others = [
        makeDelivery(healthy, { nextAttemptAt: at(20) }),
        makeDelivery(healthy, { nextAttemptAt: at(21) }),
      ];
      await store.webhooks.deliveries.insertMany([...backlog, ...others]);
      const claim = (now: number, limit: number) =>
        store.transaction((tx) =>
          tx.webhooks.deliveries.claimDue({ now: at(now), claimUntil: at(now + 60), limit }),
        );

      const first = await claim(30, 16);
      const perEndpoint = (claimed: { endpointId: string }[], endpointId: string) =>
        claimed.filter((d) => d.endpointId === endpointId).length;
      expect(perEndpoint(first, hanging.id)).toBe(MAX_CLAIMS_PER_ENDPOINT);
      expect(perEndpoint(first, healthy.id)).toBe(2);
      // Still held (its receiver hangs): the endpoint gets no more until a claim ends or lapses.
      expect(await claim(31, 16)).toEqual([]);
      const afterLapse = await claim(91, 16);
      expect(perEndpoint(afterLapse, hanging.id)).toBe(MAX_CLAIMS_PER_ENDPOINT);
    });

    it("purges deliveries settled before the cutoff with their attempts, and keeps pending and newer ones", async () => {
      await drainQueues();
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const [old, oldFailed, recent, pending] = [0, 1, 2, 3].map(() =>
        makeDelivery(endpoint, { nextAttemptAt: at(0) }),
      );
      await store.webhooks.deliveries.insertMany([old!, oldFailed!, recent!, pending!]);
      const claimed = await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: at(1), claimUntil: at(60), limit: 4 }),
      );
      const byId = new Map(claimed.map((d) => [d.id, d]));
      const settle = (id: string, status: "succeeded" | "failed", second: number) =>
        store.webhooks.deliveries.settle(attemptOf(byId.get(id)!, { attemptedAt: at(second) }), {
          status,
          nextAttemptAt: null,
          at: at(second),
        });
      await settle(old!.id, "succeeded", 10);
      await settle(oldFailed!.id, "failed", 11);
      await settle(recent!.id, "succeeded", 30);

      expect(await store.webhooks.deliveries.purgeSettled(at(20), 1)).toBe(1);
      expect(await store.webhooks.deliveries.purgeSettled(at(20), 100)).toBe(1);
      expect(await store.webhooks.deliveries.purgeSettled(at(20), 100)).toBe(0);
      const left = await store.webhooks.deliveries.list(endpoint.tenantId, endpoint.id, {
        page: 1,
        pageSize: 10,
      });
      expect(left.items.map((d) => d.id).sort()).toEqual([recent!.id, pending!.id].sort());
      // The attempts went with their deliveries.
      const attempts = await withWebhookTables(store.db)
        .selectFrom("webhook_attempts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("delivery_id", "in", [old!.id, oldFailed!.id])
        .executeTakeFirstOrThrow();
      expect(Number(attempts.n)).toBe(0);
    });

    it("records the attempt and applies the outcome when settled at the current attempt", async () => {
      await drainQueues();
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const delivery = makeDelivery(endpoint);
      await store.webhooks.deliveries.insertMany([delivery]);
      const [claimed] = await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: at(1), claimUntil: at(60), limit: 1 }),
      );
      const failure = attemptOf(claimed!, { statusCode: 503, error: "HTTP 503" });
      expect(
        await store.webhooks.deliveries.settle(failure, {
          status: "pending",
          nextAttemptAt: at(7),
          at: at(2),
        }),
      ).toBe(true);
      const [retried] = await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: at(7), claimUntil: at(60), limit: 1 }),
      );
      expect(retried?.attempts).toBe(2);
      const success = attemptOf(retried!, { attemptedAt: at(8), latencyMs: 40 });
      expect(
        await store.webhooks.deliveries.settle(success, {
          status: "succeeded",
          nextAttemptAt: null,
          at: at(8),
        }),
      ).toBe(true);

      expect(await store.webhooks.deliveries.get(endpoint.tenantId, delivery.id)).toMatchObject({
        status: "succeeded",
        attempts: 2,
        nextAttemptAt: null,
        claimedUntil: null,
        lastStatusCode: 200,
        lastError: null,
        completedAt: at(8),
        attemptLog: [failure, success],
      });
    });

    it("keeps the attempt but not its outcome when a later claim took the delivery over", async () => {
      await drainQueues();
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const delivery = makeDelivery(endpoint);
      await store.webhooks.deliveries.insertMany([delivery]);
      const [first] = await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: at(1), claimUntil: at(2), limit: 1 }),
      );
      const [second] = await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: at(3), claimUntil: at(60), limit: 1 }),
      );
      expect(second?.attempts).toBe(2);
      const stale = attemptOf(first!, { statusCode: 500, error: "HTTP 500" });
      expect(
        await store.webhooks.deliveries.settle(stale, { status: "failed", nextAttemptAt: null, at: at(4) }),
      ).toBe(false);
      const stored = await store.webhooks.deliveries.get(endpoint.tenantId, delivery.id);
      expect(stored).toMatchObject({ status: "pending", attempts: 2, claimedUntil: at(60) });
      expect(stored?.attemptLog).toEqual([stale]);
    });

    it("counts a manual redelivery of a settled delivery against its endpoint's bound while it is held", async () => {
      await drainQueues();
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const settled = makeDelivery(endpoint);
      const waiting = makeDelivery(endpoint, { nextAttemptAt: at(5) });
      await store.webhooks.deliveries.insertMany([settled, waiting]);
      await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: at(1), claimUntil: at(2), limit: 1 }),
      );
      await store.webhooks.deliveries.settle(attemptOf({ ...settled, attempts: 1 }), {
        status: "succeeded",
        nextAttemptAt: null,
        at: at(2),
      });
      // An operator redelivers the settled one: an attempt in flight to the endpoint all the same.
      await store.webhooks.deliveries.claim(endpoint.tenantId, settled.id, {
        now: at(6),
        claimUntil: at(60),
      });
      const claimDue = (now: number) =>
        store.transaction((tx) =>
          tx.webhooks.deliveries.claimDue({ now: at(now), claimUntil: at(90), limit: 4, perEndpoint: 1 }),
        );
      expect(await claimDue(7)).toEqual([]);
      expect((await claimDue(61)).map((d) => d.id)).toEqual([waiting.id]);
    });

    it("claims one delivery by id whatever its status unless a worker holds it", async () => {
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const delivery = makeDelivery(endpoint);
      await store.webhooks.deliveries.insertMany([delivery]);
      const claimed = await store.webhooks.deliveries.claim(endpoint.tenantId, delivery.id, {
        now: at(1),
        claimUntil: at(30),
      });
      expect(claimed?.attempts).toBe(1);
      await store.webhooks.deliveries.settle(attemptOf(claimed!, { statusCode: 500 }), {
        status: "failed",
        nextAttemptAt: null,
        at: at(2),
      });
      const manual = await store.webhooks.deliveries.claim(endpoint.tenantId, delivery.id, {
        now: at(3),
        claimUntil: at(30),
      });
      expect(manual).toMatchObject({ status: "failed", attempts: 2 });
      expect(
        await store.webhooks.deliveries.claim(endpoint.tenantId, delivery.id, {
          now: at(4),
          claimUntil: at(30),
        }),
      ).toBeUndefined();
      expect(
        await store.webhooks.deliveries.claim(newTenant(), delivery.id, { now: at(40), claimUntil: at(50) }),
      ).toBeUndefined();
    });

    it("lists an endpoint's deliveries newest first with their attempts when paged", async () => {
      const endpoint = makeEndpoint(newTenant());
      await store.webhooks.endpoints.insert(endpoint);
      const older = makeDelivery(endpoint, { createdAt: at(1) });
      const newer = makeDelivery(endpoint, { createdAt: at(2) });
      await store.webhooks.deliveries.insertMany([older, newer]);
      const claimed = await store.webhooks.deliveries.claim(endpoint.tenantId, older.id, {
        now: at(3),
        claimUntil: at(30),
      });
      await store.webhooks.deliveries.settle(attemptOf(claimed!), {
        status: "succeeded",
        nextAttemptAt: null,
        at: at(3),
      });
      const page = await store.webhooks.deliveries.list(endpoint.tenantId, endpoint.id, PAGE);
      expect(page.items.map((d) => [d.id, d.attemptLog.length])).toEqual([
        [newer.id, 0],
        [older.id, 1],
      ]);
      expect((await store.webhooks.deliveries.list(newTenant(), endpoint.id, PAGE)).total).toBe(0);
    });
  });

  describe("outbox queue", () => {
    it("hands out events the governor enqueued, oldest first, and removes them when consumed", async () => {
      await drainQueues();
      const tenantId = newTenant();
      await store.webhooks.endpoints.insert(makeEndpoint(tenantId));
      const events = [2, 1].map((second) => ({
        id: newId("webhookEvent"),
        tenantId,
        event: "intent.submitted",
        data: { intentId: `int_${second}`, nested: { ok: true } },
        createdAt: at(second),
      }));
      await store.transaction((tx) => tx.outbox.enqueue(events));
      const claimed = await store.transaction((tx) => tx.webhooks.outbox.claim(10));
      expect(claimed).toEqual([events[1], events[0]]);
      expect(await store.transaction((tx) => tx.webhooks.outbox.remove(claimed.map((e) => e.id)))).toBe(2);
      expect(await store.transaction((tx) => tx.webhooks.outbox.claim(10))).toEqual([]);
    });

    const outboxEvent = (tenantId: string, event: string) => ({
      id: newId("webhookEvent"),
      tenantId,
      event,
      data: { event },
      createdAt: at(1),
    });

    it("writes only the events an enabled endpoint of the tenant subscribes to, and returns them", async () => {
      await drainQueues();
      const tenantId = newTenant();
      const other = newTenant();
      await store.webhooks.endpoints.insert(makeEndpoint(tenantId, { events: ["intent.approved"] }));
      await store.webhooks.endpoints.insert(makeEndpoint(other, { events: ["*"] }));
      await store.webhooks.endpoints.insert(
        makeEndpoint(tenantId, { events: ["intent.blocked"], disabledAt: at(0), disabledReason: "off" }),
      );
      const approved = outboxEvent(tenantId, "intent.approved");
      const events = [
        outboxEvent(tenantId, "intent.submitted"),
        approved,
        outboxEvent(tenantId, "intent.blocked"),
      ];
      expect(await store.transaction((tx) => tx.outbox.enqueue(events))).toEqual([approved]);
      const everything = [outboxEvent(other, "agent.registered"), outboxEvent(other, "intent.failed")];
      expect(await store.transaction((tx) => tx.outbox.enqueue(everything))).toEqual(everything);
      const claimed = await store.transaction((tx) => tx.webhooks.outbox.claim(10));
      expect(claimed.map((e) => e.id).sort()).toEqual([approved, ...everything].map((e) => e.id).sort());
      await store.transaction((tx) => tx.webhooks.outbox.remove(claimed.map((e) => e.id)));
    });

    it("writes nothing for a tenant without webhook endpoints", async () => {
      await drainQueues();
      const tenantId = newTenant();
      const kept = await store.transaction((tx) =>
        tx.outbox.enqueue([outboxEvent(tenantId, "intent.submitted")]),
      );
      expect(kept).toEqual([]);
      expect(await store.transaction((tx) => tx.webhooks.outbox.claim(10))).toEqual([]);
    });

    it("sees an endpoint created earlier in the same transaction", async () => {
      await drainQueues();
      const tenantId = newTenant();
      const event = outboxEvent(tenantId, "intent.submitted");
      const kept = await store.transaction(async (tx) => {
        await tx.webhooks.endpoints.insert(makeEndpoint(tenantId));
        return tx.outbox.enqueue([event]);
      });
      expect(kept).toEqual([event]);
      const claimed = await store.transaction((tx) => tx.webhooks.outbox.claim(10));
      expect(claimed.map((e) => e.id)).toEqual([event.id]);
      await store.transaction((tx) => tx.webhooks.outbox.remove([event.id]));
    });
  });

  describe("inbound endpoints", () => {
    it("finds the endpoint by id alone and by tenant only in its own tenant", async () => {
      const endpoint = makeInbound(newTenant());
      await store.webhooks.inbound.insert(endpoint);
      expect(await store.webhooks.inbound.find(endpoint.id)).toStrictEqual(endpoint);
      expect(await store.webhooks.inbound.get(endpoint.tenantId, endpoint.id)).toStrictEqual(endpoint);
      expect(await store.webhooks.inbound.get(newTenant(), endpoint.id)).toBeUndefined();
      expect(await store.webhooks.inbound.delete(newTenant(), endpoint.id)).toBe(false);
      const list = await store.webhooks.inbound.list(endpoint.tenantId, PAGE);
      expect(list.items).toStrictEqual([endpoint]);
    });

    it("updates and deletes the endpoint in its tenant", async () => {
      const endpoint = makeInbound(newTenant());
      await store.webhooks.inbound.insert(endpoint);
      const rotated = {
        ...endpoint,
        secret: "whsec_bmV3",
        previousSecret: endpoint.secret,
        updatedAt: at(5),
      };
      expect(await store.webhooks.inbound.update(rotated)).toBe(true);
      expect(await store.webhooks.inbound.find(endpoint.id)).toStrictEqual(rotated);
      expect(await store.webhooks.inbound.delete(endpoint.tenantId, endpoint.id)).toBe(true);
      expect(await store.webhooks.inbound.find(endpoint.id)).toBeUndefined();
    });

    it("refuses a message id the second time and accepts it again when forgotten or purged", async () => {
      const endpoint = makeInbound(newTenant());
      await store.webhooks.inbound.insert(endpoint);
      expect(await store.webhooks.inbound.remember(endpoint.id, "msg_1", at(1))).toBe(true);
      expect(await store.webhooks.inbound.remember(endpoint.id, "msg_1", at(2))).toBe(false);
      await store.webhooks.inbound.forget(endpoint.id, "msg_1");
      expect(await store.webhooks.inbound.remember(endpoint.id, "msg_1", at(3))).toBe(true);
      expect(await store.webhooks.inbound.purgeMessages(at(4))).toBeGreaterThanOrEqual(1);
      expect(await store.webhooks.inbound.remember(endpoint.id, "msg_1", at(5))).toBe(true);
    });

    it("tells a settled message id from one whose report was never decided", async () => {
      const endpoint = makeInbound(newTenant());
      await store.webhooks.inbound.insert(endpoint);
      expect(await store.webhooks.inbound.settled(endpoint.id, "msg_1")).toBe(false);
      await store.webhooks.inbound.remember(endpoint.id, "msg_1", at(1));
      expect(await store.webhooks.inbound.settled(endpoint.id, "msg_1")).toBe(false);
      await store.webhooks.inbound.settle(endpoint.id, "msg_1", at(2));
      expect(await store.webhooks.inbound.settled(endpoint.id, "msg_1")).toBe(true);
      expect(await store.webhooks.inbound.remember(endpoint.id, "msg_1", at(3))).toBe(false);
      expect(await store.webhooks.inbound.settled(endpoint.id, "msg_1")).toBe(true);
    });
  });

  describe.runIf(dialect === "postgres")("concurrent claims", () => {
    it("gives two transactions that claim at once disjoint deliveries and events, the second claim after the first commits", async () => {
      await drainQueues();
      const tenantId = newTenant();
      // Three endpoints, two deliveries each: no endpoint reaches its bound of claims held at once.
      const endpoints = [makeEndpoint(tenantId), makeEndpoint(tenantId), makeEndpoint(tenantId)];
      for (const endpoint of endpoints) await store.webhooks.endpoints.insert(endpoint);
      await store.webhooks.deliveries.insertMany(
        endpoints.flatMap((endpoint) => [makeDelivery(endpoint), makeDelivery(endpoint)]),
      );
      await store.transaction((tx) =>
        tx.outbox.enqueue(
          Array.from({ length: 6 }, (_, i) => ({
            id: newId("webhookEvent"),
            tenantId,
            event: "intent.submitted",
            data: { i },
            createdAt: at(i),
          })),
        ),
      );

      const claims = await whileFirstHoldsItsTurn(
        store,
        "webhook_claims",
        (claimed, mayCommit) =>
          store.transaction(async (tx) => {
            const deliveries = await tx.webhooks.deliveries.claimDue({
              now: at(10),
              claimUntil: at(70),
              limit: 4,
            });
            const events = await tx.webhooks.outbox.claim(4);
            claimed();
            await mayCommit;
            return { deliveries, events };
          }),
        () =>
          store.transaction(async (tx) => {
            // Events are claimed side by side: those the first transaction holds are skipped.
            const events = await tx.webhooks.outbox.claim(4);
            const deliveries = await tx.webhooks.deliveries.claimDue({
              now: at(10),
              claimUntil: at(70),
              limit: 4,
            });
            return { deliveries, events };
          }),
      );
      // Delivery claims take turns (their bounds count the claims of every instance): the second
      // waited for the first to commit, and then saw its claims.
      expect(claims.secondWaited).toBe(true);
      const { first: firstResult, second } = claims;
      expect(firstResult.deliveries).toHaveLength(4);
      expect(second.deliveries).toHaveLength(2);
      expect(firstResult.events).toHaveLength(4);
      expect(second.events).toHaveLength(2);
      const deliveryIds = [...firstResult.deliveries, ...second.deliveries].map((d) => d.id);
      const eventIds = [...firstResult.events, ...second.events].map((e) => e.id);
      expect(new Set(deliveryIds).size).toBe(6);
      expect(new Set(eventIds).size).toBe(6);
    });
  });
});
