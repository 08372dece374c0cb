import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStore } from "./create-store";
import type { KyselyStore } from "./kysely-store";
import { DIALECTS } from "./test-fixtures";

const FUTURE = "209901010000_from_a_newer_version";

async function recordFutureMigration(store: KyselyStore): Promise<void> {
  await store.db
    .withTables<{ kysely_migration: { name: string; timestamp: string } }>()
    .insertInto("kysely_migration")
    .values({ name: FUTURE, timestamp: new Date().toISOString() })
    .execute();
}

describe.each(DIALECTS)("migrateToLatest (%s)", (_name, open) => {
  it("says the database comes from a newer version when it lists a migration this code lacks (regression: 'corrupted migrations')", async () => {
    const { store, dispose } = await open();
    try {
      await recordFutureMigration(store);
      const failure = await store.migrate().then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure?.message).toMatch(/migrated by a newer version of IntendedOps/);
      expect(failure?.message).toContain(FUTURE);
      expect(failure?.message).not.toMatch(/corrupted/);
    } finally {
      await dispose();
    }
  });

  it("is a no-op on an up-to-date database", async () => {
    const { store, dispose } = await open();
    try {
      await expect(store.migrate()).resolves.toEqual([]);
    } finally {
      await dispose();
    }
  });
});

describe("createStore on a database from a newer version", () => {
  it("refuses to open the SQLite file, naming the unknown migration", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-migrate-"));
    try {
      const url = `file:${join(dir, "newer.db")}`;
      const first = await createStore({ url });
      await recordFutureMigration(first);
      await first.close();
      await expect(createStore({ url })).rejects.toThrow(new RegExp(`newer version.*${FUTURE}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
