import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const API_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Run the real CLI from source (as the server tests do) on a SQLite file of its own. */
function cli(databaseUrl: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts", ...args],
    {
      cwd: API_ROOT,
      // PORT 0: should `serve` ever start here again, it takes a free port rather than 3000.
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", PORT: "0" },
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    firstError: result.stderr.split("\n")[0],
  };
}

describe("intendedops keys: the CLI applies the API's rules and refuses stray arguments", () => {
  let dir: string;
  let url: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "intendedops-cli-"));
    url = `file:${join(dir, "cli.db")}`;
    expect(cli(url, "migrate").code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("stores each scope once, as POST /v1/api-keys does", () => {
    const created = cli(
      url,
      "keys",
      "create",
      "--tenant",
      "acme",
      "--scopes",
      "agent,agent,read_only",
      "--name",
      "dup",
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("(agent, read_only)");
    const [key] = JSON.parse(cli(url, "keys", "list", "--tenant", "acme", "--json").stdout);
    expect(key.scopes).toEqual(["agent", "read_only"]);
  });

  it.each([
    ["a 201-character name", ["--name", "x".repeat(201)], "--name: name must be at most 200 characters"],
    [
      "a rate limit above the API's",
      ["--name", "n", "--rate-limit", "10000001"],
      "--rate-limit: rateLimitPerMinute must be at most 10000000",
    ],
    [
      "a rate limit in exponent form",
      ["--name", "n", "--rate-limit", "1e3"],
      "--rate-limit must be a positive whole number (requests per minute)",
    ],
    ["a stray argument", ["--name", "n", "stray"], 'keys create: unexpected argument "stray"'],
  ])("keys create with %s fails with one line naming the flag", (_label, extra, message) => {
    const result = cli(url, "keys", "create", "--tenant", "acme", "--scopes", "agent", ...extra);
    expect(result.code).toBe(1);
    expect(result.firstError).toBe(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [["keys", "list", "stray"], 'keys list: unexpected argument "stray"'],
    [["keys", "revoke", "--tenant", "acme", "key_a", "key_b"], 'keys revoke: unexpected argument "key_b"'],
    [["migrate", "--tenant", "acme"], 'migrate: unexpected argument "--tenant"'],
    [["serve", "--port", "3000"], 'serve: unexpected argument "--port"'],
  ])("%j refuses what it would otherwise ignore", (args, message) => {
    const result = cli(url, ...args);
    expect(result.code).toBe(1);
    expect(result.firstError).toBe(message);
  });

  it.each([
    [["keys", "list", "--tenant", "acme", "--scopes", "admin"], "--scopes"],
    [["keys", "list", "--tenant", "acme", "--name", "dup"], "--name"],
    [["keys", "create", "--tenant", "acme", "--scopes", "agent", "--name", "n", "--json"], "--json"],
    [["keys", "revoke", "--tenant", "acme", "--scopes", "x", "key_a"], "--scopes"],
  ])("%j refuses an option only another keys action takes", (args, option) => {
    const result = cli(url, ...args);
    expect(result.code).toBe(1);
    expect(result.firstError).toContain(`Unknown option '${option}'`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
