/**
 * `pnpm bench:api`: POST /v1/intents on the real server (SQLite file, T3 agents, logging on)
 * against a bare Hono echo server, both driven by autocannon with 50 connections for 10 s.
 * Prints rates, p50/p99, the ratio, the API server's peak RSS and its CPU per request. Flags:
 * --source (run the server from TypeScript instead of dist), --duration <s>, --connections <n>,
 * --cpu-prof <dir> (write the API server's V8 CPU profile there, for Chrome DevTools).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { billingFixtures } from "@intendedops/billing-agent";
import { complianceFixtures } from "@intendedops/compliance-agent";
import { contractsFixtures } from "@intendedops/contracts-agent";
import { identityFixtures } from "@intendedops/identity-agent";
import { salesFixtures } from "@intendedops/sales-agent";
import { supportFixtures } from "@intendedops/support-agent";
import { vendorsFixtures } from "@intendedops/vendors-agent";
import autocannon, { type AutocannonResult } from "autocannon";
import { generateApiKey } from "../src/api-key-format";
import { createDomainCatalog } from "../src/domain-catalog";
import { freePort, spawnServer } from "../test/support/server-process";

const { values: flags } = parseArgs({
  options: {
    source: { type: "boolean", default: false },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    "cpu-prof": { type: "string" },
  },
});
const DURATION = Number(flags.duration);
const CONNECTIONS = Number(flags.connections);
const API_ROOT = fileURLToPath(new URL("../", import.meta.url));

interface Body {
  type: string;
  domain: string;
  agentId: string;
  params: Record<string, unknown>;
  description: string;
}

/** Valid bodies of every low, medium and high risk type: a T3 agent is allowed all of them. */
function submissionBodies(): { bodies: Body[]; byRisk: Record<string, number> } {
  const catalog = createDomainCatalog();
  const fixtures = {
    ...billingFixtures,
    ...supportFixtures,
    ...salesFixtures,
    ...complianceFixtures,
    ...vendorsFixtures,
    ...contractsFixtures,
    ...identityFixtures,
  } as Record<string, { valid: Record<string, unknown> }>;
  const bodies: Body[] = [];
  const byRisk: Record<string, number> = {};
  for (const [type, fixture] of Object.entries(fixtures)) {
    const domain = type.slice(0, type.indexOf("."));
    const { riskLevel } = catalog.classify(type, domain, fixture.valid);
    if (riskLevel === "critical") continue;
    byRisk[riskLevel] = (byRisk[riskLevel] ?? 0) + 1;
    bodies.push({
      type,
      domain,
      agentId: `${domain}-bench`,
      params: fixture.valid,
      description: `Benchmark ${type}`,
    });
  }
  return { bodies, byRisk };
}

async function call(url: string, key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "x-api-key": key, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as { data?: Record<string, unknown>; error?: unknown };
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
  return json.data as Record<string, unknown>;
}

/** Peak resident memory of a process: the max of VmRSS samples and the kernel's VmHWM. */
function memorySampler(pid: number) {
  let peakKb = 0;
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      for (const field of ["VmRSS", "VmHWM"]) {
        const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
        peakKb = Math.max(peakKb, kb);
      }
    } catch {
      // The process is gone; keep the last peak.
    }
  };
  const timer = setInterval(read, 250);
  return {
    stop() {
      clearInterval(timer);
      read();
      return peakKb / 1024;
    },
  };
}

/** CPU seconds (user + system, all threads) a process has used, from /proc; undefined elsewhere. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat, counted in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function drive(url: string, bodies: string[], headers: Record<string, string>, duration: number) {
  let next = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: "POST",
        path: "/v1/intents",
        headers: { ...headers, "content-type": "application/json" },
        setupRequest: (request) => {
          next = (next + 1) % bodies.length;
          return { ...request, body: bodies[next] };
        },
      },
    ],
  });
}

interface Figures {
  rate: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

const figures = (r: AutocannonResult): Figures => ({
  rate: r.requests.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
  total: r.requests.total,
});

async function benchApi(
  bodies: Body[],
): Promise<
  Figures & { rssMb: number; cpuMicrosPerRequest: number | undefined; statuses: Record<string, number> }
> {
  const dir = mkdtempSync(join(tmpdir(), "intendedops-bench-"));
  const key = generateApiKey("bench");
  const server = await spawnServer({
    mode: flags.source ? "source" : "dist",
    env: { DATABASE_URL: `file:${join(dir, "bench.db")}`, INTENDEDOPS_BOOTSTRAP_KEY: key, LOG_LEVEL: "info" },
    discardStdout: true,
    ...(flags["cpu-prof"] ? { nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${flags["cpu-prof"]}`] } : {}),
  });
  try {
    for (const domain of new Set(bodies.map((b) => b.domain))) {
      await call(server.url, key, "POST", "/v1/agents", {
        id: `${domain}-bench`,
        name: `${domain} bench agent`,
        domains: [domain],
        intentTypes: [`${domain}.*`],
      });
      await call(server.url, key, "PUT", `/v1/agents/${domain}-bench/trust`, {
        tier: "T3",
        reason: "benchmark",
      });
    }
    // The submitting key gets its own limit: the default 1000/min would turn the run into 429s.
    const agentKey = String(
      (
        await call(server.url, key, "POST", "/v1/api-keys", {
          name: "bench agent",
          scopes: ["agent"],
          rateLimitPerMinute: 10_000_000,
        })
      ).key,
    );
    const statuses: Record<string, number> = {};
    for (const body of bodies) {
      const data = await call(server.url, agentKey, "POST", "/v1/intents", body);
      const status = String(data.status);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const encoded = bodies.map((b) => JSON.stringify(b));
    await drive(server.url, encoded, { "x-api-key": agentKey }, 2);
    const pid = server.child.pid!;
    const memory = memorySampler(pid);
    const cpuBefore = cpuSeconds(pid);
    const result = await drive(server.url, encoded, { "x-api-key": agentKey }, DURATION);
    const cpuAfter = cpuSeconds(pid);
    const rssMb = memory.stop();
    // Server CPU per answered request: steadier than req/s on a machine others share.
    const cpuMicrosPerRequest =
      cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
        ? undefined
        : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total;
    if (server.child.exitCode !== null) {
      throw new Error(
        `The API server exited during the run (code ${server.child.exitCode}):\n${server.stderr()}`,
      );
    }
    return { ...figures(result), rssMb, cpuMicrosPerRequest, statuses };
  } finally {
    await server.stop("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchEcho(bodies: Body[]): Promise<Figures> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "bench/echo-server.ts", String(port)], {
    cwd: API_ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => child.stdout?.once("data", () => resolve()));
  try {
    const encoded = bodies.map((b) => JSON.stringify(b));
    const url = `http://127.0.0.1:${port}`;
    await drive(url, encoded, {}, 2);
    return figures(await drive(url, encoded, {}, DURATION));
  } finally {
    child.kill("SIGTERM");
  }
}

const row = (name: string, f: Figures) =>
  `${name.padEnd(22)} ${f.rate.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(
    f.p99,
  ).padStart(4)} ms   (${f.total} requests, ${f.non2xx} non-2xx, ${f.errors} errors)`;

async function main() {
  const { bodies, byRisk } = submissionBodies();
  process.stdout.write(
    `Bodies: ${bodies.length} intent types (${Object.entries(byRisk)
      .map(([r, n]) => `${n} ${r}`)
      .join(", ")}), ${CONNECTIONS} connections, ${DURATION} s\n`,
  );
  const api = await benchApi(bodies);
  const echo = await benchEcho(bodies);
  const ratio = api.rate / echo.rate;
  process.stdout.write(`Submission outcomes before the run: ${JSON.stringify(api.statuses)}\n\n`);
  process.stdout.write(`${row("POST /v1/intents (API)", api)}\n`);
  process.stdout.write(`${row("bare Hono echo", echo)}\n\n`);
  process.stdout.write(`ratio (API / echo): ${(ratio * 100).toFixed(1)}%   target ≥ 40%\n`);
  process.stdout.write(`API p99: ${api.p99} ms   target ≤ 25 ms\n`);
  process.stdout.write(`API server peak RSS: ${api.rssMb.toFixed(1)} MB   target ≤ 200 MB\n`);
  if (api.cpuMicrosPerRequest !== undefined) {
    process.stdout.write(
      `API server CPU per request: ${api.cpuMicrosPerRequest.toFixed(0)} µs (all threads)\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
