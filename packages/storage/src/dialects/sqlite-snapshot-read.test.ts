import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore } from "../create-store";
import type { KyselyStore } from "../kysely-store";
import { makeAgent } from "../test-fixtures";

const TENANT = "tenant-snapshot";

/**
 * The store's snapshot reads (`read(fn, { snapshot: true })`: GET /v1/stats, an agent's metrics) on
 * SQLite are a deferred transaction whose first read fixes the snapshot in WAL mode. Regression:
 * they began with BEGIN IMMEDIATE like every write, so with two server processes on one file a
 * snapshot read waited for the other's write lock (and failed as busy), and held it while it ran.
 */
describe("SQLite snapshot reads", () => {
  let dir: string;
  let file: string;
  const stores: KyselyStore[] = [];
  const others: BetterSqlite3.Database[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "review-snapshot-"));
    file = join(dir, "snap.db");
  });
  afterEach(async () => {
    for (const other of others.splice(0)) {
      if (other.inTransaction) other.exec("rollback");
      other.close();
    }
    await Promise.all(stores.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads a snapshot while another process holds the write lock (WAL readers need no lock)", async () => {
    const store = await createStore({ url: `file:${file}`, busyTimeoutMs: 200 });
    stores.push(store);
    await store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "agent-a")));

    // Another server process on the same file, in the middle of a write transaction.
    const other = new BetterSqlite3(file);
    others.push(other);
    other.exec("begin immediate");

    // A plain read works: WAL lets readers run beside the writer.
    expect(await store.read((tx) => tx.agents.countActive(TENANT))).toBe(1);
    // The snapshot read of GET /v1/stats and GET /v1/agents/:id/metrics should too.
    const counted = await store
      .read((tx) => tx.agents.countActive(TENANT), { snapshot: true })
      .then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error: String(error) }),
      );
    expect(counted).toEqual({ ok: true, value: 1 });
  });

  it("keeps one snapshot while another process commits in between, and leaves it free to write", async () => {
    const store = await createStore({ url: `file:${file}`, busyTimeoutMs: 200 });
    // Another server process on the same file: its own store and connection.
    const other = await createStore({ url: `file:${file}`, busyTimeoutMs: 200 });
    stores.push(store, other);
    await store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "agent-a")));
    const counts = await store.read(
      async (tx) => {
        const before = await tx.agents.countActive(TENANT);
        // The other process writes and commits while the snapshot is open: it took no lock.
        await other.transaction((otx) => otx.agents.insert(makeAgent(TENANT, "agent-b")));
        return [before, await tx.agents.countActive(TENANT)];
      },
      { snapshot: true },
    );
    expect(counts).toEqual([1, 1]);
    expect(await store.read((tx) => tx.agents.countActive(TENANT))).toBe(2);
  });
});
