/**
 * A soak run: does a server that runs for weeks grow without bound? Starts the real server process
 * on a fresh SQLite file (or, with `--database postgres`, a fresh schema of PostgreSQL), with a
 * local webhook receiver registered in every tenant (most deliveries answered 200, some 500 or 503,
 * a few after hanging up to a second), and drives a paced mix from three tenants and several keys
 * for `--minutes`: submissions of every intent type by agents of four kinds (allowed, pending,
 * blocked by policy or by their own declaration), approvals (one and two approvers, and approvals
 * left to expire after 20 s), rejections, completions and failures, lists with filters and pages,
 * audit lists and verification, stats, /metrics, policy and key churn, idempotent replays, invalid
 * requests (400/401/403/404/422/429), and connections that close after one request or are dropped
 * half-sent. Every `--sample-seconds` it samples the server process from /proc (RSS, threads, file
 * descriptors by kind), the V8 heap after a full collection and the active handles (through the
 * inspector: the server runs with `--inspect=127.0.0.1:0`, its code unchanged), the database's
 * size and backlogs (outbox, due webhook deliveries), and the requests of the window. It prints one
 * row per sample, then a verdict: growth after the warm-up (the first third) to the end.
 *
 * From apps/api: `npx tsx --conditions=@intendedops/source bench/soak.bench.ts [--minutes 3]
 * [--database sqlite|postgres] [--rate 100] [--concurrency 24] [--sample-seconds 10]
 * [--drain-seconds 60] [--source] [--snapshots <dir>] [--rss-only] [--keep]`. The rate is operations a
 * second (about one request each), kept below what the 2-vCPU VM serves: growth is the question,
 * not speed. After `--minutes` the load stops and sampling goes on for `--drain-seconds` (does the
 * webhook backlog drain, does memory come down). The server runs from dist (build first) unless
 * `--source`; `--snapshots` writes a heap snapshot of the server at the end of the warm-up and at the
 * end (compare them in Chrome DevTools; writing one raises RSS for good); `--rss-only` runs the server
 * without the inspector; `--keep` leaves the SQLite file or PostgreSQL schema for inspection.
 * PostgreSQL: a fresh schema of `TEST_DATABASE_URL` (the tests' default otherwise).
 */
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs, promisify } from "node:util";
import pg from "pg";
import { generateApiKey } from "../src/api-key-format";
import { SERVER_NODE_FLAGS, type ServerProcess, spawnServer } from "../test/support/server-process";
import { PG_URL } from "../test/support/test-app";
import { ALL_FIXTURES } from "./fixtures";

const { values: flags } = parseArgs({
  options: {
    minutes: { type: "string", default: "3" },
    database: { type: "string", default: "sqlite" },
    rate: { type: "string", default: "100" },
    concurrency: { type: "string", default: "24" },
    "sample-seconds": { type: "string", default: "10" },
    "drain-seconds": { type: "string", default: "60" },
    source: { type: "boolean", default: false },
    snapshots: { type: "string" },
    "rss-only": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const RUN_MS = Number(flags.minutes) * 60_000;
const RATE = Number(flags.rate);
const CONCURRENCY = Number(flags.concurrency);
const SAMPLE_MS = Number(flags["sample-seconds"]) * 1000;
const DRAIN_MS = Number(flags["drain-seconds"]) * 1000;
const DIALECT = flags.database;
if (DIALECT !== "sqlite" && DIALECT !== "postgres") throw new Error("--database must be sqlite or postgres");
if (!(RUN_MS > 0 && RATE > 0 && CONCURRENCY > 0 && SAMPLE_MS > 0)) {
  throw new Error("--minutes, --rate, --concurrency and --sample-seconds must be positive numbers");
}

/** Approvals of the support domain's medium-risk types expire this fast unless decided. */
const APPROVAL_EXPIRY_SECONDS = 20;
const TENANTS = ["soak-a", "soak-b", "soak-c"];
const DOMAINS = ["billing", "support", "sales", "compliance", "vendors", "contracts", "identity"];
/** Keys that must not be rate limited during the run (the default is 1,000 a minute). */
const UNLIMITED = 10_000_000;

// Small pieces: bounded memory for the driver itself, random choice, statistics.

/** A bounded FIFO: the driver's own state must not grow during a soak either. */
class Ring<T> {
  readonly #items: T[] = [];
  constructor(private readonly capacity: number) {}
  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.capacity) this.#items.shift();
  }
  take(): T | undefined {
    return this.#items.shift();
  }
  any(): T | undefined {
    return this.#items[Math.floor(Math.random() * this.#items.length)];
  }
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const chance = (p: number) => Math.random() < p;

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const median = (values: number[]) => quantile(values, 0.5);

/** Least-squares slope of `ys` against `xs`. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

// The webhook receiver: answers most deliveries 200, some 500 or 503, and hangs on a few.

interface ReceiverWindow {
  received: number;
  ok: number;
  failed: number;
  hung: number;
}

function startReceiver() {
  let window: ReceiverWindow = { received: 0, ok: 0, failed: 0, hung: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Read the body (a receiver verifies the signature over it) before answering.
    req.resume();
    req.on("end", () => {
      window.received += 1;
      const roll = Math.random();
      if (roll < 0.8) {
        window.ok += 1;
        res.writeHead(200).end("ok");
      } else if (roll < 0.92) {
        window.failed += 1;
        res.writeHead(500).end("receiver error");
      } else if (roll < 0.95) {
        window.failed += 1;
        res.writeHead(503, { "retry-after": "2" }).end("busy");
      } else {
        window.hung += 1;
        const timer = setTimeout(() => res.writeHead(200).end("late"), 200 + Math.random() * 800);
        res.on("close", () => clearTimeout(timer));
      }
    });
  });
  return new Promise<{ url: string; port: number; take(): ReceiverWindow; close(): Promise<void> }>(
    (resolveStart) => {
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        const port = typeof address === "object" && address ? address.port : 0;
        resolveStart({
          url: `http://127.0.0.1:${port}`,
          port,
          take() {
            const taken = window;
            window = { received: 0, ok: 0, failed: 0, hung: 0 };
            return taken;
          },
          close: () =>
            new Promise((done) => {
              server.closeAllConnections();
              server.close(() => done());
            }),
        });
      });
    },
  );
}

// The database: a fresh SQLite file or PostgreSQL schema, its size and its backlogs.

interface DatabaseCounts {
  intents: number;
  audit: number;
  approvalsPending: number;
  outbox: number;
  deliveries: number;
  deliveriesPending: number;
  /** Pending deliveries whose next attempt is due now: what the dispatcher has not caught up with. */
  deliveriesDue: number;
}

interface DatabaseSizes {
  /** SQLite: the database file; PostgreSQL: every table of the schema with its indexes and TOAST. */
  dataBytes: number;
  /** SQLite only: the -wal file. */
  walBytes?: number;
}

interface SoakDatabase {
  url: string;
  counts(): Promise<DatabaseCounts | undefined>;
  sizes(): Promise<DatabaseSizes>;
  /** Ends its connections; with `drop`, the SQLite file's directory or the PostgreSQL schema goes too. */
  close(drop: boolean): Promise<void>;
}

const countsSql = (now: string) => `select
  (select count(*) from intents) as intents,
  (select count(*) from audit_events) as audit,
  (select count(*) from approvals where status = 'pending') as "approvalsPending",
  (select count(*) from outbox_events) as outbox,
  (select count(*) from webhook_deliveries) as deliveries,
  (select count(*) from webhook_deliveries where status = 'pending') as "deliveriesPending",
  (select count(*) from webhook_deliveries where status = 'pending' and next_attempt_at <= '${now}') as "deliveriesDue"`;

const toCounts = (row: Record<string, unknown>): DatabaseCounts => ({
  intents: Number(row.intents),
  audit: Number(row.audit),
  approvalsPending: Number(row.approvalsPending),
  outbox: Number(row.outbox),
  deliveries: Number(row.deliveries),
  deliveriesPending: Number(row.deliveriesPending),
  deliveriesDue: Number(row.deliveriesDue),
});

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);

function sqliteDatabase(): SoakDatabase {
  const dir = mkdtempSync(join(tmpdir(), "intendedops-soak-"));
  const file = join(dir, "soak.db");
  const run = promisify(execFile);
  return {
    url: `file:${file}`,
    // The sqlite3 shell, read-only, as a second process would read the file: no driver in this one.
    async counts() {
      try {
        const { stdout } = await run("sqlite3", [
          "-readonly",
          "-json",
          file,
          countsSql(new Date().toISOString()),
        ]);
        return toCounts((JSON.parse(stdout) as Record<string, unknown>[])[0]!);
      } catch {
        return undefined;
      }
    },
    async sizes() {
      return { dataBytes: fileSize(file), walBytes: fileSize(`${file}-wal`) };
    },
    close: async (drop) => {
      if (drop) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A schema of its own in the test database, as the process tests make them (search_path in the URL). */
async function postgresDatabase(): Promise<SoakDatabase> {
  const schema = `soak_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const reader = new pg.Client({ connectionString: url.toString() });
  await reader.connect();
  return {
    url: url.toString(),
    async counts() {
      try {
        return toCounts((await reader.query(countsSql(new Date().toISOString()))).rows[0]);
      } catch {
        return undefined;
      }
    },
    async sizes() {
      const { rows } = await admin.query(
        `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = $1 and c.relkind = 'r'`,
        [schema],
      );
      return { dataBytes: Number(rows[0].bytes) };
    },
    async close(drop) {
      await reader.end();
      if (drop) await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    },
  };
}

// The server process, from /proc: memory, threads, CPU and file descriptors by kind.

interface FdKinds {
  total: number;
  /** Sockets on the server's port: the clients' connections. */
  httpIn: number;
  /** Sockets to PostgreSQL. */
  db: number;
  /** Sockets to the webhook receiver. */
  httpOut: number;
  otherSockets: number;
  files: number;
  pipes: number;
  anon: number;
}

interface ProcSample {
  rssMb: number;
  hwmMb: number;
  anonMb: number;
  threads: number;
  cpuSeconds: number;
  fds: FdKinds;
}

/** Socket inode → local and remote port, from /proc/net/tcp{,6} (the process's network namespace). */
function socketPorts(pid: number): Map<string, { local: number; remote: number }> {
  const ports = new Map<string, { local: number; remote: number }>();
  for (const table of ["tcp", "tcp6"]) {
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const port = (address: string) => Number.parseInt(address.slice(address.lastIndexOf(":") + 1), 16);
      ports.set(fields[9]!, { local: port(fields[1]!), remote: port(fields[2]!) });
    }
  }
  return ports;
}

function sampleProcess(pid: number, serverPort: number, receiverPort: number): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const statFields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ports = socketPorts(pid);
  const fds: FdKinds = {
    total: 0,
    httpIn: 0,
    db: 0,
    httpOut: 0,
    otherSockets: 0,
    files: 0,
    pipes: 0,
    anon: 0,
  };
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed between the listing and the read
    }
    fds.total += 1;
    const socket = /^socket:\[(\d+)\]$/.exec(target);
    if (socket) {
      const tcp = ports.get(socket[1]!);
      if (tcp?.local === serverPort) fds.httpIn += 1;
      else if (tcp?.remote === 5432) fds.db += 1;
      else if (tcp?.remote === receiverPort) fds.httpOut += 1;
      else fds.otherSockets += 1;
    } else if (target.startsWith("pipe:")) fds.pipes += 1;
    else if (target.startsWith("anon_inode:")) fds.anon += 1;
    else fds.files += 1;
  }
  return {
    rssMb: field("VmRSS") / 1024,
    hwmMb: field("VmHWM") / 1024,
    anonMb: field("RssAnon") / 1024,
    threads: field("Threads"),
    // utime + stime, fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    cpuSeconds: (Number(statFields[11]) + Number(statFields[12])) / 100,
    fds,
  };
}

// The V8 heap through the inspector: a minimal WebSocket client (Node 20 has none built in).

interface HeapSample {
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** process.getActiveResourcesInfo(), counted by type: timers, sockets, pending fs requests. */
  resources: Record<string, number>;
  /** The server's event-loop delay over the window (monitorEventLoopDelay, 10 ms resolution). */
  loopP99Ms: number;
  loopMaxMs: number;
}

interface Inspector {
  call(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

async function openInspector(wsUrl: string): Promise<Inspector> {
  const url = new URL(wsUrl);
  const socket = await new Promise<Socket>((resolveSocket, reject) => {
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": randomBytes(16).toString("base64"),
      },
    });
    req.once("upgrade", (_res, upgraded: Socket, head: Buffer) => {
      if (head.length > 0) upgraded.unshift(head);
      resolveSocket(upgraded);
    });
    req.once("response", (res) => reject(new Error(`the inspector answered ${res.statusCode}`)));
    req.once("error", reject);
    req.end();
  });
  const waiting = new Map<number, { resolve(v: Record<string, unknown>): void; reject(e: Error): void }>();
  let nextId = 1;
  let buffered = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (buffered.length < 2) return;
      let length = buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) return;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffered.length < offset + length) return;
      const fin = (buffered[0]! & 0x80) !== 0;
      const opcode = buffered[0]! & 0x0f;
      const payload = buffered.subarray(offset, offset + length);
      buffered = buffered.subarray(offset + length);
      if (opcode === 8) socket.end();
      if (opcode !== 1 && opcode !== 0) continue;
      fragments.push(payload);
      if (!fin) continue;
      const message = JSON.parse(Buffer.concat(fragments).toString("utf8")) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
      };
      fragments = [];
      const waiter = message.id === undefined ? undefined : waiting.get(message.id);
      if (!waiter) continue;
      waiting.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result ?? {});
    }
  });
  socket.on("close", () => {
    for (const waiter of waiting.values()) waiter.reject(new Error("the inspector connection closed"));
    waiting.clear();
  });
  // Client frames are masked; the calls made here are far below the 64 KB a 16-bit length allows.
  const send = (text: string) => {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const header =
      payload.length < 126
        ? Buffer.from([0x81, 0x80 | payload.length])
        : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
    for (let i = 0; i < payload.length; i++)
      payload.writeUInt8(payload.readUInt8(i) ^ mask.readUInt8(i % 4), i);
    socket.write(Buffer.concat([header, mask, payload]));
  };
  return {
    call(method, params = {}) {
      const id = nextId++;
      return new Promise((resolveCall, reject) => {
        waiting.set(id, { resolve: resolveCall, reject });
        send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.destroy(),
  };
}

/**
 * Read in the server: its event-loop delay since the last sample (a histogram this expression
 * installs on first use, then resets), read before the collection below adds its own pause.
 */
const LOOP_DELAY_EXPRESSION = `(() => {
  // process.getBuiltinModule: Node 20.16 and later; before, the columns stay empty.
  if (typeof process.getBuiltinModule !== "function") return JSON.stringify({ p99: NaN, max: NaN });
  const h = (globalThis.__soakLoopDelay ??= (() => {
    const histogram = process.getBuiltinModule("node:perf_hooks").monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    return histogram;
  })());
  const read = { p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
  h.reset();
  return JSON.stringify(read);
})()`;

const MEMORY_EXPRESSION = `(() => {
  const m = process.memoryUsage();
  const resources = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  return JSON.stringify({ ...m, resources });
})()`;

async function evaluate<T>(inspector: Inspector, expression: string): Promise<T> {
  const evaluated = await inspector.call("Runtime.evaluate", { expression, returnByValue: true });
  return JSON.parse(String((evaluated.result as { value: unknown }).value)) as T;
}

/** The heap after a full collection: what the process holds, not what it has yet to collect. */
async function sampleHeap(inspector: Inspector): Promise<HeapSample> {
  const loop = await evaluate<{ p99: number; max: number }>(inspector, LOOP_DELAY_EXPRESSION);
  await inspector.call("HeapProfiler.collectGarbage");
  const value = await evaluate<NodeJS.MemoryUsage & { resources: Record<string, number> }>(
    inspector,
    MEMORY_EXPRESSION,
  );
  return {
    loopP99Ms: loop.p99,
    loopMaxMs: loop.max,
    heapUsedMb: mb(value.heapUsed),
    heapTotalMb: mb(value.heapTotal),
    externalMb: mb(value.external),
    arrayBuffersMb: mb(value.arrayBuffers),
    resources: value.resources,
  };
}

// The client: requests over keep-alive (fetch) or one connection each (Connection: close).

interface Answer {
  status: number;
  text: string;
  /** The envelope's `data`, parsed on demand: most answers are only counted, and lists are large. */
  // biome-ignore lint/suspicious/noExplicitAny: answers are read by field, checked by status.
  data(): any;
}

function answerOf(status: number, text: string): Answer {
  return {
    status,
    text,
    data() {
      try {
        return JSON.parse(text)?.data;
      } catch {
        return undefined;
      }
    },
  };
}

interface RequestSpec {
  method: string;
  path: string;
  key?: string;
  body?: unknown;
  rawBody?: string;
  /** A connection of its own, closed after the answer. */
  close?: boolean;
}

let baseUrl = "";

async function send(spec: RequestSpec): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (spec.key) headers["x-api-key"] = spec.key;
  const body = spec.rawBody ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body));
  if (body !== undefined) headers["content-type"] ??= "application/json";
  if (!spec.close) {
    const response = await fetch(`${baseUrl}${spec.path}`, {
      method: spec.method,
      headers,
      signal: AbortSignal.timeout(30_000),
      ...(body === undefined ? {} : { body }),
    });
    return answerOf(response.status, await response.text());
  }
  return new Promise((resolveAnswer, reject) => {
    const req = httpRequest(`${baseUrl}${spec.path}`, {
      method: spec.method,
      agent: false,
      timeout: 30_000,
      headers: { ...headers, connection: "close" },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        resolveAnswer(answerOf(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

/** Setup calls: anything but the expected status stops the run. */
async function setupCall(spec: RequestSpec, expected: number) {
  const answer = await send(spec);
  if (answer.status !== expected) {
    throw new Error(`${spec.method} ${spec.path} → ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  return answer.data();
}

// Statistics of the driven traffic, per sampling window and for the whole run.

interface TrafficWindow {
  requests: number;
  /** Answers with a status the operation does not expect (a 5xx is always one). */
  unexpected: number;
  serverErrors: number;
  networkErrors: number;
  /** Expected refusals: 4xx the operation asked for, or lost races (already resolved, invalid state). */
  refused: number;
  latencies: number[];
  /** Operations the pacer skipped because `--concurrency` requests were in flight. */
  behind: number;
  socketsDropped: number;
  verifyMs: number[];
  firstUnexpected: string[];
}

const newWindow = (): TrafficWindow => ({
  requests: 0,
  unexpected: 0,
  serverErrors: 0,
  networkErrors: 0,
  refused: 0,
  latencies: [],
  behind: 0,
  socketsDropped: 0,
  verifyMs: [],
  firstUnexpected: [],
});

let traffic = newWindow();

interface OperationTotals {
  statuses: Map<string, number>;
  bytes: number;
  ms: number;
}

/** Per operation, for the whole run (a few dozen entries): answers by status, bytes and time. */
const totals = new Map<string, OperationTotals>();

function record(op: string, status: string, bytes = 0, ms = 0) {
  let entry = totals.get(op);
  if (!entry) {
    entry = { statuses: new Map(), bytes: 0, ms: 0 };
    totals.set(op, entry);
  }
  entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
  entry.bytes += bytes;
  entry.ms += ms;
}

/**
 * One request of operation `op`: counted in the window, and as unexpected unless its status is in
 * `ok` (success) or `refusals` (answers the operation provokes or may lose a race to).
 */
async function call(
  op: string,
  spec: RequestSpec,
  ok: number[],
  refusals: number[] = [],
): Promise<Answer | undefined> {
  const started = performance.now();
  let answer: Answer;
  try {
    answer = await send(spec);
  } catch (error) {
    traffic.requests += 1;
    traffic.networkErrors += 1;
    traffic.unexpected += 1;
    record(op, "network");
    if (traffic.firstUnexpected.length < 3) {
      // fetch says "fetch failed" and keeps the reason (ECONNRESET, a timeout) in its cause.
      const { message, cause } = error as Error & { cause?: { code?: string; message?: string } };
      traffic.firstUnexpected.push(`${op}: ${message}${cause ? ` (${cause.code ?? cause.message})` : ""}`);
    }
    return undefined;
  }
  const elapsed = performance.now() - started;
  traffic.requests += 1;
  traffic.latencies.push(elapsed);
  record(op, String(answer.status), answer.text.length, elapsed);
  if (answer.status >= 500) traffic.serverErrors += 1;
  if (refusals.includes(answer.status)) traffic.refused += 1;
  else if (!ok.includes(answer.status)) {
    traffic.unexpected += 1;
    if (traffic.firstUnexpected.length < 3) {
      traffic.firstUnexpected.push(
        `${op} ${spec.method} ${spec.path} → ${answer.status} ${answer.text.slice(0, 160)}`,
      );
    }
  }
  return answer;
}

// The world: tenants, their keys, agents, policies and webhook endpoints.

interface Agent {
  id: string;
  domain: string;
  /** Types the agent submits; a `narrow` agent declares only the first and is blocked on the rest. */
  types: string[];
}

interface Tenant {
  id: string;
  admin: string;
  agentKeys: string[];
  approverKeys: string[];
  policyKey: string;
  readKey: string;
  /** An agent key limited to 20 requests a minute: most of its requests answer 429. */
  limitedKey: string;
  agents: Agent[];
  pending: Ring<{ approvalId: string; voter: number }>;
  /** Approvals already queued for a decision (bounded: forgotten all at once when full). */
  queued: Set<string>;
  approved: Ring<{ intentId: string; key: string }>;
  intents: Ring<string>;
  /** Submissions sent with an idempotency key (in the body), to send again. */
  replays: Ring<{ body: Record<string, unknown>; key: string }>;
  tokens: Ring<string>;
}

const TYPES_BY_DOMAIN = new Map<string, string[]>();
for (const type of Object.keys(ALL_FIXTURES)) {
  const domain = type.slice(0, type.indexOf("."));
  TYPES_BY_DOMAIN.set(domain, [...(TYPES_BY_DOMAIN.get(domain) ?? []), type]);
}

/**
 * The tenant's standing policies: high-risk identity changes blocked, the support domain's
 * medium-risk types waiting for a human for 20 s at most, refunds and credits needing two approvers,
 * sales allowed, and a shadow block (recorded, never applied).
 */
const STANDING_POLICIES = [
  {
    name: "No risky identity changes",
    effect: "block",
    match: { domains: ["identity"], riskLevels: ["high"] },
  },
  {
    name: "Support escalations wait for a human",
    effect: "require_approval",
    match: { domains: ["support"], riskLevels: ["medium"] },
    approval: { approvers: 1, expiresInSeconds: APPROVAL_EXPIRY_SECONDS },
  },
  {
    name: "Money out needs two",
    effect: "require_approval",
    match: { types: ["billing.process_refund", "billing.apply_credit", "vendors.terminate_vendor"] },
    approval: { approvers: 2 },
  },
  { name: "Sales runs itself", effect: "allow", match: { domains: ["sales"] } },
  {
    name: "Would block DSARs",
    effect: "block",
    mode: "shadow",
    match: { types: ["compliance.process_dsar"] },
  },
];

/** A key of the admin's tenant, created through the API; its text. */
async function createKey(admin: string, name: string, scopes: string[], rateLimitPerMinute = UNLIMITED) {
  const data = await setupCall(
    { method: "POST", path: "/v1/api-keys", key: admin, body: { name, scopes, rateLimitPerMinute } },
    201,
  );
  return String(data.key);
}

async function setUpTenant(id: string, admin: string, receiverUrl: string, index: number): Promise<Tenant> {
  const key = (name: string, scopes: string[], limit?: number) => createKey(admin, name, scopes, limit);
  const tenant: Tenant = {
    id,
    admin,
    agentKeys: [await key("agent 1", ["agent"]), await key("agent 2", ["agent"])],
    approverKeys: [await key("approver 1", ["approver"]), await key("approver 2", ["approver"])],
    policyKey: await key("policies", ["policy_write"]),
    readKey: await key("dashboard", ["read_only"]),
    limitedKey: await key("limited agent", ["agent"], 20),
    agents: [],
    pending: new Ring(200),
    queued: new Set(),
    approved: new Ring(300),
    intents: new Ring(300),
    replays: new Ring(100),
    tokens: new Ring(50),
  };
  for (const domain of DOMAINS) {
    const types = TYPES_BY_DOMAIN.get(domain)!;
    for (const [kind, tier] of [
      ["t0", undefined],
      ["t2", "T2"],
      ["t3", "T3"],
      ["narrow", "T3"],
    ] as const) {
      const agentId = `${domain}-${kind}`;
      await setupCall(
        {
          method: "POST",
          path: "/v1/agents",
          key: tenant.agentKeys[0],
          body: {
            id: agentId,
            name: `${domain} ${kind}`,
            domains: [domain],
            intentTypes: kind === "narrow" ? [types[0]] : [`${domain}.*`],
          },
        },
        201,
      );
      if (tier) {
        await setupCall(
          { method: "PUT", path: `/v1/agents/${agentId}/trust`, key: admin, body: { tier, reason: "soak" } },
          200,
        );
      }
      tenant.agents.push({ id: agentId, domain, types });
    }
  }
  for (const policy of STANDING_POLICIES) {
    await setupCall({ method: "POST", path: "/v1/policies", key: tenant.policyKey, body: policy }, 201);
  }
  // The last tenant subscribes to a few events only, so fan-out skips most of its events.
  const events =
    index === TENANTS.length - 1 ? ["intent.approved", "intent.blocked", "intent.expired"] : ["*"];
  await setupCall(
    { method: "POST", path: "/v1/webhooks", key: admin, body: { url: `${receiverUrl}/hooks/${id}`, events } },
    201,
  );
  return tenant;
}

// The operations, each one request (or a few), drawn by weight.

/** Valid params of a type, with amounts varied so that risk levels vary too. */
function paramsOf(type: string): Record<string, unknown> {
  const params = { ...ALL_FIXTURES[type]!.valid };
  if (typeof params.amount === "number" && chance(0.5)) {
    params.amount = Math.round(params.amount * (0.5 + Math.random() * 4) * 100) / 100;
  }
  return params;
}

function submissionBody(tenant: Tenant): Record<string, unknown> {
  const agent = pick(tenant.agents);
  // A narrow agent mostly stays inside its declaration; outside it, it is blocked.
  const type = agent.id.endsWith("-narrow") && chance(0.6) ? agent.types[0]! : pick(agent.types);
  return {
    type,
    domain: agent.domain,
    agentId: agent.id,
    params: paramsOf(type),
    description: `Soak ${type} ${randomUUID().slice(0, 8)}`,
  };
}

/** Remember what a submission's answer makes possible next: a decision, an outcome, a replay. */
function rememberSubmission(tenant: Tenant, answer: Answer | undefined, key: string) {
  const data = answer?.data();
  if (!data?.intentId) return;
  tenant.intents.push(data.intentId);
  if (data.status === "approved") tenant.approved.push({ intentId: data.intentId, key });
}

async function submit(tenant: Tenant) {
  const key = pick(tenant.agentKeys);
  const body = submissionBody(tenant);
  const idempotent = chance(0.15);
  if (idempotent) body.idempotencyKey = `soak-${randomUUID()}`;
  // A query string sends the submission through the Hono route instead of the submission listener.
  const path = chance(0.05) ? "/v1/intents?source=soak" : "/v1/intents";
  const answer = await call("submit", { method: "POST", path, key, body, close: chance(0.15) }, [201]);
  rememberSubmission(tenant, answer, key);
  if (idempotent && answer?.status === 201) {
    tenant.replays.push({ body, key });
  }
}

async function replay(tenant: Tenant) {
  const earlier = tenant.replays.any();
  if (!earlier) return submit(tenant);
  if (chance(0.8)) {
    await call(
      "replay same body",
      { method: "POST", path: "/v1/intents", key: earlier.key, body: earlier.body },
      [200],
    );
  } else {
    const changed = { ...earlier.body, description: `changed ${randomUUID().slice(0, 8)}` };
    await call(
      "replay other body",
      { method: "POST", path: "/v1/intents", key: earlier.key, body: changed },
      [],
      [422],
    );
  }
}

async function refreshApprovals(tenant: Tenant) {
  const answer = await call(
    "list pending approvals",
    { method: "GET", path: `/v1/approvals?pageSize=50&page=${pick([1, 1, 2])}`, key: tenant.readKey },
    [200],
  );
  for (const item of answer?.data()?.items ?? []) {
    if (tenant.queued.has(item.id)) continue;
    if (tenant.queued.size >= 5000) tenant.queued.clear();
    tenant.queued.add(item.id);
    tenant.pending.push({
      approvalId: item.id,
      voter: Array.isArray(item.votes) ? item.votes.length % 2 : 0,
    });
  }
}

async function decide(tenant: Tenant) {
  const approval = tenant.pending.take();
  if (!approval) return refreshApprovals(tenant);
  const approverKey = tenant.approverKeys[approval.voter]!;
  const reject = chance(0.25);
  const spec: RequestSpec = reject
    ? {
        method: "POST",
        path: `/v1/approvals/${approval.approvalId}/reject`,
        key: approverKey,
        body: { reason: "soak says no" },
      }
    : { method: "POST", path: `/v1/approvals/${approval.approvalId}/approve`, key: approverKey };
  // Lost races: decided by someone else or expired meanwhile (400), or a second vote of one key (409).
  const answer = await call(reject ? "reject" : "approve", spec, [200], [400, 409]);
  const data = answer?.status === 200 ? answer.data() : undefined;
  if (!data) return;
  if (data.status === "pending")
    tenant.pending.push({ approvalId: approval.approvalId, voter: 1 - approval.voter });
  else if (data.intent?.status === "approved") {
    tenant.approved.push({ intentId: data.intent.id ?? data.intentId, key: pick(tenant.agentKeys) });
  }
}

async function finish(tenant: Tenant) {
  const intent = tenant.approved.take();
  if (!intent) return submit(tenant);
  if (chance(0.75)) {
    const body = chance(0.3) ? { result: { ok: true, note: "soak" } } : undefined;
    await call(
      "complete",
      {
        method: "POST",
        path: `/v1/intents/${intent.intentId}/complete`,
        key: intent.key,
        body,
        close: chance(0.1),
      },
      [200],
      [409],
    );
  } else {
    await call(
      "fail",
      {
        method: "POST",
        path: `/v1/intents/${intent.intentId}/fail`,
        key: intent.key,
        body: { error: "soak failure" },
      },
      [200],
      [409],
    );
  }
}

const INTENT_STATUSES = ["pending", "approved", "blocked", "completed", "failed", "rejected", "expired"];

async function listIntents(tenant: Tenant) {
  const query = new URLSearchParams({
    page: String(pick([1, 1, 1, 2, 3, 10])),
    pageSize: String(pick([10, 20, 50, 100])),
  });
  const filter = pick(["none", "status", "agentId", "type", "domain", "status+domain"]);
  if (filter.includes("status")) query.set("status", pick(INTENT_STATUSES));
  if (filter === "agentId") query.set("agentId", pick(tenant.agents).id);
  if (filter === "type") query.set("type", pick(Object.keys(ALL_FIXTURES)));
  if (filter.includes("domain")) query.set("domain", pick(DOMAINS));
  await call(
    "list intents",
    { method: "GET", path: `/v1/intents?${query}`, key: tenant.readKey, close: chance(0.2) },
    [200],
  );
}

async function listApprovals(tenant: Tenant) {
  const status = pick(["all", "approved", "rejected", "expired"]);
  await call(
    "list approvals",
    {
      method: "GET",
      path: `/v1/approvals?status=${status}&page=${pick([1, 2])}&pageSize=${pick([20, 100])}`,
      key: tenant.readKey,
    },
    [200],
  );
}

async function listAudit(tenant: Tenant) {
  const query = new URLSearchParams({ pageSize: String(pick([20, 50, 100])), page: String(pick([1, 2, 5])) });
  const filter = pick(["none", "eventType", "agentId", "intentId", "fromDate"]);
  if (filter === "eventType")
    query.set("eventType", pick(["intent.submitted", "intent.approved", "intent.completed"]));
  if (filter === "agentId") query.set("agentId", pick(tenant.agents).id);
  if (filter === "intentId") query.set("intentId", tenant.intents.any() ?? "int_unknown");
  if (filter === "fromDate") query.set("fromDate", new Date(Date.now() - 60_000).toISOString());
  await call("list audit", { method: "GET", path: `/v1/audit?${query}`, key: tenant.readKey }, [200]);
}

async function getIntent(tenant: Tenant) {
  const id = tenant.intents.any();
  if (!id) return;
  const answer = await call(
    "get intent",
    { method: "GET", path: `/v1/intents/${id}`, key: tenant.readKey },
    [200],
  );
  const token = answer?.data()?.intentToken;
  if (typeof token === "string") tenant.tokens.push(token);
}

async function verifyToken(tenant: Tenant) {
  const token = tenant.tokens.any();
  if (!token) return getIntent(tenant);
  await call(
    "verify token",
    { method: "POST", path: "/v1/tokens/verify", key: tenant.readKey, body: { token } },
    [200],
  );
}

async function readAgents(tenant: Tenant) {
  if (chance(0.5)) {
    await call(
      "agent metrics",
      { method: "GET", path: `/v1/agents/${pick(tenant.agents).id}/metrics`, key: tenant.readKey },
      [200],
    );
  } else {
    await call(
      "list agents",
      { method: "GET", path: `/v1/agents?pageSize=${pick([10, 50])}`, key: tenant.readKey },
      [200],
    );
  }
}

async function stats(tenant: Tenant) {
  await call("stats", { method: "GET", path: "/v1/stats", key: tenant.readKey, close: chance(0.3) }, [200]);
}

async function listPolicies(tenant: Tenant) {
  await call("list policies", { method: "GET", path: "/v1/policies", key: tenant.readKey }, [200]);
}

/** Requests that must be refused: what each sends (for a tenant), and the status that refuses it. */
const REFUSALS: [string, number, (tenant: Tenant, agentKey: string) => RequestSpec][] = [
  ["empty body", 400, (_, key) => ({ method: "POST", path: "/v1/intents", key, body: {} })],
  ["broken JSON", 400, (_, key) => ({ method: "POST", path: "/v1/intents", key, rawBody: '{"type":' })],
  [
    "unknown type",
    400,
    (t, key) => ({
      method: "POST",
      path: "/v1/intents",
      key,
      body: { ...submissionBody(t), type: "billing.nope" },
    }),
  ],
  [
    "unknown intent",
    404,
    (t) => ({ method: "GET", path: `/v1/intents/int_${randomUUID()}`, key: t.readKey }),
  ],
  ["unknown route", 404, (t) => ({ method: "GET", path: `/v1/nothing/${randomUUID()}`, key: t.readKey })],
  ["no key", 401, () => ({ method: "GET", path: "/v1/intents" })],
  ["unknown key", 401, (t) => ({ method: "GET", path: "/v1/stats", key: generateApiKey(t.id) })],
  [
    "read-only submits",
    403,
    (t) => ({ method: "POST", path: "/v1/intents", key: t.readKey, body: submissionBody(t) }),
  ],
  [
    "unknown agent",
    404,
    (t, key) => ({
      method: "POST",
      path: "/v1/intents",
      key,
      body: { ...submissionBody(t), agentId: `ghost-${randomUUID().slice(0, 8)}` },
    }),
  ],
];

async function invalid(tenant: Tenant) {
  const close = chance(0.3);
  if (chance(0.1)) {
    // The limited key: its first 20 submissions of each minute pass, the rest answer 429.
    const body = submissionBody(tenant);
    const spec: RequestSpec = { method: "POST", path: "/v1/intents", key: tenant.limitedKey, body, close };
    const answer = await call("limited key submits", spec, [201], [429]);
    // Its outcome is reported with an unlimited key: the limited one would mostly get 429.
    rememberSubmission(tenant, answer, pick(tenant.agentKeys));
    return;
  }
  const [name, status, spec] = pick(REFUSALS);
  await call(`invalid: ${name}`, { ...spec(tenant, pick(tenant.agentKeys)), close }, [], [status]);
}

async function health() {
  await call("health", { method: "GET", path: "/health", close: chance(0.5) }, [200]);
}

/**
 * A client that connects and goes away: at once, after half a request line, or after headers
 * without the promised body. The server must let go of each socket.
 */
function dropConnection(port: number): Promise<void> {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    const kind = pick(["nothing", "half-line", "no-body"]);
    socket.on("connect", () => {
      if (kind === "half-line") socket.write("GET /v1/sta");
      if (kind === "no-body") {
        socket.write(
          "POST /v1/intents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{",
        );
      }
      setTimeout(() => socket.destroy(), 20 + Math.random() * 200);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      traffic.socketsDropped += 1;
      done();
    });
  });
}

/** The weighted mix (about 60 % writes); weights are relative. */
function operations(port: number): [number, (tenant: Tenant) => Promise<unknown>][] {
  return [
    [40, submit],
    [5, replay],
    [10, decide],
    [10, finish],
    [6, listIntents],
    [3, listApprovals],
    [3, listAudit],
    [4, getIntent],
    [1, verifyToken],
    [2, readAgents],
    [2, stats],
    [1, listPolicies],
    [6, invalid],
    [1, () => health()],
    [2, () => dropConnection(port)],
  ];
}

// Operations on timers rather than by weight: what operators and scrapers do every so often.

/** The last scrape: its size, and its samples by metric family (what fills the series cap). */
const lastMetrics = { bytes: 0, samplesByFamily: new Map<string, number>() };

async function scrapeMetrics() {
  const answer = await call("metrics", { method: "GET", path: "/metrics", close: true }, [200]);
  const text = answer?.status === 200 ? answer.text : undefined;
  if (text === undefined) return;
  lastMetrics.bytes = Buffer.byteLength(text);
  lastMetrics.samplesByFamily = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const family = line.slice(0, line.search(/[{ ]/)).replace(/_(bucket|sum|count)$/, "");
    lastMetrics.samplesByFamily.set(family, (lastMetrics.samplesByFamily.get(family) ?? 0) + 1);
  }
}

async function verifyAudit(tenant: Tenant) {
  const started = performance.now();
  const answer = await call(
    "audit verify",
    { method: "GET", path: "/v1/audit/verify", key: tenant.readKey },
    [200],
  );
  if (answer?.status === 200) traffic.verifyMs.push(performance.now() - started);
  const verified = answer?.status === 200 ? answer.data() : undefined;
  if (verified && verified.valid !== true) {
    traffic.unexpected += 1;
    traffic.firstUnexpected.push(`audit verify: chain of ${tenant.id} invalid ${JSON.stringify(verified)}`);
  }
}

/** A policy lives a few seconds: created, changed, deleted (each bumps the tenant's rules revision). */
async function churnPolicy(tenant: Tenant) {
  const created = await call(
    "policy create",
    {
      method: "POST",
      path: "/v1/policies",
      key: tenant.policyKey,
      body: {
        name: `Temporary ${randomUUID().slice(0, 8)}`,
        effect: "require_approval",
        match: { types: [pick(Object.keys(ALL_FIXTURES))] },
        approval: { approvers: 1, expiresInSeconds: APPROVAL_EXPIRY_SECONDS },
      },
    },
    [201],
  );
  const id = created?.data()?.id;
  if (!id) return;
  await call(
    "policy update",
    {
      method: "PUT",
      path: `/v1/policies/${id}`,
      key: tenant.policyKey,
      body: { name: `Temporary ${id}`, effect: "block", match: { types: [pick(Object.keys(ALL_FIXTURES))] } },
    },
    [200],
  );
  await call("policy delete", { method: "DELETE", path: `/v1/policies/${id}`, key: tenant.policyKey }, [200]);
}

/** A key is created, used, revoked, and refused once revoked. */
async function churnKey(tenant: Tenant) {
  const created = await call(
    "key create",
    {
      method: "POST",
      path: "/v1/api-keys",
      key: tenant.admin,
      body: { name: `temp ${randomUUID().slice(0, 8)}`, scopes: ["read_only"] },
    },
    [201],
  );
  const data = created?.data();
  if (!data?.key) return;
  await call("key use", { method: "GET", path: "/v1/stats", key: data.key }, [200]);
  await call("key revoke", { method: "DELETE", path: `/v1/api-keys/${data.id}`, key: tenant.admin }, [200]);
  await call("key use after revoke", { method: "GET", path: "/v1/stats", key: data.key }, [], [401]);
}

// The pacer: starts operations at `--rate` a second, never more than `--concurrency` at once.

function startPacer(tenants: Tenant[], port: number) {
  const mix = operations(port);
  const totalWeight = mix.reduce((sum, [weight]) => sum + weight, 0);
  const draw = () => {
    let roll = Math.random() * totalWeight;
    for (const [weight, op] of mix) {
      roll -= weight;
      if (roll < 0) return op;
    }
    return mix[0]![1];
  };
  const startedAt = performance.now();
  let started = 0;
  let inFlight = 0;
  const launch = (op: () => Promise<unknown>) => {
    inFlight += 1;
    op()
      .catch((error: unknown) => {
        traffic.unexpected += 1;
        if (traffic.firstUnexpected.length < 3)
          traffic.firstUnexpected.push(`driver: ${(error as Error).message}`);
      })
      .finally(() => {
        inFlight -= 1;
      });
  };
  const pacer = setInterval(() => {
    const due = Math.floor((RATE * (performance.now() - startedAt)) / 1000);
    while (started < due) {
      if (inFlight >= CONCURRENCY) {
        traffic.behind += due - started;
        started = due;
        break;
      }
      started += 1;
      const op = draw();
      const tenant = pick(tenants);
      launch(() => op(tenant));
    }
  }, 10);
  let turn = 0;
  const timers = [
    pacer,
    // The scrape interval of Prometheus' example configuration.
    setInterval(() => launch(scrapeMetrics), 15_000),
    setInterval(() => launch(() => verifyAudit(tenants[turn++ % tenants.length]!)), 20_000),
    setInterval(() => launch(() => churnPolicy(pick(tenants))), 3_000),
    setInterval(() => launch(() => churnKey(pick(tenants))), 5_000),
    setInterval(() => {
      for (const tenant of tenants) launch(() => refreshApprovals(tenant));
    }, 2_000),
  ];
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
    },
  };
}

// Sampling, the table and the verdict.

interface Sample {
  atMs: number;
  proc: ProcSample;
  heap: HeapSample | undefined;
  sizes: DatabaseSizes;
  counts: DatabaseCounts | undefined;
  traffic: TrafficWindow;
  receiver: ReceiverWindow;
  metricsBytes: number;
  cpuPercent: number;
  /** This process, the load generator: if it is saturated, the latencies are its own. */
  driver: { cpuPercent: number; loopP99Ms: number };
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const cpuTotal = (usage: NodeJS.CpuUsage) => usage.user + usage.system;
const fixed = (n: number, digits = 1) => n.toFixed(digits);
const handles = (heap: HeapSample | undefined) =>
  heap ? Object.values(heap.resources).reduce((a, b) => a + b, 0) : Number.NaN;

const COLUMNS: [string, number, (s: Sample) => string][] = [
  ["min", 5, (s) => fixed(s.atMs / 60_000)],
  ["req/s", 6, (s) => fixed(s.traffic.requests / (SAMPLE_MS / 1000), 0)],
  ["err%", 5, (s) => fixed((100 * s.traffic.unexpected) / Math.max(1, s.traffic.requests), 2)],
  ["5xx", 4, (s) => String(s.traffic.serverErrors)],
  ["p99ms", 6, (s) => fixed(quantile(s.traffic.latencies, 0.99), 0)],
  ["cpu%", 5, (s) => fixed(s.cpuPercent, 0)],
  ["loop99", 6, (s) => (s.heap ? fixed(s.heap.loopP99Ms, 0) : "-")],
  ["loopMx", 6, (s) => (s.heap ? fixed(s.heap.loopMaxMs, 0) : "-")],
  ["drv%", 5, (s) => fixed(s.driver.cpuPercent, 0)],
  ["dLoop", 6, (s) => fixed(s.driver.loopP99Ms, 0)],
  ["rssMB", 6, (s) => fixed(s.proc.rssMb)],
  ["anonMB", 6, (s) => fixed(s.proc.anonMb)],
  ["heapMB", 6, (s) => (s.heap ? fixed(s.heap.heapUsedMb) : "-")],
  ["hTotMB", 6, (s) => (s.heap ? fixed(s.heap.heapTotalMb) : "-")],
  ["extMB", 6, (s) => (s.heap ? fixed(s.heap.externalMb) : "-")],
  ["hndl", 5, (s) => (s.heap ? String(handles(s.heap)) : "-")],
  ["tmr", 4, (s) => (s.heap ? String(s.heap.resources.Timeout ?? 0) : "-")],
  ["thr", 4, (s) => String(s.proc.threads)],
  ["fd", 4, (s) => String(s.proc.fds.total)],
  ["in", 4, (s) => String(s.proc.fds.httpIn)],
  ["db", 3, (s) => String(s.proc.fds.db)],
  ["out", 4, (s) => String(s.proc.fds.httpOut)],
  ["dataMB", 7, (s) => fixed(mb(s.sizes.dataBytes))],
  ["walMB", 6, (s) => (s.sizes.walBytes === undefined ? "-" : fixed(mb(s.sizes.walBytes)))],
  ["intents", 8, (s) => String(s.counts?.intents ?? "-")],
  ["outbox", 6, (s) => String(s.counts?.outbox ?? "-")],
  ["due", 5, (s) => String(s.counts?.deliveriesDue ?? "-")],
  ["hooks/s", 7, (s) => fixed(s.receiver.received / (SAMPLE_MS / 1000), 0)],
  ["metKB", 6, (s) => fixed(s.metricsBytes / 1024, 0)],
];

const header = () => COLUMNS.map(([name, width]) => name.padStart(width)).join(" ");
const row = (s: Sample) => COLUMNS.map(([, width, cell]) => cell(s).padStart(width)).join(" ");

interface Growth {
  start: number;
  end: number;
  /** Per hour, least squares over the samples after the warm-up. */
  perHour: number;
}

/** Median of the first three samples after the warm-up against the median of the last three. */
function growth(samples: Sample[], value: (s: Sample) => number): Growth {
  const values = samples.map(value);
  const hours = samples.map((s) => s.atMs / 3_600_000);
  return {
    start: median(values.slice(0, 3)),
    end: median(values.slice(-3)),
    perHour: slope(hours, values),
  };
}

const describeGrowth = (g: Growth, unit: string, digits = 1) =>
  `${fixed(g.start, digits)} → ${fixed(g.end, digits)} ${unit} (${g.end >= g.start ? "+" : ""}${fixed(
    g.end - g.start,
    digits,
  )}, ${fixed((100 * (g.end - g.start)) / Math.max(g.start, 1e-9), 1)} %; trend ${fixed(g.perHour, digits)} ${unit}/h)`;

/** The verdict lines, and whether any of them found growth. */
function verdict(samples: Sample[]): { lines: string[]; grows: boolean } {
  const warmedUp = samples.filter((s) => s.atMs >= RUN_MS / 3);
  if (warmedUp.length < 6)
    return { lines: ["too few samples after the warm-up for a verdict"], grows: false };
  const lines: string[] = [];
  let grows = false;
  const judge = (name: string, g: Growth, unit: string, tolerated: number, digits = 1) => {
    const grew = g.end - g.start > tolerated;
    grows ||= grew;
    lines.push(`${name.padEnd(22)} ${grew ? "GROWS " : "flat  "} ${describeGrowth(g, unit, digits)}`);
  };
  const rss = growth(warmedUp, (s) => s.proc.rssMb);
  // Tolerances: RSS and heap move by several MB with GC timing and what is in flight; 10 % of the
  // start (at least 5 MB) over a run is growth worth chasing.
  judge("RSS", rss, "MB", Math.max(5, rss.start * 0.1));
  const anon = growth(warmedUp, (s) => s.proc.anonMb);
  judge("RSS anonymous", anon, "MB", Math.max(5, anon.start * 0.1));
  if (warmedUp.every((s) => s.heap)) {
    const heap = growth(warmedUp, (s) => s.heap!.heapUsedMb);
    judge("heap after full GC", heap, "MB", Math.max(3, heap.start * 0.1));
    const external = growth(warmedUp, (s) => s.heap!.externalMb);
    judge("external (buffers)", external, "MB", Math.max(3, external.start * 0.2));
    // Sockets and connects in progress come and go with the load; timers must not pile up.
    judge(
      "timers",
      growth(warmedUp, (s) => s.heap!.resources.Timeout ?? 0),
      "",
      10,
      0,
    );
  }
  // Client and webhook sockets come and go with the load; the server's own descriptors must not.
  judge(
    "fds (the server's own)",
    growth(warmedUp, (s) => s.proc.fds.total - s.proc.fds.httpIn - s.proc.fds.httpOut),
    "",
    5,
    0,
  );
  judge(
    "client sockets",
    growth(warmedUp, (s) => s.proc.fds.httpIn),
    "",
    CONCURRENCY,
    0,
  );
  judge(
    "threads",
    growth(warmedUp, (s) => s.proc.threads),
    "",
    2,
    0,
  );
  if (DIALECT === "sqlite") {
    // The WAL file never shrinks (no journal_size_limit): bounded means it stopped growing.
    const half = Math.floor(warmedUp.length / 2);
    const before = Math.max(...warmedUp.slice(0, half).map((s) => s.sizes.walBytes ?? 0));
    const after = Math.max(...warmedUp.slice(half).map((s) => s.sizes.walBytes ?? 0));
    const bounded = after <= before * 1.1 + 1024 * 1024;
    grows ||= !bounded;
    lines.push(
      `${"WAL file".padEnd(22)} ${bounded ? "bounded" : "GROWS "} largest ${fixed(mb(before))} MB in the middle third, ${fixed(mb(after))} MB in the last`,
    );
  }
  if (warmedUp.every((s) => s.counts)) {
    judge(
      "webhook backlog (due)",
      growth(warmedUp, (s) => s.counts!.deliveriesDue + s.counts!.outbox),
      "",
      500,
      0,
    );
  }
  const data = growth(warmedUp, (s) => mb(s.sizes.dataBytes));
  const first = warmedUp[0]!;
  const last = warmedUp.at(-1)!;
  const intents = (last.counts?.intents ?? 0) - (first.counts?.intents ?? 0);
  lines.push(
    `${"data (expected growth)".padEnd(22)} ${describeGrowth(data, "MB")}` +
      (intents > 0
        ? `, ${fixed((last.sizes.dataBytes - first.sizes.dataBytes) / intents / 1024, 1)} KB per intent`
        : ""),
  );
  return { lines, grows };
}

/** The run's totals, answers by operation, what fills /metrics, the verdict, and the drain. */
function printSummary(samples: Sample[], drained: Sample[]) {
  const all = (pickValue: (w: TrafficWindow) => number) =>
    samples.reduce((sum, s) => sum + pickValue(s.traffic), 0);
  const requests = all((w) => w.requests);
  const verifyMs = samples.flatMap((s) => s.traffic.verifyMs);
  const hooks = { received: 0, ok: 0, failed: 0, hung: 0 };
  for (const { receiver } of [...samples, ...drained]) {
    hooks.received += receiver.received;
    hooks.ok += receiver.ok;
    hooks.failed += receiver.failed;
    hooks.hung += receiver.hung;
  }
  process.stdout.write(
    `\n${requests} requests in ${fixed(RUN_MS / 60_000)} min (${fixed(requests / (RUN_MS / 1000), 0)}/s): ` +
      `${all((w) => w.unexpected)} unexpected (${all((w) => w.serverErrors)} 5xx, ${all((w) => w.networkErrors)} network), ` +
      `${all((w) => w.refused)} refusals as intended, ${all((w) => w.behind)} operations skipped by the pacer, ` +
      `${all((w) => w.socketsDropped)} connections dropped by the client; webhook attempts received ` +
      `${hooks.received} (${hooks.ok} answered 200, ${hooks.failed} 500 or 503, ${hooks.hung} late); audit verify ${verifyMs.length}× ` +
      `(first ${fixed(verifyMs[0] ?? 0, 0)} ms, last ${fixed(verifyMs.at(-1) ?? 0, 0)} ms)\n`,
  );
  process.stdout.write("\nBy operation: answers (status×count), mean answer size and time\n");
  for (const [op, entry] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
    const count = [...entry.statuses.values()].reduce((a, b) => a + b, 0);
    const statuses = [...entry.statuses].map(([status, n]) => `${status}×${n}`).join(" ");
    process.stdout.write(
      `  ${op.padEnd(28)} ${statuses.padEnd(24)} ${fixed(entry.bytes / count / 1024).padStart(7)} KB ` +
        `${fixed(entry.ms / count).padStart(7)} ms\n`,
    );
  }
  const families = [...lastMetrics.samplesByFamily].sort(([, a], [, b]) => b - a);
  process.stdout.write(
    `\n/metrics at the last scrape: ${fixed(lastMetrics.bytes / 1024, 0)} KB, ` +
      `${families.reduce((sum, [, n]) => sum + n, 0)} samples; most: ` +
      `${families
        .slice(0, 5)
        .map(([name, n]) => `${name} ${n}`)
        .join(", ")}\n`,
  );
  const last = samples.at(-1);
  if (last?.heap)
    process.stdout.write(`Active resources at the end of the load: ${JSON.stringify(last.heap.resources)}\n`);
  if (last?.counts) process.stdout.write(`Database at the end of the load: ${JSON.stringify(last.counts)}\n`);
  const settled = drained.at(-1);
  if (settled?.counts) process.stdout.write(`Database after the drain: ${JSON.stringify(settled.counts)}\n`);
  const peakHwm = Math.max(...samples.map((s) => s.proc.hwmMb));
  const { lines, grows } = verdict(samples);
  process.stdout.write(
    `\nVerdict (after the warm-up, the first third: median of its first 3 samples → of the last 3; ` +
      `peak RSS ${fixed(peakHwm)} MB):\n${lines.map((l) => `  ${l}`).join("\n")}\n` +
      `${grows ? "Something grew: see the lines marked GROWS." : "Nothing grew past its tolerance."}\n`,
  );
  if (RUN_MS < 10 * 60_000) {
    process.stdout.write(
      "(A run under 10 minutes ends its warm-up too early: the metrics fill to their cap in about 2 minutes and RSS settles in about 5.)\n",
    );
  }
  if (flags.snapshots) {
    process.stdout.write(
      "(Writing a heap snapshot raises RSS for good: with --snapshots, judge the heap line.)\n",
    );
  }
  if (settled && last) {
    process.stdout.write(
      `After ${DRAIN_MS / 1000} s without load: RSS ${fixed(last.proc.rssMb)} → ${fixed(settled.proc.rssMb)} MB` +
        (settled.heap && last.heap
          ? `, heap ${fixed(last.heap.heapUsedMb)} → ${fixed(settled.heap.heapUsedMb)} MB`
          : "") +
        `, fds ${last.proc.fds.total} → ${settled.proc.fds.total}` +
        (settled.counts && last.counts
          ? `, webhook backlog (outbox + due) ${last.counts.outbox + last.counts.deliveriesDue} → ${settled.counts.outbox + settled.counts.deliveriesDue}`
          : "") +
        "\n",
    );
  }
}

async function main() {
  const receiver = await startReceiver();
  const database = DIALECT === "sqlite" ? sqliteDatabase() : await postgresDatabase();
  const admins = TENANTS.map((tenant) => generateApiKey(tenant));
  const nodeFlags = [...(flags.source ? SERVER_NODE_FLAGS : [])];
  if (!flags["rss-only"]) nodeFlags.push("--inspect=127.0.0.1:0");
  const snapshotDir = flags.snapshots ? resolve(flags.snapshots) : undefined;
  if (snapshotDir) {
    mkdirSync(snapshotDir, { recursive: true });
    nodeFlags.push("--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${snapshotDir}`);
  }
  let server: ServerProcess | undefined;
  let inspector: Inspector | undefined;
  try {
    server = await spawnServer({
      mode: flags.source ? "source" : "dist",
      env: {
        DATABASE_URL: database.url,
        INTENDEDOPS_BOOTSTRAP_KEY: admins.join(","),
        INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1",
        INTENDEDOPS_SECRET_KEY: randomBytes(32).toString("hex"),
        // Expiry and webhook jobs every second, so they run thousands of times in a soak.
        JOB_INTERVAL_MS: "1000",
        LOG_LEVEL: "info",
      },
      discardStdout: true,
      nodeFlags,
    });
    baseUrl = server.url;
    const pid = server.child.pid!;
    if (!flags["rss-only"]) {
      const wsUrl = /ws:\/\/\S+/.exec(server.stderr())?.[0];
      if (!wsUrl) throw new Error(`The server did not print its inspector URL:\n${server.stderr()}`);
      inspector = await openInspector(wsUrl);
    }
    process.stdout.write(
      `Soak: ${DIALECT}, ${flags.minutes} min, ${RATE} operations/s at most ${CONCURRENCY} at once, ` +
        `${TENANTS.length} tenants; server ${flags.source ? "from source" : "from dist"} (pid ${pid}), ` +
        `sampled every ${SAMPLE_MS / 1000} s${inspector ? " (heap after a full GC, through the inspector)" : ""}\n`,
    );
    const tenants: Tenant[] = [];
    for (const [i, id] of TENANTS.entries()) tenants.push(await setUpTenant(id, admins[i]!, receiver.url, i));
    process.stdout.write(
      `Set up: ${tenants.length} tenants × ${tenants[0]!.agents.length} agents, ` +
        `${STANDING_POLICIES.length} policies and a webhook endpoint each.\n\n${header()}\n`,
    );

    const startedAt = Date.now();
    traffic = newWindow();
    receiver.take();
    const pacer = startPacer(tenants, server.port);
    const running = server;
    let cpuBefore = sampleProcess(pid, server.port, receiver.port).cpuSeconds;
    let driverCpu = process.cpuUsage();
    const driverLoop = monitorEventLoopDelay({ resolution: 10 });
    driverLoop.enable();
    /** Waits for the sample due at `atMs` since the start and takes it: the window before it ends there. */
    const sampleAt = async (atMs: number): Promise<Sample> => {
      await new Promise((r) => setTimeout(r, Math.max(0, startedAt + atMs - Date.now())));
      if (running.child.exitCode !== null) {
        throw new Error(
          `The server exited during the run (code ${running.child.exitCode}):\n${running.stderr()}`,
        );
      }
      const window = traffic;
      traffic = newWindow();
      const heap = inspector ? await sampleHeap(inspector) : undefined;
      const proc = sampleProcess(pid, running.port, receiver.port);
      const sample: Sample = {
        atMs,
        proc,
        heap,
        sizes: await database.sizes(),
        counts: await database.counts(),
        traffic: window,
        receiver: receiver.take(),
        metricsBytes: lastMetrics.bytes,
        cpuPercent: (100 * (proc.cpuSeconds - cpuBefore)) / (SAMPLE_MS / 1000),
        driver: {
          cpuPercent: (100 * (cpuTotal(process.cpuUsage()) - cpuTotal(driverCpu))) / 1000 / SAMPLE_MS,
          loopP99Ms: driverLoop.percentile(99) / 1e6,
        },
      };
      cpuBefore = proc.cpuSeconds;
      driverCpu = process.cpuUsage();
      driverLoop.reset();
      process.stdout.write(`${row(sample)}\n`);
      for (const line of window.firstUnexpected) process.stdout.write(`    unexpected: ${line}\n`);
      return sample;
    };

    const samples: Sample[] = [];
    let snapshotTaken = false;
    for (let atMs = SAMPLE_MS; atMs <= RUN_MS; atMs += SAMPLE_MS) {
      const sample = await sampleAt(atMs);
      samples.push(sample);
      if (snapshotDir && !snapshotTaken && sample.atMs >= RUN_MS / 3) {
        snapshotTaken = true;
        server.child.kill("SIGUSR2");
      }
    }
    await pacer.stop();
    if (snapshotDir) server.child.kill("SIGUSR2");

    // The load stops; the jobs go on. Does the webhook backlog drain, and does memory come down?
    process.stdout.write(`-- load stopped: ${DRAIN_MS / 1000} s without requests --\n`);
    const drained: Sample[] = [];
    for (let atMs = RUN_MS + SAMPLE_MS; atMs <= RUN_MS + DRAIN_MS; atMs += SAMPLE_MS) {
      drained.push(await sampleAt(atMs));
    }

    printSummary(samples, drained);
  } finally {
    inspector?.close();
    if (server) {
      const code = await server.stop("SIGTERM");
      process.stdout.write(`Server stopped with exit code ${code}.\n`);
    }
    await receiver.close();
    await database.close(!flags.keep);
    if (flags.keep) process.stdout.write(`Database kept: ${database.url}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
