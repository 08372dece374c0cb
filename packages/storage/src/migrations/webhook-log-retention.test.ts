import { describe, expect, it } from "vitest";
import { DIALECTS, indexNames } from "../test-fixtures";
import { useUnmigratedStore } from "../test-unmigrated-store";

const BEFORE = "202612071300_read_indexes";

describe.each(DIALECTS)("migration 202612071400_webhook_log_retention on %s", (dialect, open) => {
  const t = useUnmigratedStore(dialect, open);

  it("adds the settled-deliveries index, and goes down and up again", async () => {
    expect((await t.migrator.migrateTo(BEFORE)).error).toBeUndefined();
    expect(await indexNames(t.store)).not.toContain("webhook_deliveries_completed");
    expect((await t.migrator.migrateToLatest()).error).toBeUndefined();
    expect(await indexNames(t.store)).toContain("webhook_deliveries_completed");
    expect((await t.migrator.migrateTo(BEFORE)).error).toBeUndefined();
    expect(await indexNames(t.store)).not.toContain("webhook_deliveries_completed");
    expect((await t.migrator.migrateToLatest()).error).toBeUndefined();
  });
});
