import { describe, expect, it } from "vitest";
import { DIALECTS, indexNames } from "../test-fixtures";
import { useUnmigratedStore } from "../test-unmigrated-store";

const BEFORE = "202612071510_ambient_before_intentions";

describe.each(DIALECTS)("migration 202612071600_webhook_claim_indexes on %s", (dialect, open) => {
  const t = useUnmigratedStore(dialect, open);

  it("swaps the due index for the held and per-endpoint ones, and goes down and up again", async () => {
    const claimIndexes = async () =>
      (await indexNames(t.store)).filter((name) => name.startsWith("webhook_deliveries_"));
    expect((await t.migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const before = await claimIndexes();
    expect(before).toContain("webhook_deliveries_due");
    expect((await t.migrator.migrateToLatest()).error).toBeUndefined();
    const after = await claimIndexes();
    expect(after).toEqual(
      expect.arrayContaining([
        "webhook_deliveries_held",
        "webhook_deliveries_pending_by_due",
        "webhook_deliveries_pending_by_endpoint",
      ]),
    );
    expect(after).not.toContain("webhook_deliveries_due");
    expect((await t.migrator.migrateTo(BEFORE)).error).toBeUndefined();
    expect(await claimIndexes()).toEqual(before);
    expect((await t.migrator.migrateToLatest()).error).toBeUndefined();
  });
});
