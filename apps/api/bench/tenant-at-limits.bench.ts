/**
 * `npx tsx --conditions=@intendedops/source bench/tenant-at-limits.bench.ts` (from apps/api): what
 * one submission costs a tenant at the limits — 0, 10, 100 and 1,000 policies (a mix of every policy
 * feature, see `tenant-at-limits.ts`), with 0 or 200 active intentions, 300 agents and all 75 intent
 * types — on the governor's in-memory store and on the real server's SQLite store (`--postgres` adds
 * PostgreSQL). Eight tenants, one per configuration, measured in alternating rounds so the host's
 * load lands on all of them; medians printed. Then, at 1,000 policies and 200 intentions: evaluate()
 * alone, `POST /v1/policies/simulate` over HTTP, and the write path (create, update and delete a
 * policy when 999/1,000 exist, and the first submission after each change, which recompiles).
 * Flags: --count <n> submissions per tenant per round, --rounds <n>, --concurrency <n>, --postgres,
 * --stores memory,sqlite, --configs 1000:200,0:0 (policies:intentions per tenant), --submissions-only,
 * --inert (no policy matches any submission: the outcomes of a tenant without policies, every
 * policy still walked).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  type Actor,
  type CreateIntentInput,
  compileIntentions,
  compilePolicies,
  createGovernor,
  createMemoryStore,
  evaluate,
  type Governor,
} from "@intendedops/core";
import { issueApiKey } from "../src/api-key-service";
import { loadConfig } from "../src/config";
import { createDomainCatalog } from "../src/domain-catalog";
import { type RunningServer, startServer } from "../src/server";
import { catalogTypes, generateSubmissions, generateTenant, seededRandom } from "./tenant-at-limits";

const { values: flags } = parseArgs({
  options: {
    count: { type: "string", default: "1500" },
    rounds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "50" },
    postgres: { type: "boolean", default: false },
    stores: { type: "string", default: "memory,sqlite" },
    configs: { type: "string" },
    "submissions-only": { type: "boolean", default: false },
    inert: { type: "boolean", default: false },
  },
});
const COUNT = Number(flags.count);
const ROUNDS = Number(flags.rounds);
const CONCURRENCY = Number(flags.concurrency);
/** [policies, intentions] per tenant; `--configs 1000:0,0:0` picks some. */
const CONFIGS: [number, number][] = flags.configs
  ? flags.configs.split(",").map((c) => c.split(":").map(Number) as [number, number])
  : [0, 200].flatMap((i) => [0, 10, 100, 1000].map((p): [number, number] => [p, i]));

const catalog = createDomainCatalog();
const types = catalogTypes(catalog);
const {
  agents,
  policies: allPolicies,
  intentions: allIntentions,
} = generateTenant(types, 1, { inert: flags.inert });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return d.user + d.system;
};

interface Tenant {
  id: string;
  actor: Actor;
  policies: number;
  intentions: number;
  bodies: CreateIntentInput[];
}

/** Agents (with their tiers), intentions (200 published, 10 left draft, 10 archived) and policies. */
async function setUpTenant(governor: Governor, policies: number, intentions: number): Promise<Tenant> {
  const id = `t-p${policies}-i${intentions}`;
  const actor: Actor = { tenantId: id, id: "key_bench", name: "bench", kind: "key" };
  for (const agent of agents) {
    const { tier, ...input } = agent;
    await governor.registerAgent(actor, input);
    if (tier !== "T0") await governor.setTrust(actor, agent.id, { tier, reason: "bench" });
  }
  const labels: string[] = [];
  if (intentions > 0) {
    for (const [i, input] of allIntentions.entries()) {
      const created = await governor.createIntention(actor, input);
      if (i < intentions) {
        await governor.publishIntention(actor, created.id);
        labels.push(created.label);
      } else if (i % 2 === 0) {
        await governor.archiveIntention(actor, created.id);
      }
    }
  }
  for (const input of allPolicies.slice(0, policies)) await governor.createPolicy(actor, input);
  const bodies = generateSubmissions(seededRandom(4), types, agents, labels, 4);
  return { id, actor, policies, intentions, bodies };
}

/** CPU µs per submission over `count` submissions at CONCURRENCY, and the outcome mix. */
async function submitRun(governor: Governor, tenant: Tenant, count: number, offset: number) {
  let next = 0;
  const mix = { approved: 0, pending: 0, blocked: 0 };
  const started = process.cpuUsage();
  const wall = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const n = next++;
        const { intent } = await governor.submit(
          tenant.actor,
          tenant.bodies[(n + offset) % tenant.bodies.length]!,
        );
        mix[intent.status as keyof typeof mix] += 1;
      }
    }),
  );
  return { cpu: cpuMicros(started) / count, wall: ((performance.now() - wall) * 1000) / count, mix };
}

async function measureSubmissions(label: string, governor: Governor, tenants: Tenant[]): Promise<void> {
  for (const t of tenants) await submitRun(governor, t, Math.min(500, COUNT), 0);
  const cpu = new Map<Tenant, number[]>(tenants.map((t) => [t, []]));
  const mixes = new Map<Tenant, Record<string, number>>();
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order each round so no configuration always runs first or last.
    const order = tenants.map((_, i) => tenants[(i + r) % tenants.length]!);
    for (const t of order) {
      const result = await submitRun(governor, t, COUNT, r * 7);
      cpu.get(t)!.push(result.cpu);
      mixes.set(t, result.mix);
    }
  }
  console.log(`\n### ${label}: CPU µs per submission (median of ${ROUNDS} rounds × ${COUNT})\n`);
  console.log(
    "| policies | intentions | µs / submission | × vs 0 policies | rounds (µs) | last round's outcomes |",
  );
  console.log("| ---: | ---: | ---: | ---: | --- | --- |");
  for (const t of tenants) {
    const base = tenants.find((b) => b.policies === 0 && b.intentions === t.intentions) ?? t;
    const m = median(cpu.get(t)!);
    const mix = mixes.get(t)!;
    console.log(
      `| ${t.policies} | ${t.intentions} | ${m.toFixed(0)} | ${(m / median(cpu.get(base)!)).toFixed(2)} | ${cpu
        .get(t)!
        .map((x) => x.toFixed(0))
        .join(", ")} | ${mix.approved} approved, ${mix.pending} pending, ${mix.blocked} blocked |`,
    );
  }
}

/** evaluate() alone on the tenant's compiled rules: governor style (≤ 20 unmatched listed) and simulate style. */
async function measureEvaluation(governor: Governor, tenants: Tenant[]): Promise<void> {
  console.log("\n### evaluate() alone (µs per evaluation, median of 7 batches)\n");
  console.log(
    "| policies | intentions | compile policies (ms) | stored trace (≤ 20 unmatched) | full trace (simulate) | explain: false | trace entries (stored / full) |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const t of tenants) {
    const list = await governor.listPolicies(t.id);
    const compileStart = performance.now();
    const policies = compilePolicies(list);
    const compileMs = performance.now() - compileStart;
    const intentions = compileIntentions(await governor.listIntentions(t.id));
    const cases = await Promise.all(
      t.bodies.map(async (b) => {
        const c = catalog.classify(b.type, b.domain, b.params);
        const agent = await governor.getAgent(t.id, b.agentId);
        const intent = {
          type: c.type.name,
          domain: c.domain,
          agentId: b.agentId,
          params: c.params,
          riskLevel: c.riskLevel,
          intentClass: c.type.intentClass,
          ...(b.intention !== undefined && { intention: b.intention }),
          ...(b.dataElements !== undefined && { dataElements: b.dataElements }),
        };
        return { intent, agent };
      }),
    );
    let sink = 0;
    let entries = [0, 0];
    const time = (opts: { explain?: boolean; unmatchedPolicyEntries?: number }): number => {
      const batch = 20_000;
      const rates: number[] = [];
      for (let b = 0; b < 8; b++) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < batch; i++) {
          const c = cases[i % cases.length]!;
          sink += evaluate(c.intent, {
            agent: c.agent,
            policies,
            intentions,
            now: 1_800_000_000_000 + i,
            ...opts,
          }).trace.length;
        }
        if (b > 0) rates.push(Number(process.hrtime.bigint() - start) / batch / 1000);
      }
      return median(rates);
    };
    entries = [0, 0];
    for (const c of cases) {
      const base = { agent: c.agent, policies, intentions, now: 0 };
      entries[0]! += evaluate(c.intent, { ...base, unmatchedPolicyEntries: 20 }).trace.length;
      entries[1]! += evaluate(c.intent, base).trace.length;
    }
    const stored = time({ unmatchedPolicyEntries: 20 });
    const full = time({});
    const brief = time({ explain: false });
    console.log(
      `| ${t.policies} | ${t.intentions} | ${compileMs.toFixed(2)} | ${stored.toFixed(2)} | ${full.toFixed(2)} | ${brief.toFixed(2)} | ${(entries[0]! / cases.length).toFixed(1)} / ${(entries[1]! / cases.length).toFixed(1)} |`,
    );
    if (sink === -1) console.log(sink);
  }
}

/** Write path at the limit: each op timed alone (wall ms), then the first submission after it. */
async function measureWrites(
  label: string,
  governor: Governor,
  tenant: Tenant,
  small: Tenant,
): Promise<void> {
  const extra = { ...allPolicies[0]!, name: "bench extra policy" };
  const rows: Record<string, number[]> = {};
  const add = (key: string, ms: number) => {
    rows[key] ??= [];
    rows[key]!.push(ms);
  };
  const timed = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await fn();
    add(key, performance.now() - start);
    return result;
  };
  const body = tenant.bodies[0]!;
  for (const t of [tenant, small]) {
    const size = `${t.policies} policies`;
    const victim = (await governor.listPolicies(t.id)).at(-1);
    if (victim !== undefined) await governor.deletePolicy(t.actor, victim.id);
    for (let i = 0; i < 9; i++) {
      await governor.submit(t.actor, body);
      await timed(`steady submission (${size})`, () => governor.submit(t.actor, body));
      const created = await timed(`create policy, ${t.policies - 1} exist`, () =>
        governor.createPolicy(t.actor, extra),
      );
      await timed(`first submission after create (${size})`, () => governor.submit(t.actor, body));
      await timed(`update policy (${size})`, () =>
        governor.updatePolicy(t.actor, created.id, { ...extra, name: `bench extra policy ${i}` }),
      );
      await timed(`first submission after update (${size})`, () => governor.submit(t.actor, body));
      await timed(`delete policy (${size})`, () => governor.deletePolicy(t.actor, created.id));
      await timed(`first submission after delete (${size})`, () => governor.submit(t.actor, body));
    }
    if (victim !== undefined) {
      const { id: _id, tenantId: _t, version: _v, createdAt: _c, updatedAt: _u, ...input } = victim;
      await governor.createPolicy(t.actor, input);
    }
  }
  console.log(`\n### ${label}: write path (wall ms per operation, median of 9)\n`);
  console.log("| operation | ms |");
  console.log("| --- | ---: |");
  for (const [key, xs] of Object.entries(rows)) console.log(`| ${key} | ${median(xs).toFixed(2)} |`);
}

/** POST /v1/policies/simulate over HTTP on the running server, sequentially (wall µs per request). */
async function measureSimulate(server: RunningServer, tenant: Tenant): Promise<void> {
  const { key } = await issueApiKey(
    server.services.store,
    { tenantId: tenant.id, name: "simulate", scopes: ["policy_write"], rateLimitPerMinute: 10_000_000 },
    Date.now(),
    { tenantId: tenant.id, id: "operator", name: "bench", kind: "key" },
  );
  const call = async (b: CreateIntentInput): Promise<number> => {
    const response = await fetch(`${server.url}/v1/policies/simulate`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify(b),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`simulate ${response.status}: ${text}`);
    return text.length;
  };
  for (const b of tenant.bodies) await call(b);
  const walls: number[] = [];
  const cpus: number[] = [];
  let bytes = 0;
  for (let r = 0; r < 5; r++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const b of tenant.bodies) bytes += await call(b);
    walls.push(((performance.now() - start) * 1000) / tenant.bodies.length);
    cpus.push(cpuMicros(cpu) / tenant.bodies.length);
  }
  const inProcess: number[] = [];
  for (let r = 0; r < 5; r++) {
    const cpu = process.cpuUsage();
    for (const b of tenant.bodies) await server.services.governor.simulate(tenant.id, b);
    inProcess.push(cpuMicros(cpu) / tenant.bodies.length);
  }
  console.log(
    `\nPOST /v1/policies/simulate, ${tenant.policies} policies, ${tenant.intentions} intentions: ` +
      `${median(walls).toFixed(0)} µs wall, ${median(cpus).toFixed(0)} µs CPU (client and server) per request, ` +
      `${Math.round(bytes / (5 * tenant.bodies.length)).toLocaleString("en-US")} bytes per answer; ` +
      `governor.simulate in process ${median(inProcess).toFixed(0)} µs CPU`,
  );
}

async function runStore(kind: string): Promise<void> {
  let governor: Governor;
  let server: RunningServer | undefined;
  let cleanup = async () => {};
  if (kind === "memory") {
    governor = createGovernor({ store: createMemoryStore(), catalog });
  } else {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-limits-bench-"));
    const postgres = kind === "postgres";
    const url = postgres
      ? (process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test")
      : `file:${join(dir, "bench.db")}`;
    const schema = postgres ? `bench_limits_${Date.now().toString(36)}` : undefined;
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: "silent", PORT: "0" });
    server = await startServer(config, { print: () => {}, ...(schema ? { schema } : {}) });
    governor = server.services.governor;
    const running = server;
    cleanup = async () => {
      await running.stop();
      if (schema) {
        const { Client } = await import("pg");
        const client = new Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema ${schema} cascade`);
        await client.end();
      }
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const setupStart = performance.now();
  const tenants: Tenant[] = [];
  for (const [policies, intentions] of CONFIGS)
    tenants.push(await setUpTenant(governor, policies, intentions));
  console.log(`\n## ${kind} (set-up ${((performance.now() - setupStart) / 1000).toFixed(1)} s)`);
  await measureSubmissions(kind, governor, tenants);
  const largest = tenants.find((t) => t.policies === 1000 && t.intentions === 200);
  const smallest = tenants.find((t) => t.policies === 10 && t.intentions === 200);
  if (!flags["submissions-only"]) {
    if (kind === "memory") await measureEvaluation(governor, tenants);
    if (largest && smallest) await measureWrites(kind, governor, largest, smallest);
    if (server && largest) await measureSimulate(server, largest);
  }
  await cleanup();
}

console.log(
  `${flags.inert ? "inert policies, " : ""}${types.length} intent types, ${agents.length} agents, [policies, intentions] ${CONFIGS.map((c) => c.join(":")).join(" ")}, concurrency ${CONCURRENCY}, Node ${process.version}`,
);
const stores = flags.stores.split(",");
if (flags.postgres) stores.push("postgres");
for (const kind of stores) await runStore(kind);
