import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createStore } from "@intendedops/storage";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { type ServerProcess, spawnServer } from "./support/server-process";

const API_ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts"];
const run = promisify(execFile);

const dir = mkdtempSync(join(tmpdir(), "intendedops-operator-backup-"));
const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop("SIGKILL")));
  rmSync(dir, { recursive: true, force: true });
});

function cliSync(databaseUrl: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: API_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function api(server: ServerProcess, key: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { data: Record<string, unknown> } };
}

describe("intendedops backup", () => {
  it("takes a sound, verifiable copy of a SQLite database while the server is taking writes", async () => {
    const source = join(dir, "live.db");
    const server = await spawnServer({
      env: { DATABASE_URL: `file:${source}`, RATE_LIMIT_PER_MINUTE: "10000000" },
    });
    servers.push(server);
    const key = /intendedops_default_\w+/.exec(server.stdout())![0];
    const agent = await api(server, key, "/v1/agents", {
      name: "Billing Agent",
      domains: ["billing"],
      intentTypes: ["billing.*"],
    });
    expect(agent.status).toBe(201);

    let acked = 0;
    let writing = true;
    const submit = {
      type: "billing.send_invoice",
      domain: "billing",
      agentId: "billing-agent",
      params: { customerId: "cust_1", amount: 100 },
    };
    const workers = Array.from({ length: 16 }, async () => {
      while (writing) {
        if ((await api(server, key, "/v1/intents", submit)).status === 201) acked += 1;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ackedBefore = acked;
    const target = join(dir, "copy.db");
    const backup = await run(process.execPath, [...CLI, "backup", target], {
      cwd: API_ROOT,
      env: { ...process.env, DATABASE_URL: `file:${source}`, LOG_LEVEL: "silent" },
    });
    const ackedDuring = acked - ackedBefore;
    writing = false;
    await Promise.all(workers);
    expect(ackedBefore).toBeGreaterThan(0);
    // The server kept writing while the copy was taken.
    expect(ackedDuring).toBeGreaterThan(0);
    expect(backup.stdout).toMatch(
      new RegExp(`^Backed up file:${source} to ${target} \\(\\d+ bytes\\)\\.\\n$`),
    );
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const copy = await createStore({ url: `file:${target}`, migrate: false });
    try {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(copy.db);
      expect(check.rows).toEqual([{ integrity_check: "ok" }]);
    } finally {
      await copy.close();
    }

    // A server started from the copy finds every write acknowledged before the backup began, and
    // its audit chain verifies.
    const restored = await spawnServer({ env: { DATABASE_URL: `file:${target}` } });
    servers.push(restored);
    const verify = await api(restored, key, "/v1/audit/verify");
    expect(verify.body.data).toMatchObject({ valid: true });
    const intents = await api(restored, key, "/v1/intents?pageSize=1");
    expect(intents.body.data.total as number).toBeGreaterThanOrEqual(ackedBefore);
  }, 120_000);

  it("never overwrites an existing file", () => {
    const source = join(dir, "small.db");
    expect(cliSync(`file:${source}`, "migrate").code).toBe(0);
    const target = join(dir, "taken.db");
    writeFileSync(target, "keep me");
    const result = cliSync(`file:${source}`, "backup", target);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Cannot write the backup to ${target}: the file exists (a backup never overwrites one)\n`,
    );
    expect(readFileSync(target, "utf8")).toBe("keep me");
  });

  it.each([
    [
      "a PostgreSQL database, pointing to pg_dump",
      "postgres://postgres@127.0.0.1:1/x",
      "intendedops backup copies an SQLite database; back up PostgreSQL with pg_dump (see docs/operations.md)",
    ],
    ["an in-memory database", "file::memory:", "DATABASE_URL is an in-memory database: nothing to back up"],
    [
      "a database file that does not exist (rather than creating an empty one)",
      `file:${join(dir, "missing.db")}`,
      `Cannot back up: there is no database at DATABASE_URL (file:${join(dir, "missing.db")})`,
    ],
  ])("refuses %s in one line", (_label, url, message) => {
    const result = cliSync(url, "backup", join(dir, "never.db"));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${message}\n`);
    expect(existsSync(join(dir, "never.db"))).toBe(false);
    expect(existsSync(join(dir, "missing.db"))).toBe(false);
  });
});
