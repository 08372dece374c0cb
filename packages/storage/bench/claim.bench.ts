/**
 * What a webhook claim costs as a backlog grows. One tenant's receiver hangs: its endpoint holds
 * its bound of claims and its due deliveries pile up. Twenty healthy endpoints of five other
 * tenants (`--endpoints`) each get a delivery now and then; every round creates one, claims (limit 1, as the
 * dispatcher does when an attempt ends) and settles it. A claim should cost the same behind a
 * backlog of 50,000 as behind none: the ratio to the empty run is the figure to read.
 * Usage: pnpm --filter @intendedops/storage bench:claims [-- --postgres] [--rounds 2000]
 *        [--backlogs 0,1000,10000,50000] [--endpoints 20] [--waiting 0]
 * `--waiting N` adds N endpoints of other tenants whose receivers are down: each has a delivery
 * pending, its retry due in an hour (the claim finds those endpoints but takes nothing from them).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createStore } from "../src/create-store";
import type { KyselyStore } from "../src/kysely-store";
import { makeDelivery, makeEndpoint, randomSuffix } from "../src/test-fixtures";
import type { WebhookEndpointRecord } from "../src/webhooks/webhook-endpoint-repo";

const { values: args } = parseArgs({
  options: {
    postgres: { type: "boolean", default: false },
    rounds: { type: "string", default: "2000" },
    backlogs: { type: "string", default: "0,1000,10000,50000" },
    endpoints: { type: "string", default: "20" },
    waiting: { type: "string", default: "0" },
  },
});
const ROUNDS = Number(args.rounds);
const BACKLOGS = args.backlogs.split(",").map(Number);
const ENDPOINTS = Number(args.endpoints);
const WAITING = Number(args.waiting);
const iso = (ms: number) => new Date(ms).toISOString();

/** A delivery of `endpoint` created and due at `dueAt`. */
const delivery = (endpoint: WebhookEndpointRecord, dueAt: number) =>
  makeDelivery(endpoint, { createdAt: iso(dueAt), nextAttemptAt: iso(dueAt) });

async function openStore(): Promise<{ store: KyselyStore; dispose(): Promise<void> }> {
  if (args.postgres) {
    const schema = `bench_${randomSuffix()}`;
    const store = await createStore({
      url: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
      schema,
    });
    return {
      store,
      async dispose() {
        await sql`drop schema ${sql.id(schema)} cascade`.execute(store.db);
        await store.close();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "intendedops-claims-"));
  const store = await createStore({ url: `file:${join(dir, "claims.db")}` });
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function run(backlog: number): Promise<{ meanMs: number; p50: number; p99: number; missed: number }> {
  const { store, dispose } = await openStore();
  try {
    const start = Date.now() - 3_600_000;
    const hanging = makeEndpoint("hanging-tenant");
    const healthy = Array.from({ length: ENDPOINTS }, (_, i) => makeEndpoint(`tenant-${i % 5}`));
    for (const endpoint of [hanging, ...healthy]) await store.webhooks.endpoints.insert(endpoint);
    // The backlog is due before anything the healthy endpoints get.
    for (let done = 0; done < backlog; done += 5_000) {
      const batch = Array.from({ length: Math.min(5_000, backlog - done) }, (_, i) =>
        delivery(hanging, start + done + i),
      );
      await store.transaction((tx) => tx.webhooks.deliveries.insertMany(batch));
    }
    const down = Array.from({ length: WAITING }, (_, i) => makeEndpoint(`down-tenant-${i % 50}`));
    for (const endpoint of down) await store.webhooks.endpoints.insert(endpoint);
    await store.transaction((tx) =>
      tx.webhooks.deliveries.insertMany(down.map((endpoint) => delivery(endpoint, Date.now() + 3_600_000))),
    );
    // Its receiver hangs: it holds its bound of claims for the whole run.
    const claimUntil = iso(Date.now() + 3_600_000);
    await store.transaction((tx) =>
      tx.webhooks.deliveries.claimDue({ now: iso(Date.now()), claimUntil, limit: 16 }),
    );
    if (store.dialect === "postgres") await sql`analyze webhook_deliveries`.execute(store.db);

    const timings: number[] = [];
    let missed = 0;
    for (let round = 0; round < ROUNDS + 200; round++) {
      const endpoint = healthy[round % healthy.length] as WebhookEndpointRecord;
      await store.webhooks.deliveries.insertMany([delivery(endpoint, Date.now())]);
      const began = process.hrtime.bigint();
      const [claimed] = await store.transaction((tx) =>
        tx.webhooks.deliveries.claimDue({ now: iso(Date.now()), claimUntil, limit: 1 }),
      );
      const ms = Number(process.hrtime.bigint() - began) / 1e6;
      if (round >= 200) timings.push(ms); // the first 200 warm up the JIT and the caches
      if (!claimed || claimed.endpointId === hanging.id) {
        missed += 1;
        continue;
      }
      const at = iso(Date.now());
      await store.webhooks.deliveries.settle(
        {
          deliveryId: claimed.id,
          attempt: claimed.attempts,
          tenantId: claimed.tenantId,
          attemptedAt: at,
          statusCode: 200,
          latencyMs: 5,
          error: null,
        },
        { status: "succeeded", nextAttemptAt: null, at },
      );
    }
    timings.sort((a, b) => a - b);
    const meanMs = timings.reduce((sum, ms) => sum + ms, 0) / timings.length;
    return { meanMs, p50: percentile(timings, 50), p99: percentile(timings, 99), missed };
  } finally {
    await dispose();
  }
}

const label = args.postgres ? "PostgreSQL" : "SQLite file (WAL)";
console.log(
  `${label}: ${ROUNDS} claims (limit 1) behind a hanging endpoint's backlog, ${ENDPOINTS} healthy endpoints` +
    (WAITING > 0 ? `, ${WAITING} endpoints waiting for a retry` : ""),
);
let baseline: number | undefined;
for (const backlog of BACKLOGS) {
  const { meanMs, p50, p99, missed } = await run(backlog);
  baseline ??= meanMs;
  console.log(
    `backlog ${String(backlog).padStart(6)}: mean ${meanMs.toFixed(3)} ms, p50 ${p50.toFixed(3)} ms, ` +
      `p99 ${p99.toFixed(3)} ms, ${(meanMs / baseline).toFixed(2)}× the first` +
      (missed > 0 ? `, ${missed} rounds claimed no healthy delivery` : ""),
  );
}
