/**
 * `npx tsx --conditions=@intendedops/source bench/submit.bench.ts` (from apps/api): `governor.submit` in-process on the real server's
 * services (SQLite file, jobs running, no HTTP), so storage and governor changes can be measured
 * without autocannon sharing the CPU. Prints submissions per second and CPU µs per submission.
 * Flags: --count <n>, --concurrency <n>, --postgres, --unprepared (PostgreSQL without prepared
 * statements: DATABASE_PREPARED_STATEMENTS=0), --keep (leave the SQLite file for inspection).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { billingFixtures } from "@intendedops/billing-agent";
import type { CreateIntentInput } from "@intendedops/core";
import { supportFixtures } from "@intendedops/support-agent";
import { loadConfig } from "../src/config";
import { startServer } from "../src/server";

const { values: flags } = parseArgs({
  options: {
    count: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "50" },
    postgres: { type: "boolean", default: false },
    unprepared: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const COUNT = Number(flags.count);
const CONCURRENCY = Number(flags.concurrency);

const dir = mkdtempSync(join(tmpdir(), "intendedops-submit-bench-"));
const databaseUrl = flags.postgres
  ? (process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test")
  : `file:${join(dir, "bench.db")}`;
const config = {
  ...loadConfig({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "silent",
    PORT: "0",
    DATABASE_PREPARED_STATEMENTS: flags.unprepared ? "0" : "1",
  }),
};
const schema = flags.postgres ? `bench_${Date.now().toString(36)}` : undefined;
const server = await startServer(config, { print: () => {}, ...(schema ? { schema } : {}) });
const { governor, store } = server.services;
const tenantId = "bench";
await store.tenants.ensure(tenantId, "bench");
const actor = { tenantId, id: "key_bench", name: "bench", kind: "key" as const };

const bodies: CreateIntentInput[] = [];
for (const [domain, fixtures] of [
  ["billing", billingFixtures],
  ["support", supportFixtures],
] as const) {
  await governor.registerAgent(actor, {
    id: `${domain}-bench`,
    name: domain,
    domains: [domain],
    intentTypes: [`${domain}.*`],
  });
  await governor.setTrust(actor, `${domain}-bench`, { tier: "T3", reason: "bench" });
  for (const [type, fixture] of Object.entries(
    fixtures as Record<string, { valid: Record<string, unknown> }>,
  )) {
    bodies.push({
      type,
      domain,
      agentId: `${domain}-bench`,
      params: fixture.valid,
      description: `Bench ${type}`,
    });
  }
}
const usable: CreateIntentInput[] = [];
for (const body of bodies) {
  const { intent } = await governor.submit(actor, body);
  if (intent.status === "approved") usable.push(body);
}

async function run(count: number): Promise<{ perSecond: number; cpuMicros: number }> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const n = next++;
        await governor.submit(actor, usable[n % usable.length]!);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond: Math.round(count / seconds), cpuMicros: (cpu.user + cpu.system) / count };
}

await run(Math.min(3000, COUNT));
const result = await run(COUNT);
console.log(
  `${flags.postgres ? "postgres" : "sqlite file"}: ${COUNT} submissions (${usable.length} types), ` +
    `${result.perSecond}/s, ${result.cpuMicros.toFixed(0)} µs CPU each, concurrency ${CONCURRENCY}, ` +
    `RSS ${Math.round(process.memoryUsage().rss / 1048576)} MB`,
);
await server.stop();
if (schema) {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`drop schema ${schema} cascade`);
  await client.end();
}
if (flags.keep && !flags.postgres) console.log(`database kept: ${join(dir, "bench.db")}`);
else rmSync(dir, { recursive: true, force: true });
