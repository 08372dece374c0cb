/**
 * Throughput of a submission-shaped write transaction (the API's hot path) on the Kysely store.
 * Usage: pnpm --filter @intendedops/storage bench [-- --postgres] [--count 20000] [--concurrency 50]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildAuditEvents, newId } from "@intendedops/core";
import { sql } from "kysely";
import { createStore } from "../src/create-store";
import type { KyselyStore } from "../src/kysely-store";
import { makeAgent, makeIntent, randomSuffix } from "../src/test-fixtures";

const { values: args } = parseArgs({
  options: {
    postgres: { type: "boolean", default: false },
    count: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "50" },
  },
});
const COUNT = Number(args.count);
const CONCURRENCY = Number(args.concurrency);
const TENANT = "bench";

/**
 * What the governor does to accept one intent: reads, intent row, one audit event, and one outbox
 * event (which the store skips: the bench tenant has no webhook endpoint).
 */
function submit(store: KyselyStore, n: number): Promise<void> {
  return store.transaction(async (tx) => {
    const now = Date.now();
    await tx.idempotency.get(TENANT, `key-${n}`);
    const agent = await tx.agents.get(TENANT, "billing-agent");
    await tx.policies.revision(TENANT);
    await tx.intentions.revision(TENANT);
    const intent = makeIntent(TENANT, newId("intent", now), agent?.id ?? "billing-agent", {
      params: { amount: n, customer: { id: `cust_${n % 97}` } },
    });
    await tx.intents.insert(intent);
    const head = await tx.audit.lockHead(TENANT);
    const drafts = [
      {
        eventType: "intent.submitted",
        actor: "key_bench",
        intentId: intent.id,
        data: { type: intent.type, decision: { outcome: "allow" } },
      },
    ];
    await tx.audit.append(TENANT, buildAuditEvents(head, drafts, { tenantId: TENANT, now }));
    await tx.outbox.enqueue([
      {
        id: newId("webhookEvent", now),
        tenantId: TENANT,
        event: "intent.submitted",
        data: { intentId: intent.id },
        createdAt: intent.createdAt,
      },
    ]);
  });
}

async function run(label: string, store: KyselyStore): Promise<void> {
  await store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "billing-agent")));
  for (let i = 0; i < 500; i++) await submit(store, -i - 1); // warm-up: JIT, statement cache, page cache
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COUNT) await submit(store, next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time per submission is the steadier figure on a shared machine: wall time includes other processes.
  const cpuMicros = (cpu.user + cpu.system) / COUNT;
  const perSecond = Math.round(COUNT / seconds);
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(
    `${label}: ${COUNT} submissions in ${seconds.toFixed(2)} s = ${perSecond}/s, ` +
      `${cpuMicros.toFixed(0)} µs CPU each (concurrency ${CONCURRENCY}, RSS ${rss} MB)`,
  );
}

if (args.postgres) {
  const schema = `bench_${randomSuffix()}`;
  const store = await createStore({
    url: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    schema,
  });
  try {
    await run("postgres", store);
  } finally {
    await sql`drop schema ${sql.id(schema)} cascade`.execute(store.db);
    await store.close();
  }
} else {
  const dir = mkdtempSync(join(tmpdir(), "intendedops-bench-"));
  const store = await createStore({ url: `file:${join(dir, "bench.db")}` });
  try {
    await run("sqlite file (WAL)", store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
