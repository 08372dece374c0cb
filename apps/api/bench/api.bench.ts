/**
 * `pnpm bench:api`: POST /v1/intents on the real server (SQLite file, T3 agents, logging on)
 * against a bare Hono echo server, all driven by autocannon with 50 connections for 10 s. The echo
 * reads its body from Node's request as apps/api does (the fastest bare Hono answer, and the
 * ratio's baseline); a second echo reads it with `c.req.json()` and is reported for reference.
 * Prints rates, p50/p99, the ratios, the API server's peak RSS and each server's CPU per request
 * (all threads, and the main thread alone: the event loop is what bounds a Node server's rate).
 * Flags: --source (run the server from TypeScript instead of dist), --duration <s>,
 * --connections <n>, --rounds <n> (default 3: API then each echo, n times, medians reported; one
 * run is at the mercy of whatever else the machine does during its 10 s),
 * --cpu-prof <dir> (write the API server's V8 CPU profile there, for Chrome DevTools),
 * --floors (also drive three floors each round, bench/floor-server.ts: the API's own submission
 * listener with the governor taken out, answering after the caller is checked, or after the input
 * checks too, or after the input checks with zod alone checking params — what the HTTP path alone
 * reaches, so the ratio target can be read against it),
 * --database postgres (the API on a fresh PostgreSQL database of `TEST_DATABASE_URL`, the tests'
 * default otherwise, instead of a SQLite file; the echo and floors are unchanged, and each API row
 * also shows the CPU the PostgreSQL server's processes spent per request),
 * --tenants <n> (default 1: the API's submissions spread round-robin over n tenants, each with its
 * own agents and key; tenants do not share an audit head, so on PostgreSQL this shows what the head
 * lock leaves to parallel writers).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon, { type AutocannonResult } from "autocannon";
import { generateApiKey } from "../src/api-key-format";
import { createDomainCatalog } from "../src/domain-catalog";
import { openProcessDatabase } from "../test/support/process-database";
import { freePort, SERVER_NODE_FLAGS, spawnServer } from "../test/support/server-process";
import { ALL_FIXTURES } from "./fixtures";
import { FLOORS, type Floor } from "./floors";

const { values: flags } = parseArgs({
  options: {
    source: { type: "boolean", default: false },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    rounds: { type: "string", default: "3" },
    "cpu-prof": { type: "string" },
    floors: { type: "boolean", default: false },
    database: { type: "string", default: "sqlite" },
    tenants: { type: "string", default: "1" },
  },
});
const TENANTS = Math.max(1, Number(flags.tenants));
if (flags.database !== "sqlite" && flags.database !== "postgres") {
  throw new Error("--database must be sqlite or postgres");
}
const DIALECT: "sqlite" | "postgres" = flags.database;
const DURATION = Number(flags.duration);
const CONNECTIONS = Number(flags.connections);
const ROUNDS = Math.max(1, Number(flags.rounds));
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

  const bodies: Body[] = [];
  const byRisk: Record<string, number> = {};
  for (const [type, fixture] of Object.entries(ALL_FIXTURES)) {
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

/** CPU seconds (user + system) from a /proc `stat` file. */
function statCpuSeconds(path: string): number {
  const stat = readFileSync(path, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat, counted in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds (user + system) a process has used, from /proc: all its threads, and its main
 * thread alone (the event loop, which bounds a Node server's rate). Undefined off Linux.
 */
function cpuSeconds(pid: number): { all: number; main: number } | undefined {
  try {
    return {
      all: statCpuSeconds(`/proc/${pid}/stat`),
      main: statCpuSeconds(`/proc/${pid}/task/${pid}/stat`),
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by every `postgres` process of the machine (the server's backends and
 * its background workers; the API's connections are the only busy ones during a run). Processes
 * that start or end between two readings make the difference approximate; the API's pool keeps
 * its connections open, so they are few.
 */
function postgresCpuSeconds(): number | undefined {
  let total = 0;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
        total += statCpuSeconds(`/proc/${entry}/stat`);
      } catch {
        // The process ended while being read.
      }
    }
  } catch {
    return undefined;
  }
  return total;
}

/** The headers of each request in turn: one set per caller (the API's tenants), else one for all. */
type HeaderSets = readonly Record<string, string>[];

function drive(url: string, bodies: string[], headerSets: HeaderSets, duration: number) {
  let next = 0;
  let caller = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: "POST",
        path: "/v1/intents",
        headers: { ...headerSets[0], "content-type": "application/json" },
        setupRequest: (request) => {
          next = (next + 1) % bodies.length;
          if (headerSets.length === 1) return { ...request, body: bodies[next] };
          caller = (caller + 1) % headerSets.length;
          return { ...request, headers: { ...request.headers, ...headerSets[caller] }, body: bodies[next] };
        },
      },
    ],
  });
}

interface Figures {
  rate: number;
  /** The server's CPU per answered request in µs, all threads and main thread; undefined off Linux. */
  cpu: { all: number; main: number } | undefined;
  /** With `--database postgres`, the API row only: the PostgreSQL processes' CPU per request in µs. */
  databaseCpu?: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

/** Drive a server for DURATION seconds, reading its CPU time around the run. */
async function driveMeasured(
  pid: number,
  url: string,
  encoded: string[],
  headers: HeaderSets,
  withDatabase = false,
) {
  const databaseBefore = withDatabase ? postgresCpuSeconds() : undefined;
  const cpuBefore = cpuSeconds(pid);
  const result = await drive(url, encoded, headers, DURATION);
  const cpuAfter = cpuSeconds(pid);
  const databaseAfter = withDatabase ? postgresCpuSeconds() : undefined;
  // Server CPU per answered request: steadier than req/s on a machine others share.
  const total = result.requests.total;
  const cpu =
    cpuBefore === undefined || cpuAfter === undefined || total === 0
      ? undefined
      : {
          all: ((cpuAfter.all - cpuBefore.all) * 1e6) / total,
          main: ((cpuAfter.main - cpuBefore.main) * 1e6) / total,
        };
  const measured = figures(result, cpu);
  if (databaseBefore !== undefined && databaseAfter !== undefined && measured.total > 0) {
    measured.databaseCpu = ((databaseAfter - databaseBefore) * 1e6) / measured.total;
  }
  return measured;
}

const figures = (r: AutocannonResult, cpu: Figures["cpu"]): Figures => ({
  rate: r.requests.average,
  cpu,
  p50: r.latency.p50,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
  total: r.requests.total,
});

interface ApiFigures extends Figures {
  rssMb: number;
}

/** A measured target: warmed up once, then driven for DURATION seconds per round. */
interface Target<F extends Figures> {
  measure(): Promise<F>;
  stop(): Promise<void>;
}

/**
 * The real server on a fresh SQLite file (or PostgreSQL database) with TENANTS tenants, each with
 * its agents at T3 and an agent key without a practical limit.
 */
async function startApi(
  bodies: Body[],
  encoded: string[],
): Promise<Target<ApiFigures> & { statuses: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), "intendedops-bench-"));
  const database = await openProcessDatabase(DIALECT, dir, "bench");
  const adminKeys = Array.from({ length: TENANTS }, (_, i) =>
    generateApiKey(i === 0 ? "bench" : `bench${i + 1}`),
  );
  const server = await spawnServer({
    mode: flags.source ? "source" : "dist",
    env: { DATABASE_URL: database.url, INTENDEDOPS_BOOTSTRAP_KEY: adminKeys.join(","), LOG_LEVEL: "info" },
    discardStdout: true,
    ...(flags["cpu-prof"] ? { nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${flags["cpu-prof"]}`] } : {}),
  });
  const stop = async () => {
    await server.stop("SIGTERM");
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const statuses: Record<string, number> = {};
    const headers: Record<string, string>[] = [];
    for (const key of adminKeys) {
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
      for (const body of bodies) {
        const data = await call(server.url, agentKey, "POST", "/v1/intents", body);
        const status = String(data.status);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      headers.push({ "x-api-key": agentKey });
    }
    await drive(server.url, encoded, headers, 2);
    const pid = server.child.pid!;
    const measure = async (): Promise<ApiFigures> => {
      const memory = memorySampler(pid);
      const measured = await driveMeasured(pid, server.url, encoded, headers, DIALECT === "postgres");
      const rssMb = memory.stop();
      if (server.child.exitCode !== null) {
        throw new Error(
          `The API server exited during the run (code ${server.child.exitCode}):\n${server.stderr()}`,
        );
      }
      return { ...measured, rssMb };
    };
    return { measure, stop, statuses };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A benchmark server run from TypeScript (`node --import tsx bench/<script> <port> <mode>`), warmed
 * up once. It says it is ready with its first line on stdout, or on stderr when `logsOnStdout`
 * (its log lines then go nowhere, as the API server's do).
 */
async function startScript(
  encoded: string[],
  options: {
    script: string;
    mode: string;
    nodeFlags?: string[];
    env?: Record<string, string>;
    headers?: Record<string, string>;
    logsOnStdout?: boolean;
  },
): Promise<Target<Figures>> {
  const port = await freePort();
  const args = [
    ...(options.nodeFlags ?? []),
    "--import",
    "tsx",
    `bench/${options.script}`,
    String(port),
    options.mode,
  ];
  const child = spawn(process.execPath, args, {
    cwd: API_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", options.logsOnStdout ? "ignore" : "pipe", options.logsOnStdout ? "pipe" : "inherit"],
  });
  const ready = options.logsOnStdout ? child.stderr : child.stdout;
  await new Promise<void>((resolve, reject) => {
    ready?.once("data", () => resolve());
    child.once("exit", (code) =>
      reject(new Error(`bench/${options.script} exited (code ${code}) before listening`)),
    );
  });
  if (options.logsOnStdout) child.stderr?.pipe(process.stderr);
  const url = `http://127.0.0.1:${port}`;
  const headers = [options.headers ?? {}];
  try {
    await drive(url, encoded, headers, 2);
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
  return {
    measure: () => driveMeasured(child.pid!, url, encoded, headers),
    stop: async () => {
      child.kill("SIGTERM");
    },
  };
}

/** A bare Hono echo server (bench/echo-server.ts) reading its body one way. */
const startEcho = (encoded: string[], reading: "node-stream" | "web") =>
  startScript(encoded, { script: "echo-server.ts", mode: reading });

/**
 * A floor (bench/floor-server.ts): the API's submission listener without the governor, on a fresh
 * SQLite file, with the API's Node flags and logging. Answers as soon as the caller is checked
 * (`http`) or once the governor's input checks have passed too (`validate`, and `validate-zod`
 * with zod alone checking params).
 */
async function startFloor(encoded: string[], floor: Floor): Promise<Target<Figures>> {
  const dir = mkdtempSync(join(tmpdir(), "intendedops-floor-"));
  const key = generateApiKey("bench");
  const target = await startScript(encoded, {
    script: "floor-server.ts",
    mode: floor,
    nodeFlags: SERVER_NODE_FLAGS,
    env: {
      DATABASE_URL: `file:${join(dir, "floor.db")}`,
      INTENDEDOPS_BOOTSTRAP_KEY: key,
      RATE_LIMIT_PER_MINUTE: "10000000",
      LOG_LEVEL: "info",
    },
    headers: { "x-api-key": key },
    logsOnStdout: true,
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    measure: target.measure,
    stop: async () => {
      await target.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const FLOOR_LABELS: Record<Floor, string> = {
  http: "floor: HTTP path",
  validate: "floor: + input checks",
  "validate-zod": "floor: + checks, zod",
};

const row = (name: string, f: Figures) =>
  `${name.padEnd(22)} ${f.rate.toFixed(0).padStart(8)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(
    f.p99,
  ).padStart(4)} ms   ${cpuText(f)}(${f.total} requests, ${f.non2xx} non-2xx, ${f.errors} errors)`;
const cpuText = (f: Figures) =>
  (f.cpu === undefined
    ? ""
    : `CPU ${f.cpu.all.toFixed(0).padStart(3)} µs/req (main thread ${f.cpu.main.toFixed(0).padStart(3)})   `) +
  (f.databaseCpu === undefined ? "" : `PostgreSQL ${f.databaseCpu.toFixed(0)} µs/req   `);

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main() {
  const { bodies, byRisk } = submissionBodies();
  process.stdout.write(
    `API on ${DIALECT === "sqlite" ? "a SQLite file" : "PostgreSQL"}, ${TENANTS} tenant(s). Bodies: ${bodies.length} intent types (${Object.entries(
      byRisk,
    )
      .map(([r, n]) => `${n} ${r}`)
      .join(", ")}), ${CONNECTIONS} connections, ${DURATION} s, ${ROUNDS} round(s)\n`,
  );
  // All servers run throughout; each round drives the API, then each echo, so a change in the
  // machine's load shows in every figure of that round instead of skewing one ratio.
  // Every server gets the same bytes, serialized once.
  const encoded = bodies.map((b) => JSON.stringify(b));
  const api = await startApi(bodies, encoded);
  const others: Partial<Record<"echo" | "webEcho", Target<Figures>>> = {};
  const floors: Partial<Record<Floor, Target<Figures>>> = {};
  const stopAll = () =>
    Promise.all([...Object.values(others), ...Object.values(floors)].map((t) => t.stop()).concat(api.stop()));
  try {
    others.echo = await startEcho(encoded, "node-stream");
    others.webEcho = await startEcho(encoded, "web");
    if (flags.floors) for (const floor of FLOORS) floors[floor] = await startFloor(encoded, floor);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const { echo, webEcho } = others as Required<Pick<typeof others, "echo" | "webEcho">>;
  interface Round {
    api: ApiFigures;
    echo: Figures;
    webEcho: Figures;
    floors?: Record<Floor, Figures>;
  }
  const rounds: Round[] = [];
  try {
    process.stdout.write(`Submission outcomes before the run: ${JSON.stringify(api.statuses)}\n`);
    for (let round = 1; round <= ROUNDS; round++) {
      const measured: Round = {
        api: await api.measure(),
        echo: await echo.measure(),
        webEcho: await webEcho.measure(),
      };
      if (flags.floors) {
        const figures: Partial<Record<Floor, Figures>> = {};
        for (const floor of FLOORS) figures[floor] = await (floors[floor] as Target<Figures>).measure();
        measured.floors = figures as Record<Floor, Figures>;
      }
      rounds.push(measured);
      const floorRows = FLOORS.map((floor) => {
        const f = measured.floors?.[floor];
        return f ? `${row(FLOOR_LABELS[floor], f)}  ${percent(f.rate / measured.echo.rate)} of echo\n` : "";
      }).join("");
      process.stdout.write(
        `\nround ${round}\n${row("POST /v1/intents (API)", measured.api)}\n` +
          `${row("bare Hono echo", measured.echo)}\n${row("echo, c.req.json()", measured.webEcho)}\n` +
          floorRows +
          `ratio ${percent(measured.api.rate / measured.echo.rate)} (against c.req.json(): ` +
          `${percent(measured.api.rate / measured.webEcho.rate)}), API peak RSS ${measured.api.rssMb.toFixed(1)} MB\n`,
      );
    }
  } finally {
    await stopAll();
  }
  const medianOf = (pick: (r: Round) => number) => median(rounds.map(pick));
  const cpuOf = (f: Figures) => (f.cpu === undefined ? [] : [f.cpu.all]);
  const apiCpus = rounds.flatMap((r) => cpuOf(r.api));
  const echoCpus = rounds.flatMap((r) => cpuOf(r.echo));
  process.stdout.write(
    `\n${ROUNDS === 1 ? "result" : `median of ${ROUNDS} rounds`}: API ${medianOf((r) => r.api.rate).toFixed(0)} req/s, ` +
      `echo ${medianOf((r) => r.echo.rate).toFixed(0)} req/s (c.req.json() echo ${medianOf((r) => r.webEcho.rate).toFixed(0)})\n`,
  );
  process.stdout.write(
    `ratio (API / echo): ${percent(medianOf((r) => r.api.rate / r.echo.rate))}   target ≥ 40%` +
      `   (against the c.req.json() echo: ${percent(medianOf((r) => r.api.rate / r.webEcho.rate))})\n`,
  );
  process.stdout.write(`API p99: ${medianOf((r) => r.api.p99)} ms   target ≤ 25 ms\n`);
  process.stdout.write(
    `API server peak RSS: ${Math.max(...rounds.map((r) => r.api.rssMb)).toFixed(1)} MB   target ≤ 200 MB\n`,
  );
  if (apiCpus.length > 0 && echoCpus.length > 0) {
    process.stdout.write(
      `server CPU per request (all threads): API ${median(apiCpus).toFixed(0)} µs, echo ${median(echoCpus).toFixed(0)} µs` +
        (DIALECT === "postgres"
          ? `, PostgreSQL ${median(rounds.map((r) => r.api.databaseCpu ?? Number.NaN)).toFixed(0)} µs`
          : "") +
        "\n",
    );
  }
  const withFloors = rounds.flatMap((r) => (r.floors ? [{ ...r, floors: r.floors }] : []));
  if (withFloors.length > 0) {
    const floorMedian = (pick: (r: (typeof withFloors)[number]) => number) => median(withFloors.map(pick));
    const cpu = (f: Figures) => f.cpu?.all ?? Number.NaN;
    const floorText = FLOORS.map(
      (floor) =>
        `${FLOOR_LABELS[floor].replace("floor: ", "")} ${percent(floorMedian((r) => r.floors[floor].rate / r.echo.rate))}, ` +
        `${floorMedian((r) => cpu(r.floors[floor])).toFixed(0)} µs`,
    ).join("; ");
    process.stdout.write(
      `floors (median ratio to the echo, CPU per request): ${floorText}; API ${floorMedian((r) => cpu(r.api)).toFixed(0)} µs\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
