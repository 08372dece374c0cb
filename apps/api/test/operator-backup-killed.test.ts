import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createStore } from "@intendedops/storage";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { removedAfterAll } from "./support/killed-process-leftovers";
import { type ServerProcess, spawnServer } from "./support/server-process";

/**
 * `intendedops backup <path>` killed with SIGKILL (OOM killer, a node reboot, a supervisor's
 * timeout) must not leave at <path> a file that looks like a backup but is not one: an operator
 * who later restores "the backup" would start an empty or truncated installation without a word.
 */

const API_ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts"];
const ADMIN = generateApiKey("bkp");

const dir = mkdtempSync(join(tmpdir(), "intendedops-backup-killed-"));
const source = join(dir, "live.db");
const { servers, children, dirs } = removedAfterAll();
dirs.push(dir);
let agentsInSource = 0;
let intentsInSource = 0;

async function api(server: ServerProcess, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "x-api-key": ADMIN, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { data: Record<string, unknown> } };
}

/** Rows the store's own tables hold in `file`, or undefined when it has no such tables. */
async function census(
  file: string,
): Promise<{ agents: number; intents: number; integrity: string } | undefined> {
  const store = await createStore({ url: `file:${file}`, migrate: false, checkpointIntervalMs: 0 });
  try {
    const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(store.db);
    const integrity = check.rows.map((r) => r.integrity_check).join("; ");
    try {
      const agents = await sql<{ n: number }>`select count(*) as n from agents`.execute(store.db);
      const intents = await sql<{ n: number }>`select count(*) as n from intents`.execute(store.db);
      return { agents: Number(agents.rows[0]!.n), intents: Number(intents.rows[0]!.n), integrity };
    } catch {
      return { agents: -1, intents: -1, integrity };
    }
  } finally {
    await store.close();
  }
}

/** The file the backup is writing: the target, or the partial copy it is written as first. */
function beingWritten(target: string): string | undefined {
  if (existsSync(target)) return target;
  const partial = readdirSync(dir).find((name) => name.startsWith(`${basename(target)}.partial-`));
  return partial === undefined ? undefined : join(dir, partial);
}

/** Starts `intendedops backup target` and SIGKILLs it once `ready(size)` holds for the file it writes. */
async function killBackupWhen(target: string, ready: (size: number) => boolean): Promise<number> {
  const child = spawn(process.execPath, [...CLI, "backup", target], {
    cwd: API_ROOT,
    env: { ...process.env, DATABASE_URL: `file:${source}`, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  for (;;) {
    if (done) throw new Error("the backup finished before it could be killed: make the source larger");
    const file = beingWritten(target);
    if (file !== undefined && existsSync(file)) {
      const size = statSync(file).size;
      if (ready(size)) {
        child.kill("SIGKILL");
        await exited;
        return size;
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("intendedops backup killed with SIGKILL", () => {
  beforeAll(async () => {
    const server = await spawnServer({
      env: { DATABASE_URL: `file:${source}`, INTENDEDOPS_BOOTSTRAP_KEY: ADMIN, LOG_LEVEL: "warn" },
    });
    servers.push(server);
    expect(
      (
        await api(server, "/v1/agents", {
          name: "Billing Agent",
          domains: ["billing"],
          intentTypes: ["billing.*"],
        })
      ).status,
    ).toBe(201);
    for (let i = 0; i < 20; i++) {
      const submitted = await api(server, "/v1/intents", {
        type: "billing.send_invoice",
        agentId: "billing-agent",
        params: { customerId: `cust_${i}`, amount: 10 + i },
      });
      expect(submitted.status).toBe(201);
    }
    expect(await server.stop("SIGTERM")).toBe(0);
    // Bulk, so the copy takes long enough to be caught half way (a tenant with a year of data is
    // gigabytes: docs/storage.md).
    const store = await createStore({ url: `file:${source}`, migrate: false, checkpointIntervalMs: 0 });
    try {
      await sql`create table bulk (b blob)`.execute(store.db);
      await sql`with recursive c(x) as (select 1 union all select x + 1 from c where x < 1500)
        insert into bulk select randomblob(65536) from c`.execute(store.db);
    } finally {
      await store.close();
    }
    const before = await census(source);
    agentsInSource = before!.agents;
    intentsInSource = before!.intents;
    expect(before).toEqual({ agents: 1, intents: 20, integrity: "ok" });
  }, 120_000);

  it("killed as soon as it starts writing, leaves no file at the target that opens as a database", async () => {
    const target = join(dir, "early.db");
    const size = await killBackupWhen(target, () => true);
    const left = existsSync(target) ? await census(target) : undefined;
    // What an operator restoring this "backup" gets: a server that starts and answers healthy.
    let restored = "no file to restore";
    if (left !== undefined) {
      const server = await spawnServer({ env: { DATABASE_URL: `file:${target}`, LOG_LEVEL: "warn" } });
      servers.push(server);
      const health = await fetch(`${server.url}/health`);
      const agents = await fetch(`${server.url}/v1/agents`, { headers: { "x-api-key": ADMIN } });
      restored = `a server started on it answers /health ${health.status} and refuses the source's admin key (${agents.status})`;
      await server.stop("SIGTERM");
    }
    // An empty file at the target is an empty, valid SQLite database: a server started on it
    // migrates it and serves an empty installation.
    expect(
      left === undefined || (left.agents === agentsInSource && left.intents === intentsInSource),
      `killed with ${size} bytes written, the target holds ${JSON.stringify(left)} (source: ${agentsInSource} agents, ${intentsInSource} intents); ${restored}`,
    ).toBe(true);
  }, 60_000);

  it("killed while VACUUM INTO writes, leaves no partial file at the target", async () => {
    const target = join(dir, "partial.db");
    const size = await killBackupWhen(target, (bytes) => bytes > 8 * 1024 * 1024);
    const left = existsSync(target)
      ? await census(target).catch((error: Error) => ({ error: error.message }))
      : undefined;
    expect(
      left === undefined ||
        ("agents" in left &&
          left.integrity === "ok" &&
          left.agents === agentsInSource &&
          left.intents === intentsInSource),
      `killed with ${size} bytes written, the target holds ${JSON.stringify(left)}`,
    ).toBe(true);
  }, 60_000);
});
