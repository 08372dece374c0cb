import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore } from "../create-store";
import { makeAgent } from "../test-fixtures";

/** Polls until `check` holds or the time is up; returns whether it held. */
async function eventually(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

describe("SQLite checkpointer", () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "intendedops-checkpoint-"));
    file = join(dir, "store.db");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("copies committed pages into the database file from its worker when the writer never checkpoints", async () => {
    const store = await createStore({ url: `file:${file}`, checkpointIntervalMs: 20 });
    try {
      const before = statSync(file).size;
      // Far below the writer's own automatic checkpoint threshold (10,000 pages).
      await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          store.transaction((tx) =>
            tx.agents.insert(makeAgent("tenant-ckpt", `agent-${i}`, { description: "x".repeat(500) })),
          ),
        ),
      );
      expect(await eventually(() => statSync(file).size > before + 100_000)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("leaves the WAL to SQLite when the interval is 0", async () => {
    const store = await createStore({ url: `file:${file}`, checkpointIntervalMs: 0 });
    try {
      const before = statSync(file).size;
      await store.transaction(async (tx) => {
        for (let i = 0; i < 100; i++) {
          await tx.agents.insert(makeAgent("tenant-ckpt", `agent-${i}`, { description: "x".repeat(500) }));
        }
      });
      await sleep(200);
      expect(statSync(file).size).toBe(before);
    } finally {
      await store.close();
    }
  });

  it("stops its worker before the store closes so the last connection removes the WAL", async () => {
    const store = await createStore({ url: `file:${file}`, checkpointIntervalMs: 20 });
    await store.transaction((tx) => tx.agents.insert(makeAgent("tenant-ckpt", "agent-1")));
    expect(existsSync(`${file}-wal`)).toBe(true);
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it("keeps the process alive until the store has closed when nothing else is pending", () => {
    // Regression: the worker is unreferenced while it runs; awaiting its exit must hold the process.
    const entry = fileURLToPath(new URL("../index.ts", import.meta.url));
    const script = [
      `import { createStore } from ${JSON.stringify(entry)};`,
      `const store = await createStore({ url: ${JSON.stringify(`file:${file}`)} });`,
      "await store.close();",
      'process.stdout.write("closed");',
    ].join("\n");
    const output = execFileSync(
      process.execPath,
      ["--import", "tsx", "--conditions=@intendedops/source", "--input-type=module", "-e", script],
      // From the package, so `--import tsx` resolves when vitest runs from the repository root too.
      { encoding: "utf8", timeout: 15_000, cwd: fileURLToPath(new URL("../..", import.meta.url)) },
    );
    expect(output).toBe("closed");
  });
});
