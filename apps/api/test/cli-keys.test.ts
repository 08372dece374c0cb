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

/** `keys create` in tenant `acme` with `scopes` and `name`, then `extra` flags. */
function createKey(databaseUrl: string, scopes: string, name: string, ...extra: string[]) {
  return cli(databaseUrl, "keys", "create", "--tenant", "acme", "--scopes", scopes, "--name", name, ...extra);
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
    const created = createKey(url, "agent,agent,read_only", "dup");
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
    [["keys", "list", "--tenant", "acme", "--rate-limit", "5"], "--rate-limit"],
    [["keys", "revoke", "--tenant", "acme", "--scopes", "x", "key_a"], "--scopes"],
  ])("%j refuses an option only another keys action takes", (args, option) => {
    const result = cli(url, ...args);
    expect(result.code).toBe(1);
    expect(result.firstError).toContain(`Unknown option '${option}'`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // Two or three CLI runs each: more than the default timeout allows on a busy machine.
  describe("--json, for provisioning scripts", { timeout: 60_000 }, () => {
    it("keys create prints one JSON object: the key's fields and, once, the key itself", () => {
      const created = createKey(url, "agent", "ci bot", "--rate-limit", "600", "--json");
      expect(created.code).toBe(0);
      expect(created.stderr).toBe("");
      // Before: "Unknown option '--json'", so a script had to scrape the key out of a sentence.
      const printed = JSON.parse(created.stdout);
      expect(printed).toEqual({
        id: expect.stringMatching(/^key_/),
        name: "ci bot",
        tenantId: "acme",
        scopes: ["agent"],
        keyPrefix: expect.any(String),
        rateLimitPerMinute: 600,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        lastUsedAt: null,
        revokedAt: null,
        key: expect.stringMatching(/^intendedops_acme_/),
      });
      expect(printed.key.startsWith(printed.keyPrefix)).toBe(true);
      expect(created.stdout.split(printed.key)).toHaveLength(2);
      const listed = JSON.parse(cli(url, "keys", "list", "--tenant", "acme", "--json").stdout);
      expect(listed.find((k: { id: string }) => k.id === printed.id)).toMatchObject({ name: "ci bot" });
      expect(JSON.stringify(listed)).not.toContain(printed.key);
    });

    it("keys create prints a key without a rate limit with rateLimitPerMinute null", () => {
      const created = createKey(url, "read_only", "reader", "--json");
      expect(created.code).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ scopes: ["read_only"], rateLimitPerMinute: null });
    });

    it("keys revoke prints the revoked key, and whether it was revoked before", () => {
      const { id } = JSON.parse(createKey(url, "agent", "gone", "--json").stdout);
      const revoked = cli(url, "keys", "revoke", "--tenant", "acme", id, "--json");
      expect(revoked.code).toBe(0);
      expect(revoked.stderr).toBe("");
      const first = JSON.parse(revoked.stdout);
      expect(first).toMatchObject({ id, name: "gone", tenantId: "acme", alreadyRevoked: false });
      expect(first.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(first).not.toHaveProperty("key");
      const again = JSON.parse(cli(url, "keys", "revoke", "--tenant", "acme", "--json", id).stdout);
      expect(again).toEqual({ ...first, alreadyRevoked: true });
    });

    it("keeps the human output without --json", () => {
      const created = createKey(url, "agent", "human");
      const [line, keyLine] = created.stdout.split("\n");
      expect(line).toMatch(/^Created API key key_\S+ \(agent\) in tenant acme, in \S+\.$/);
      expect(keyLine).toMatch(/^Key \(shown once, store it now\): intendedops_acme_\S+$/);
      const id = line?.split(" ")[3] ?? "";
      // Both name the database, so a key made in another one (another directory) is noticed.
      const where = / in (\S+)\.$/.exec(line ?? "")?.[1];
      expect(cli(url, "keys", "list", "--tenant", "acme").stdout.split("\n")[0]).toBe(
        `API keys of tenant acme, in ${where}:`,
      );
      expect(cli(url, "keys", "revoke", "--tenant", "acme", id).stdout).toBe(`Revoked ${id}.\n`);
    });

    it.each([
      [["keys", "revoke", "--tenant", "acme", "key_missing", "--json"], "No key key_missing in tenant acme"],
      [
        [
          "keys",
          "create",
          "--tenant",
          "acme",
          "--scopes",
          "agent",
          "--name",
          "n",
          "--rate-limit",
          "0",
          "--json",
        ],
        "--rate-limit must be a positive whole number (requests per minute)",
      ],
      [["keys", "create", "--tenant", "acme", "--scopes", "agent", "--json"], "--name is required"],
    ])("%j fails as without --json: one line on stderr, nothing on stdout, exit 1", (args, message) => {
      const result = cli(url, ...args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.firstError).toBe(message);
    });
  });
});
