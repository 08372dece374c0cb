import type { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS, indexNames, type TestStore, testMigrator } from "../test-fixtures";

const BEFORE = "202612071300_read_indexes";

describe.each(DIALECTS)("migration 202612071400_webhook_log_retention on %s", (dialect, open) => {
  let ctx: TestStore;
  let migrator: Migrator;

  beforeAll(async () => {
    ctx = await open({ migrate: false });
    migrator = testMigrator(dialect, ctx);
  });
  afterAll(() => ctx.dispose());

  it("adds the settled-deliveries index, and goes down and up again", async () => {
    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    expect(await indexNames(ctx.store)).not.toContain("webhook_deliveries_completed");
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await indexNames(ctx.store)).toContain("webhook_deliveries_completed");
    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    expect(await indexNames(ctx.store)).not.toContain("webhook_deliveries_completed");
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
  });
});
