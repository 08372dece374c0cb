import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { removedAfterAll } from "./support/killed-process-leftovers";
import { openProcessDatabase } from "./support/process-database";
import { spawnServer } from "./support/server-process";

/**
 * `intendedops migrate` (and the first `serve`, which migrates the same way) killed with SIGKILL
 * while it migrates a fresh database: the next run must find a database it can use — either
 * migrated completely or not at all — and a server started on it must serve and audit.
 */

const API_ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts"];
const ADMIN = generateApiKey("mig");

const dir = mkdtempSync(join(tmpdir(), "intendedops-migrate-killed-"));
const { children, servers, drops, dirs } = removedAfterAll();
dirs.push(dir);

/** Whether the migration is under way: SQLite's WAL exists; PostgreSQL's migration lock is held. */
async function migrating(dialect: "sqlite" | "postgres", url: string): Promise<boolean> {
  if (dialect === "sqlite") return existsSync(`${url.slice("file:".length)}-wal`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const held = await client.query(
      "select 1 from pg_locks l join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and a.datname = current_database() and l.granted",
    );
    return held.rowCount !== null && held.rowCount > 0;
  } finally {
    await client.end();
  }
}

function migrateSync(url: string) {
  const result = spawnSync(process.execPath, [...CLI, "migrate"], {
    cwd: API_ROOT,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.each(["sqlite", "postgres"] as const)("SIGKILL during the first migration on %s", (dialect) => {
  it("leaves a database the next migrate completes and a server then serves", async () => {
    const outcomes: string[] = [];
    for (const delayMs of [0, 60]) {
      const database = await openProcessDatabase(dialect, dir, `mig${delayMs}`);
      drops.push(database.drop);
      const child = spawn(process.execPath, [...CLI, "migrate"], {
        cwd: API_ROOT,
        env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: "silent" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      let done = false;
      void exited.then(() => {
        done = true;
      });
      while (!done && !(await migrating(dialect, database.url))) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill("SIGKILL");
      await exited;
      const again = migrateSync(database.url);
      outcomes.push(
        `${delayMs}ms: first ${child.signalCode ?? `exit ${child.exitCode}`} ${out.trim()} | again ${again.code} ${again.stdout.trim()}${again.stderr.trim()}`,
      );
      expect(again.code, outcomes.at(-1)).toBe(0);

      // The last database is also started as a server and used.
      if (delayMs === 60) {
        const server = await spawnServer({
          env: { DATABASE_URL: database.url, INTENDEDOPS_BOOTSTRAP_KEY: ADMIN, LOG_LEVEL: "warn" },
        });
        servers.push(server);
        const post = (path: string, body: unknown) =>
          fetch(`${server.url}${path}`, {
            method: "POST",
            headers: { "x-api-key": ADMIN, "content-type": "application/json" },
            body: JSON.stringify(body),
          });
        expect((await post("/v1/agents", { name: "Billing Agent", domains: ["billing"] })).status).toBe(201);
        expect(
          (
            await post("/v1/intents", {
              type: "billing.send_invoice",
              agentId: "billing-agent",
              params: { customerId: "c", amount: 5 },
              idempotencyKey: "k1",
            })
          ).status,
        ).toBe(201);
        const verify = (await (
          await fetch(`${server.url}/v1/audit/verify`, { headers: { "x-api-key": ADMIN } })
        ).json()) as { data: { valid: boolean; eventCount: number } };
        expect(verify.data).toMatchObject({ valid: true, eventCount: 3 });
      }
    }
    console.log(outcomes.join("\n"));
  }, 60_000);
});
