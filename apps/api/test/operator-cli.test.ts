import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const API_ROOT = fileURLToPath(new URL("../", import.meta.url));

function cli(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts", ...args],
    {
      cwd: API_ROOT,
      // Nothing here may touch a database: an in-memory one, should a command run after all.
      env: { ...process.env, DATABASE_URL: "file::memory:", LOG_LEVEL: "silent", PORT: "0" },
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("intendedops --help", () => {
  it.each([
    [["serve", "--help"]],
    [["migrate", "-h"]],
    [["backup", "--help"]],
    [["keys", "--help"]],
    [["keys", "create", "--help"]],
    [["keys", "revoke", "--tenant", "acme", "-h"]],
    [["--help"]],
    [["help"]],
  ])("%j prints the usage on stdout and exits 0", (args) => {
    const result = cli(...args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: intendedops <command> \[options\]\n/);
    expect(result.stdout).toContain("backup <path>");
    expect(result.stdout).toMatch(/keys create .*\[--json\]/);
    expect(result.stdout).toContain("keys revoke --tenant <id> <keyId> [--json]");
    expect(result.stderr).toBe("");
  });

  it("no command at all is an error: the usage goes to stderr, exit 1", () => {
    const result = cli();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Usage: intendedops <command> \[options\]\n/);
  });
});
