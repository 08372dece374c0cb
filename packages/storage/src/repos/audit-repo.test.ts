import {
  buildAuditEvents,
  createCatalog,
  createGovernor,
  GENESIS_HASH,
  type Governor,
  verifyChainBatches,
} from "@intendedops/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyStore } from "../kysely-store";
import { DIALECTS, manualSignal, randomSuffix, type TestStore } from "../test-fixtures";

/**
 * A tenant with a chain of `count` events, written the way the governor writes them. With
 * `tenantRow`, the tenant's `tenants` row is created first, as the API does for every tenant.
 */
async function seedChain(store: KyselyStore, count: number, options: { tenantRow?: boolean } = {}) {
  const tenantId = `t-${randomSuffix()}`;
  if (options.tenantRow) await store.tenants.ensure(tenantId);
  const drafts = Array.from({ length: count }, (_, i) => ({
    eventType: "intent.submitted",
    actor: "key_1",
    intentId: `int_${i}`,
    data: { amount: i, note: "n" },
  }));
  await store.transaction(async (tx) => {
    const head = await tx.audit.lockHead(tenantId);
    await tx.audit.append(tenantId, buildAuditEvents(head, drafts, { tenantId, now: Date.UTC(2026, 0, 1) }));
  });
  return tenantId;
}

/** What `GET /v1/audit/verify` does: the head, then every batch of the scan against it. */
async function verifyStored(store: KyselyStore, tenantId: string) {
  const head = await store.transaction((tx) => tx.audit.lockHead(tenantId));
  return store.read((tx) => verifyChainBatches(tx.audit.scan(tenantId, 2), { head }));
}

async function headRows(store: KyselyStore, tenantId: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from audit_heads where tenant_id = ${tenantId}`.execute(store.db);
  return Number(rows[0]?.n);
}

describe.each(DIALECTS)("audit repo tampering (%s)", (_name, open) => {
  let testStore: TestStore;
  let store: KyselyStore;

  beforeAll(async () => {
    testStore = await open();
    store = testStore.store;
  });
  afterAll(() => testStore.dispose());

  it("reports a stored event whose data is not JSON any more as invalid at its seq, without throwing", async () => {
    const tenantId = await seedChain(store, 5);
    // Only SQLite keeps data as text that can be broken; jsonb refuses invalid JSON on PostgreSQL.
    if (store.dialect !== "sqlite") return;
    await sql`update audit_events set data = ${"{"} where tenant_id = ${tenantId} and seq = 3`.execute(
      store.db,
    );
    expect(await verifyStored(store, tenantId)).toEqual({ valid: false, eventCount: 5, firstInvalidSeq: 3 });
  });

  it("refuses to restart at genesis a chain whose head row was deleted while its events remain", async () => {
    const tenantId = await seedChain(store, 4);
    await sql`delete from audit_heads where tenant_id = ${tenantId}`.execute(store.db);
    // Before: a fresh genesis head, so verify said { valid: true, eventCount: 0 } over 4 stored events
    // and the next append failed on the primary key at seq 1.
    await expect(store.transaction((tx) => tx.audit.lockHead(tenantId))).rejects.toMatchObject({
      code: "INTERNAL_ERROR",
      message: expect.stringContaining("audit_heads"),
    });
    expect(await headRows(store, tenantId)).toBe(0);
  });

  it("scans rows stored before seq 1 and past 2^53 too, so verification reports them", async () => {
    const tenantId = await seedChain(store, 4);
    // Copies of seq 1 at seq 0 and far past the head: rows no append writes, written with SQL.
    for (const seq of ["0", "9007199254740993"]) {
      await sql`insert into audit_events
        select tenant_id, ${sql.raw(seq)}, id, event_type, actor, agent_id, intent_id, data, timestamp,
          prev_hash, hash, leaf_hash
        from audit_events where tenant_id = ${tenantId} and seq = 1`.execute(store.db);
    }
    const seqs: number[] = [];
    await store.read(async (tx) => {
      for await (const batch of tx.audit.scan(tenantId, 2)) seqs.push(...batch.map((e) => e.seq));
    });
    // Before: [1, 2, 3, 4] — the scan started after seq 0 and stopped at the rounded highest seq.
    expect(seqs).toEqual([0, 1, 2, 3, 4, 9007199254740992]);
    expect(await verifyStored(store, tenantId)).toMatchObject({ valid: false, firstInvalidSeq: 1 });
  });

  it("lets other work run between the batches of a scan (SQLite answers synchronously)", async () => {
    const tenantId = await seedChain(store, 30);
    // A macrotask that re-arms itself counts the event-loop turns taken while the scan runs.
    let turns = 0;
    let scanning = true;
    const tick = (): void => {
      if (!scanning) return;
      turns += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    let batches = 0;
    await store.read(async (tx) => {
      for await (const batch of tx.audit.scan(tenantId, 3)) batches += batch.length > 0 ? 1 : 0;
    });
    scanning = false;
    expect(batches).toBe(10);
    // Before: 0 on SQLite — every batch ran in one stretch of microtasks, so a verification of a
    // long chain kept every other request (and /health) waiting until it finished.
    expect(turns).toBeGreaterThanOrEqual(batches - 1);
  });

  it("still starts a brand-new tenant's chain at genesis", async () => {
    const tenantId = `t-${randomSuffix()}`;
    expect(await store.transaction((tx) => tx.audit.lockHead(tenantId))).toMatchObject({ seq: 0 });
  });
});

describe.each(DIALECTS)("audit repo pages (%s)", (_name, open) => {
  let testStore: TestStore;
  let store: KyselyStore;

  beforeAll(async () => {
    testStore = await open();
    store = testStore.store;
  });
  afterAll(() => testStore.dispose());

  it("gives every page of a filtered list in chain order when deep pages are read from the end", async () => {
    const tenantId = `t-${randomSuffix()}`;
    const drafts = Array.from({ length: 31 }, (_, i) => ({
      eventType: i % 3 === 0 ? "intent.approved" : "intent.submitted",
      actor: "key_1",
      intentId: `int_${i % 4}`,
      data: { i },
    }));
    await store.transaction(async (tx) => {
      const head = await tx.audit.lockHead(tenantId);
      await tx.audit.append(
        tenantId,
        buildAuditEvents(head, drafts, { tenantId, now: Date.UTC(2026, 0, 1) }),
      );
    });
    for (const filter of [{ eventType: "intent.submitted" }, { intentId: "int_1" }]) {
      const all = await store.read((tx) => tx.audit.list(tenantId, filter, { page: 1, pageSize: 100 }));
      const seqs = all.items.map((event) => event.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      for (const pageSize of [1, 3, 7, all.total - 1, all.total]) {
        const paged: number[] = [];
        for (let page = 1; page <= Math.ceil(all.total / pageSize) + 1; page++) {
          const listed = await store.read((tx) => tx.audit.list(tenantId, filter, { page, pageSize }));
          expect(listed.total).toBe(all.total);
          paged.push(...listed.items.map((event) => event.seq));
        }
        expect(paged, `${JSON.stringify(filter)} by ${pageSize}`).toEqual(seqs);
      }
    }
  });
});

describe.each(DIALECTS)("audit repo: verification is read-only (%s)", (_name, open) => {
  let testStore: TestStore;
  let store: KyselyStore;
  let governor: Governor;

  beforeAll(async () => {
    testStore = await open();
    store = testStore.store;
    governor = createGovernor({ store, catalog: createCatalog([]), metrics: false });
  });
  afterAll(() => testStore.dispose());

  it("verifies a tenant without events as an empty valid chain and stores no head row for it", async () => {
    const tenantId = `t-${randomSuffix()}`;
    await store.tenants.ensure(tenantId);
    const empty = { valid: true, eventCount: 0, headHash: GENESIS_HASH };
    // Before: the same answer, but GET /v1/audit/verify (which read_only keys may call) stored the
    // tenant's genesis head row.
    expect(await governor.verifyAudit(tenantId)).toEqual(empty);
    expect(await governor.verifyAudit(tenantId)).toEqual(empty);
    expect(await headRows(store, tenantId)).toBe(0);
  });

  it("stores the head row with the first events after a verification of the empty chain", async () => {
    const tenantId = `t-${randomSuffix()}`;
    await store.tenants.ensure(tenantId);
    await governor.verifyAudit(tenantId);
    const draft = { eventType: "intent.submitted", actor: "key_1", data: {} };
    const [first] = await store.transaction(async (tx) => {
      const head = await tx.audit.lockHead(tenantId);
      const events = buildAuditEvents(head, [draft, draft], { tenantId, now: Date.UTC(2026, 0, 1) });
      await tx.audit.append(tenantId, events);
      return events;
    });
    expect(first?.seq).toBe(1);
    expect(await headRows(store, tenantId)).toBe(1);
    expect(await governor.verifyAudit(tenantId)).toMatchObject({ valid: true, eventCount: 2 });
  });

  it("still refuses to verify a chain whose head row was deleted while its events remain", async () => {
    const tenantId = await seedChain(store, 3, { tenantRow: true });
    await sql`delete from audit_heads where tenant_id = ${tenantId}`.execute(store.db);
    await expect(governor.verifyAudit(tenantId)).rejects.toMatchObject({
      code: "INTERNAL_ERROR",
      message: expect.stringContaining("audit_heads"),
    });
    expect(await headRows(store, tenantId)).toBe(0);
  });

  it("keeps one gapless chain when a tenant's first events are appended by concurrent transactions", async () => {
    // With no head row to lock, first writers wait on the tenant's row; without that lock, all but
    // one of them failed ("must continue the chain … at seq 1"). SQLite runs one write
    // transaction at a time: there, first writers cannot meet.
    if (store.dialect !== "postgres") return;
    const tenantId = `t-${randomSuffix()}`;
    await store.tenants.ensure(tenantId);
    // Every writer opens its transaction before any asks for the head (fewer than the pool's 10
    // connections, as each holds one while it waits), so all of them find no head row.
    const writers = 8;
    let arrived = 0;
    const { promise: allIn, resolve: release } = manualSignal();
    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.agents.get(tenantId, "billing-agent");
          arrived += 1;
          if (arrived === writers) release();
          await allIn;
          const head = await tx.audit.lockHead(tenantId);
          const drafts = [{ eventType: "test.concurrent", actor: `writer-${i}`, data: { i } }];
          await tx.audit.append(tenantId, buildAuditEvents(head, drafts, { tenantId, now: Date.now() }));
        }),
      ),
    );
    expect(await governor.verifyAudit(tenantId)).toMatchObject({ valid: true, eventCount: writers });
    expect(await headRows(store, tenantId)).toBe(1);
  });
});
