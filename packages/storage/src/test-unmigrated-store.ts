import type { Migrator } from "kysely";
import { afterAll, beforeAll } from "vitest";
import type { StoreOptions } from "./create-store";
import type { KyselyStore } from "./kysely-store";
import { type TestStore, testMigrator } from "./test-fixtures";

/*
 * Vitest hooks for migration tests, kept apart from test-fixtures so the bench scripts, which run
 * outside vitest, can build their data with those fixtures.
 */

/** What a migration test works on: a store opened without migrations, and a migrator for it. */
export interface UnmigratedStore {
  readonly store: KyselyStore;
  readonly migrator: Migrator;
}

/**
 * Opens a store without migrations before the suite and disposes of it after; the tests move it
 * between migrations with `migrator`. Call it inside a `describe`.
 * @example const t = useUnmigratedStore(dialect, open); … await t.migrator.migrateTo(BEFORE)
 */
export function useUnmigratedStore(
  dialect: string,
  open: (options?: StoreOptions) => Promise<TestStore>,
): UnmigratedStore {
  let ctx: TestStore | undefined;
  const opened = {} as { store: KyselyStore; migrator: Migrator };
  beforeAll(async () => {
    ctx = await open({ migrate: false });
    opened.store = ctx.store;
    opened.migrator = testMigrator(dialect, ctx);
  });
  afterAll(() => ctx?.dispose());
  return opened;
}
