import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createStore } from "@intendedops/storage";
import { sql } from "kysely";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { freePort, type ServerProcess, serveCommand, spawnServer } from "./support/server-process";

const API_ROOT = fileURLToPath(new URL("../", import.meta.url));
const ADMIN = generateApiKey("default");

const dirs: string[] = [];
function databaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "intendedops-signals-"));
  dirs.push(dir);
  return join(dir, "signals.db");
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const env = (file: string) => ({
  DATABASE_URL: `file:${file}`,
  INTENDEDOPS_BOOTSTRAP_KEY: ADMIN,
  LOG_LEVEL: "info",
});

/**
 * POST /v1/agents with half its body, then `meanwhile` (a signal, a hangup), then the rest
 * `finishAfterMs` later: the request is in flight, headers and half the body read, when `meanwhile` happens.
 */
function postInFlight(
  url: string,
  name: string,
  meanwhile: () => void,
  finishAfterMs = 300,
): Promise<number> {
  const body = JSON.stringify({ name, domains: ["support"] });
  const half = Math.floor(body.length / 2);
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method: "POST",
        path: "/v1/agents",
        headers: {
          "x-api-key": ADMIN,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.write(body.slice(0, half));
    setTimeout(() => {
      meanwhile();
      setTimeout(() => req.end(body.slice(half)), finishAfterMs);
    }, 300);
  });
}

/** The database a stopped server left: closed cleanly (no -wal), intact, with what it answered. */
async function expectClosedCleanly(file: string, agentId: string): Promise<void> {
  // SQLite removes the -wal file when the last connection closes; a killed process leaves it.
  expect(existsSync(`${file}-wal`)).toBe(false);
  const store = await createStore({ url: `file:${file}`, migrate: false });
  try {
    const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
    expect(check.rows).toEqual([{ integrity_check: "ok" }]);
    const agent = await store.db.selectFrom("agents").select("id").where("id", "=", agentId).execute();
    expect(agent).toHaveLength(1);
  } finally {
    await store.close();
  }
}

/**
 * Runs `argv` on the slave side of a new pseudo-terminal, as its session leader (a shell in an ssh
 * session or a terminal window), relaying what it prints to stdout. A line on stdin closes the
 * terminal's master side: the kernel hangs the terminal up and sends SIGHUP, as when the session
 * drops. Reports on stderr, one JSON line each, the process's pid and how it ended: `{"code": n}`
 * (-n: killed by signal n).
 */
const IN_TERMINAL = `
import json, os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
sys.stderr.write(json.dumps({"pid": pid}) + "\\n")
sys.stderr.flush()
while True:
    ready = select.select([fd, 0], [], [])[0]
    if 0 in ready:
        os.close(fd)
        break
    try:
        data = os.read(fd, 65536)
    except OSError:
        data = b""
    if not data:
        break
    os.write(1, data)
status = os.waitpid(pid, 0)[1]
sys.stderr.write(json.dumps({"code": os.waitstatus_to_exitcode(status)}) + "\\n")
`;

/** `intendedops serve` in a terminal of its own; `hangUp()` closes the terminal. */
async function serveInTerminal(file: string) {
  const port = await freePort();
  const child = spawn("python3", ["-c", IN_TERMINAL, ...serveCommand("source")], {
    cwd: API_ROOT,
    env: { ...process.env, ...env(file), PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let report = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    report += chunk.toString();
  });
  const reported = (): { pid?: number; code?: number }[] =>
    report
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
  cleanups.push(() => {
    child.kill("SIGKILL");
    // The server is the terminal's process, not this one's child: a failed test ends it too.
    const pid = reported().find((line) => line.pid !== undefined)?.pid;
    try {
      if (pid !== undefined) process.kill(pid, "SIGKILL");
    } catch {
      // It has ended.
    }
  });
  const ended = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 40_000;
  for (;;) {
    const status = await fetch(`${url}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`The server did not start in its terminal.\n${output}\n${report}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    hangUp: () => child.stdin.write("hang up\n"),
    /** How the server ended, once it has: its exit code, or minus the signal that killed it. */
    exit: async () => {
      await ended;
      return reported().find((line) => line.code !== undefined)?.code;
    },
  };
}

describe("intendedops serve on SIGHUP (the terminal closed, a supervisor's stop)", () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop("SIGKILL");
    server = undefined;
  });

  it("finishes the request in flight, logs the signal and exits 0 with the database closed", async () => {
    const file = databaseFile();
    server = await spawnServer({ env: env(file) });
    const live = server;
    // Before: Node's default for SIGHUP ended the process at once (exit code null, killed by the
    // signal), the request in flight was cut and SQLite's -wal file was left behind.
    const status = await postInFlight(live.url, "Hangup Agent", () => live.child.kill("SIGHUP"));
    expect(status).toBe(201);
    expect(await live.exited).toBe(0);
    expect(live.stdout()).toMatch(/"signal":"SIGHUP".*"msg":"signal received"/);
    expect(live.stdout()).toContain('"msg":"stopped"');
    await expectClosedCleanly(file, "hangup-agent");
  }, 60_000);

  it("keeps draining when SIGHUP follows SIGINT (the window closed after Ctrl-C)", async () => {
    const file = databaseFile();
    server = await spawnServer({ env: env(file) });
    const live = server;
    const status = await postInFlight(live.url, "Patient Agent", () => {
      live.child.kill("SIGINT");
      setTimeout(() => live.child.kill("SIGHUP"), 100);
    });
    expect(status).toBe(201);
    expect(await live.exited).toBe(0);
    await expectClosedCleanly(file, "patient-agent");
  }, 60_000);

  it("drains when Ctrl-C reaches it twice at once (from the terminal, and forwarded by pnpm start)", async () => {
    const file = databaseFile();
    server = await spawnServer({ env: env(file) });
    const live = server;
    // Before: the second SIGINT, a few milliseconds after the first, exited 1 at once.
    const status = await postInFlight(live.url, "Twice Agent", () => {
      live.child.kill("SIGINT");
      // Not at once: the kernel merges a signal sent while the same one is still pending.
      setTimeout(() => live.child.kill("SIGINT"), 50);
    });
    expect(status).toBe(201);
    expect(await live.exited).toBe(0);
    await expectClosedCleanly(file, "twice-agent");
  }, 60_000);

  it("still exits 1 at once on a second SIGTERM after SIGHUP", async () => {
    server = await spawnServer({ env: env(databaseFile()) });
    const live = server;
    const answered = postInFlight(
      live.url,
      "Cut Agent",
      () => {
        live.child.kill("SIGHUP");
        // Past the 500 ms in which a repeated signal counts as the first one.
        setTimeout(() => live.child.kill("SIGTERM"), 1_000);
      },
      3_000,
    ).catch((error: unknown) => error);
    expect(await live.exited).toBe(1);
    await answered;
  }, 60_000);

  it("shuts down the same way when its terminal hangs up, although the log can no longer be written", async () => {
    const file = databaseFile();
    const terminal = await serveInTerminal(file);
    // Before: killed by the SIGHUP at once (-1). With SIGHUP handled but the log still writing to
    // the hung-up terminal, the process never exited (pino's flush at exit retried the failed write
    // forever, the database open); with the log quiet, Node 20 aborted at exit restoring the terminal.
    const status = await postInFlight(terminal.url, "Dropped Agent", () => terminal.hangUp());
    expect(status).toBe(201);
    expect(await terminal.exit()).toBe(0);
    await expectClosedCleanly(file, "dropped-agent");
  }, 60_000);
});
