import { type CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAdapter } from "../dialects/postgres";
import { sqliteAdapter } from "../dialects/sqlite";
import type { KyselyStore } from "../kysely-store";
import { DIALECTS, makeDelivery, makeEndpoint, randomSuffix, type TestStore } from "../test-fixtures";
import { type Plan, planOf, recordingDb } from "../test-query-plans";
import { createWebhookDeliveryRepo, MAX_CLAIMS_PER_ENDPOINT } from "./webhook-delivery-repo";
import { withWebhookTables } from "./webhook-tables";

const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

/**
 * The deliveries repo on a handle that records its statements. Outside a transaction: the store's
 * transaction would hold SQLite's one connection this handle needs.
 */
function recordingRepo(store: KyselyStore) {
  const { db, queries } = recordingDb(store);
  const adapter = store.dialect === "sqlite" ? sqliteAdapter : postgresAdapter("public");
  return { queries, deliveries: createWebhookDeliveryRepo(withWebhookTables(db), adapter) };
}

/** Whether `plan` searches `index` (not merely scans it in order). */
function searches(plan: Plan, index: string): boolean {
  return plan.indexes.some(({ name, condition }) => name === index && condition !== "");
}

/**
 * The dispatcher claims each time an attempt ends, so a claim must cost the same with a backlog of
 * tens of thousands as with none. It used to count held claims by reading every pending delivery,
 * and to walk the backlog of the endpoints at their bound to reach the other endpoints' rows: at
 * 34,000 due, a third of the main thread went to claiming and the backlog never drained. These
 * tests ask the database for the plan of every statement a claim runs.
 */
describe.each(DIALECTS)("webhook claims read indexes, not the backlog (%s)", (_name, open) => {
  let ctx: TestStore;
  const tenantId = `t-${randomSuffix()}`;
  const hanging = makeEndpoint(tenantId);
  const healthy = makeEndpoint(tenantId);
  const idle = Array.from({ length: 20 }, () => makeEndpoint(tenantId));

  beforeAll(async () => {
    ctx = await open();
    const { store } = ctx;
    for (const endpoint of [hanging, healthy, ...idle]) await store.webhooks.endpoints.insert(endpoint);
    // Idle endpoints with a log of settled deliveries, as the retention window keeps them.
    await store.webhooks.deliveries.insertMany(
      idle.flatMap((endpoint) =>
        Array.from({ length: 150 }, (_, i) => makeDelivery(endpoint, { nextAttemptAt: at(i) })),
      ),
    );
    await sql`update webhook_deliveries set status = 'succeeded', next_attempt_at = null`.execute(store.db);
    // A hanging receiver's backlog, due before the healthy endpoint's one delivery.
    await store.webhooks.deliveries.insertMany([
      ...Array.from({ length: 300 }, (_, i) => makeDelivery(hanging, { nextAttemptAt: at(i) })),
      makeDelivery(healthy, { nextAttemptAt: at(59) }),
    ]);
    // The hanging endpoint's receiver holds its claims.
    const held = await store.transaction((tx) =>
      tx.webhooks.deliveries.claimDue({
        now: at(59),
        claimUntil: at(59 + 600),
        limit: MAX_CLAIMS_PER_ENDPOINT,
      }),
    );
    expect(held.every((d) => d.endpointId === hanging.id)).toBe(true);
    if (store.dialect === "postgres")
      await sql`analyze webhook_deliveries, webhook_endpoints`.execute(store.db);
  });
  afterAll(() => ctx.dispose());

  it("counts held claims from the held index and finds each endpoint's due rows by its endpoint", async () => {
    const { store } = ctx;
    const repo = recordingRepo(store);
    const claimed = await repo.deliveries.claimDue({ now: at(59), claimUntil: at(59 + 600), limit: 16 });
    expect(claimed.map((d) => d.endpointId)).toEqual([healthy.id]);

    const reads = repo.queries.filter((q) => /^(select|with)/.test(q.sql));
    const heldCount = reads.find((q) => !/ limit /.test(q.sql)) as CompiledQuery;
    expect(searches(await planOf(store, heldCount), "webhook_deliveries_held")).toBe(true);
    // The endpoints below their bound, each with its oldest claimable delivery, then its rows.
    const candidates = reads.filter((q) => q !== heldCount);
    expect(candidates.length).toBe(2);
    for (const query of candidates) {
      const plan = await planOf(store, query);
      expect(searches(plan, "webhook_deliveries_pending")).toBe(true);
      // No other index of the deliveries, nor a scan of them: their backlog is never walked.
      const read = plan.indexes
        .map(({ name }) => name)
        .filter((name) => name.startsWith("webhook_deliveries"));
      expect(new Set(read)).toEqual(new Set(["webhook_deliveries_pending"]));
      expect(plan.tableScans.filter((scan) => /deliveries|SCAN [dn]$/.test(scan))).toEqual([]);
    }
    // The healthy endpoint's claim went out: only the held count and the endpoint list run now.
    repo.queries.length = 0;
    expect(await repo.deliveries.claimDue({ now: at(59), claimUntil: at(659), limit: 16 })).toEqual([]);
    expect(repo.queries.filter((q) => /^(select|with)/.test(q.sql))).toHaveLength(2);
  });

  it("reads no delivery rows when every endpoint is at its bound", async () => {
    const { store } = ctx;
    const repo = recordingRepo(store);
    const claimed = await repo.deliveries.claimDue({
      now: at(59),
      claimUntil: at(59 + 600),
      limit: 16,
      perEndpoint: 1,
    });
    expect(claimed).toEqual([]);
    // The held count, and the endpoint list with both endpoints left out in SQL.
    const reads = repo.queries.filter((q) => /^(select|with)/.test(q.sql));
    expect(reads).toHaveLength(2);
    expect(reads[1]?.parameters).toEqual(expect.arrayContaining([hanging.id, healthy.id]));
  });
});
