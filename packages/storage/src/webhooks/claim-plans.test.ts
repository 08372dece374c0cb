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
 * The plan of `query` reads `index` by a condition, and no other index of the deliveries nor a scan
 * of them: a claim never walks the delivery log or a backlog.
 */
async function expectReadBy(store: KyselyStore, query: CompiledQuery, index: string): Promise<void> {
  const plan = await planOf(store, query);
  expect(searches(plan, index), `${index} in ${JSON.stringify(plan)}`).toBe(true);
  const read = plan.indexes.map(({ name }) => name).filter((name) => name.startsWith("webhook_deliveries"));
  expect(new Set(read)).toEqual(new Set([index]));
  expect(plan.tableScans.filter((scan) => /deliveries|SCAN [dn]$/.test(scan))).toEqual([]);
}

/**
 * The plan of `query` reads `index` in its order (the query's LIMIT bounds the read), with no sort,
 * no other index of the deliveries and no scan of them.
 */
async function expectReadInOrderOf(store: KyselyStore, query: CompiledQuery, index: string): Promise<void> {
  expect(query.sql).toMatch(/ limit /);
  const plan = await planOf(store, query);
  const read = plan.indexes.map(({ name }) => name).filter((name) => name.startsWith("webhook_deliveries"));
  expect(new Set(read), JSON.stringify(plan)).toEqual(new Set([index]));
  expect(plan.sorts).toBe(false);
  expect(plan.tableScans.filter((scan) => /deliveries|SCAN [dn]$/.test(scan))).toEqual([]);
}

/** The reads among `queries`, in the order they ran (not the turn a claim takes first: no table). */
const readsOf = (queries: CompiledQuery[]) =>
  queries.filter((q) => /^(select|with)/.test(q.sql) && !q.sql.includes("pg_advisory_xact_lock"));

/**
 * The dispatcher claims each time an attempt ends, so a claim must cost the same with a backlog of
 * tens of thousands as with none. It used to count held claims by reading every pending delivery,
 * and to walk the backlog of the endpoints at their bound to reach the other endpoints' rows: at
 * 34,000 due, a third of the main thread went to claiming and the backlog never drained. These
 * tests ask the database for the plan of every statement a claim runs.
 */
/**
 * PostgreSQL both with statistics (an installation's autovacuum keeps them) and without (a fresh
 * database, or autovacuum off): its planner chose differently in each, and a claim must read the
 * same few rows either way. SQLite keeps no statistics.
 */
const PLANNERS = [
  ...DIALECTS.map(([name, open]) => [name, open, name === "postgres"] as const),
  ...DIALECTS.filter(([name]) => name === "postgres").map(
    ([name, open]) => [`${name} without statistics`, open, false] as const,
  ),
];

describe.each(PLANNERS)("webhook claims read indexes, not the backlog (%s)", (_name, open, analyze) => {
  let ctx: TestStore;
  const tenantId = `t-${randomSuffix()}`;
  const hanging = makeEndpoint(tenantId);
  const healthy = makeEndpoint(tenantId);
  const idle = Array.from({ length: 20 }, () => makeEndpoint(tenantId));
  const waiting = Array.from({ length: 30 }, () => makeEndpoint(`w-${randomSuffix()}`));
  const NOW = at(400);

  beforeAll(async () => {
    ctx = await open();
    const { store } = ctx;
    for (const endpoint of [hanging, healthy, ...idle, ...waiting])
      await store.webhooks.endpoints.insert(endpoint);
    // Idle endpoints with a log of settled deliveries, as the retention window keeps them.
    await store.webhooks.deliveries.insertMany(
      idle.flatMap((endpoint) =>
        Array.from({ length: 150 }, (_, i) => makeDelivery(endpoint, { nextAttemptAt: at(i) })),
      ),
    );
    await sql`update webhook_deliveries set status = 'succeeded', next_attempt_at = null`.execute(store.db);
    await store.webhooks.deliveries.insertMany([
      // A hanging receiver's backlog, due before the healthy endpoint's one delivery.
      ...Array.from({ length: 300 }, (_, i) => makeDelivery(hanging, { nextAttemptAt: at(i) })),
      makeDelivery(healthy, { nextAttemptAt: at(350) }),
      // Receivers that are down: a retry each, due in an hour.
      ...waiting.map((endpoint) => makeDelivery(endpoint, { nextAttemptAt: at(4000) })),
    ]);
    // The hanging endpoint's receiver holds its claims.
    const held = await store.transaction((tx) =>
      tx.webhooks.deliveries.claimDue({ now: NOW, claimUntil: at(1000), limit: MAX_CLAIMS_PER_ENDPOINT }),
    );
    expect(held.map((d) => d.endpointId)).toEqual(Array(MAX_CLAIMS_PER_ENDPOINT).fill(hanging.id));
    if (analyze) await sql`analyze webhook_deliveries, webhook_endpoints`.execute(store.db);
  });
  afterAll(() => ctx.dispose());

  it("reads only the oldest few pending deliveries when few are due, and no endpoint by endpoint", async () => {
    const { store } = ctx;
    const repo = recordingRepo(store);
    // Before the backlog came due: nothing to claim, though 32 endpoints have pending deliveries.
    expect(await repo.deliveries.claimDue({ now: at(-10), claimUntil: at(1000), limit: 16 })).toEqual([]);
    const [held, window, ...more] = readsOf(repo.queries);
    expect(more).toEqual([]);
    await expectReadBy(store, held as CompiledQuery, "webhook_deliveries_held");
    await expectReadInOrderOf(store, window as CompiledQuery, "webhook_deliveries_pending_by_due");
  });

  it("reaches a delivery behind a backlog at its bound endpoint by endpoint, reading neither the backlog nor idle endpoints", async () => {
    const { store } = ctx;
    const repo = recordingRepo(store);
    const claimed = await repo.deliveries.claimDue({ now: NOW, claimUntil: at(1000), limit: 16 });
    expect(claimed.map((d) => d.endpointId)).toEqual([healthy.id]);
    // The held count, the window (all of it the backlog), the endpoints below their bound with
    // their oldest claimable delivery, then the healthy endpoint's rows.
    const [held, window, endpoints, rows, ...more] = readsOf(repo.queries);
    expect(more).toEqual([]);
    await expectReadBy(store, held as CompiledQuery, "webhook_deliveries_held");
    await expectReadInOrderOf(store, window as CompiledQuery, "webhook_deliveries_pending_by_due");
    await expectReadBy(store, endpoints as CompiledQuery, "webhook_deliveries_pending_by_endpoint");
    await expectReadBy(store, rows as CompiledQuery, "webhook_deliveries_pending_by_endpoint");

    // Nothing claimable is left: the endpoints are looked up, and no endpoint's rows are read.
    repo.queries.length = 0;
    expect(await repo.deliveries.claimDue({ now: NOW, claimUntil: at(1000), limit: 16 })).toEqual([]);
    expect(readsOf(repo.queries)).toHaveLength(3);
  });
});
