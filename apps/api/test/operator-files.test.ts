import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "./support/server-process";

const API_ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts"];
/** Under the umask most systems give services, as the files' modes depend on it. */
const UMASK_022 = ["-c", 'umask 022 && exec "$@"', "sh", process.execPath, ...CLI];

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "intendedops-operator-files-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

function cli(env: Record<string, string>, args: string[], prefix: string[] = []) {
  const [command, ...rest] = prefix.length > 0 ? [...prefix, process.execPath, ...CLI] : ["sh", ...UMASK_022];
  const result = spawnSync(command!, [...rest, ...args], {
    cwd: API_ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", PORT: "0", ...env },
    encoding: "utf8",
    // A serve that does not refuse keeps running: the timeout ends it (status null).
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let server: ChildProcess | undefined;
afterEach(() => {
  server?.kill("SIGKILL");
  server = undefined;
});

/** `serve` under umask 022 until /health answers; resolves to what it printed so far. */
async function serveUntilHealthy(databaseUrl: string): Promise<() => string> {
  const port = await freePort();
  server = spawn("sh", [...UMASK_022, "serve"], {
    cwd: API_ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: "warn",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  server.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return () => out;
    if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the SQLite files at rest", () => {
  it("creates the data directory 0700 and the database, -wal and -shm files 0600 under umask 022", async () => {
    const dir = tempDir();
    const file = join(dir, "data", "nested", "intendedops.db");
    await serveUntilHealthy(`file:${file}`);
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect({
      data: mode(join(dir, "data")),
      nested: mode(join(dir, "data", "nested")),
      db: mode(file),
      wal: mode(`${file}-wal`),
      shm: mode(`${file}-shm`),
    }).toEqual({ data: "700", nested: "700", db: "600", wal: "600", shm: "600" });
  });

  it("warns at start when an existing database file is readable by every user", async () => {
    const file = join(tempDir(), "old.db");
    expect(cli({ DATABASE_URL: `file:${file}` }, ["migrate"]).code).toBe(0);
    chmodSync(file, 0o644);
    const output = await serveUntilHealthy(`file:${file}`);
    await expect.poll(output).toContain("the database file is readable by every local user");
    const line = JSON.parse(
      output()
        .split("\n")
        .find((l) => l.includes("readable by every local user"))!,
    );
    expect(line).toMatchObject({ level: 40, file, mode: "644" });
  });

  it("refuses to serve a database file it cannot write, in one line, instead of answering every write 500", () => {
    const dir = tempDir();
    const file = join(dir, "ro.db");
    expect(cli({ DATABASE_URL: `file:${file}` }, ["migrate"]).code).toBe(0);
    chmodSync(file, 0o444);
    // root writes any file: run as nobody there (setpriv), as ourselves elsewhere.
    let prefix: string[] = [];
    if (process.getuid?.() === 0) {
      if (spawnSync("setpriv", ["--version"]).status !== 0) return;
      chownSync(dir, 65_534, 65_534);
      chownSync(file, 65_534, 65_534);
      prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    }
    const result = cli({ DATABASE_URL: `file:${file}` }, ["serve"], prefix);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Cannot open the database at DATABASE_URL (file:${file}): the file is read-only for this user (EACCES); the server must write it\n`,
    );
  });
});
