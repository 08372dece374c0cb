import { buildAuditEvents, newId } from "@intendedops/core";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { KyselyTx } from "../kysely-store";
import { DIALECTS, isoAt, makeEndpoint, manualSignal, statementLoggedStore } from "../test-fixtures";

const outboxEvent = (tenantId: string, event: string) => ({
  id: newId("webhookEvent"),
  tenantId,
  event,
  data: { event },
  createdAt: isoAt(1),
});

/** What `recordEvents` does: lock the head, append one event, then enqueue. */
async function appendThenEnqueue(tx: KyselyTx, tenantId: string, events: ReturnType<typeof outboxEvent>[]) {
  const head = await tx.audit.lockHead(tenantId);
  await tx.audit.append(
    tenantId,
    buildAuditEvents(head, [{ eventType: "intent.submitted", actor: "key_1", data: {} }], {
      tenantId,
      now: 1,
    }),
  );
  return tx.outbox.enqueue(events);
}

const readsSubscriptions = (statement: string) => statement.includes('"webhook_endpoints"');

describe.each(DIALECTS)("webhook subscriptions read under the audit lock (%s)", (dialect, open) => {
  const logged = statementLoggedStore(open);
  const newTenant = () => logged.newTenant("sub");

  it("keeps the events an enabled endpoint subscribes to, reading the endpoints once", async () => {
    const tenantId = await newTenant();
    await logged.store.webhooks.endpoints.insert(makeEndpoint(tenantId, { events: ["intent.approved"] }));
    await logged.store.webhooks.endpoints.insert(
      makeEndpoint(tenantId, { events: ["intent.blocked"], disabledAt: isoAt(0), disabledReason: "off" }),
    );
    // The tenant's first append stores its head row; the second moves it.
    await logged.store.transaction((tx) => appendThenEnqueue(tx, tenantId, []));
    const approved = outboxEvent(tenantId, "intent.approved");
    const events = [
      outboxEvent(tenantId, "intent.submitted"),
      approved,
      outboxEvent(tenantId, "intent.blocked"),
    ];
    logged.statements.length = 0;
    expect(await logged.store.transaction((tx) => appendThenEnqueue(tx, tenantId, events))).toEqual([
      approved,
    ]);
    const reads = logged.statements.filter(readsSubscriptions);
    expect(reads).toHaveLength(1);
    // PostgreSQL reads them in the append's own statement, while the head is locked: one round
    // trip fewer for every writer of the tenant waiting on that lock.
    if (dialect === "postgres") expect(reads[0]).toMatch(/^with "moved" as \(update "audit_heads"/);
    else expect(reads[0]).toMatch(/^select "events" from "webhook_endpoints"/);
    expect(await logged.store.transaction((tx) => tx.webhooks.outbox.claim(100))).toContainEqual(approved);
  });

  it("filters the outbox of a tenant's first append, which stores the head row instead of moving it", async () => {
    const tenantId = await newTenant();
    await logged.store.webhooks.endpoints.insert(makeEndpoint(tenantId, { events: ["*"] }));
    const event = outboxEvent(tenantId, "intent.submitted");
    expect(await logged.store.transaction((tx) => appendThenEnqueue(tx, tenantId, [event]))).toEqual([event]);
    expect(
      await logged.store.read((tx) => tx.audit.list(tenantId, {}, { page: 1, pageSize: 10 })),
    ).toMatchObject({
      total: 1,
    });
  });

  it("reads again for a second enqueue, after the transaction added an endpoint", async () => {
    const tenantId = await newTenant();
    await logged.store.transaction((tx) => appendThenEnqueue(tx, tenantId, []));
    const later = outboxEvent(tenantId, "intent.submitted");
    const kept = await logged.store.transaction(async (tx) => {
      const first = await appendThenEnqueue(tx, tenantId, [outboxEvent(tenantId, "intent.submitted")]);
      await tx.webhooks.endpoints.insert(makeEndpoint(tenantId, { events: ["intent.submitted"] }));
      return [first, await tx.outbox.enqueue([later])];
    });
    expect(kept).toEqual([[], [later]]);
  });

  it("sees the endpoint that the writer it waited for on the head lock created", async () => {
    const tenantId = await newTenant();
    await logged.store.transaction((tx) => appendThenEnqueue(tx, tenantId, []));
    const { promise: holding, resolve: locked } = manualSignal();
    const { promise: gate, resolve: finish } = manualSignal();
    // The creator holds the head while it adds the endpoint, as the API's audited create does.
    const creator = logged.store.transaction(async (tx) => {
      await tx.audit.lockHead(tenantId);
      locked();
      await gate;
      await tx.webhooks.endpoints.insert(makeEndpoint(tenantId, { events: ["*"] }));
      await appendThenEnqueue(tx, tenantId, []);
    });
    await holding;
    const event = outboxEvent(tenantId, "intent.submitted");
    const writer = logged.store.transaction((tx) => appendThenEnqueue(tx, tenantId, [event]));
    if (dialect === "postgres") {
      // The writer has begun and waits for the head: a read of the endpoints taken before the
      // lock was granted (in the locking statement, say) would miss the creator's endpoint.
      for (let i = 0; i < 200; i++) {
        const { rows } = await sql<{ waiting: number }>`
          select count(*)::int as waiting from pg_locks where not granted`.execute(logged.store.db);
        if ((rows[0]?.waiting ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    finish();
    await creator;
    expect(await writer).toEqual([event]);
  });

  it("leaves nothing behind when the append's statement fails", async () => {
    const tenantId = await newTenant();
    await logged.store.webhooks.endpoints.insert(makeEndpoint(tenantId, { events: ["*"] }));
    await logged.store.transaction((tx) => appendThenEnqueue(tx, tenantId, []));
    const draft = { eventType: "x", actor: "a", data: {} };
    // Events that start at seq 1 again: the chain already has seq 1.
    const stale = buildAuditEvents({ seq: 0, hash: "0".repeat(64) }, [draft], { tenantId, now: 0 });
    await expect(
      logged.store.transaction(async (tx) => {
        await tx.audit.lockHead(tenantId);
        await tx.audit.append(tenantId, stale);
      }),
    ).rejects.toMatchObject({
      code: "INTERNAL_ERROR",
      message: expect.stringContaining("continue the chain"),
    });
    expect(
      await logged.store.read((tx) => tx.audit.list(tenantId, {}, { page: 1, pageSize: 10 })),
    ).toMatchObject({
      total: 1,
    });
  });
});
