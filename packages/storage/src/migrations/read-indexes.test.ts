import { describe, expect, it } from "vitest";
import { DIALECTS, indexNames, makeAgent, makeIntent, randomSuffix } from "../test-fixtures";
import { useUnmigratedStore } from "../test-unmigrated-store";

const BEFORE = "202612071200_inbound_presettled";
const READ_INDEXES = "202612071300_read_indexes";

describe.each(DIALECTS)("migration 202612071300_read_indexes on %s", (dialect, open) => {
  const t = useUnmigratedStore(dialect, open);

  it("replaces the list indexes over the rows already stored, and goes down and up again", async () => {
    expect((await t.migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const before = await indexNames(t.store);
    expect(before).toEqual(expect.arrayContaining(["intents_status", "intents_agent", "audit_events_time"]));
    const tenantId = `t-${randomSuffix()}`;
    await t.store.transaction(async (tx) => {
      await tx.tenants.ensure(tenantId);
      await tx.agents.insert(makeAgent(tenantId, "a1"));
      await tx.intents.insert(makeIntent(tenantId, `int_${tenantId}`, "a1", { status: "failed" }));
    });

    expect((await t.migrator.migrateTo(READ_INDEXES)).error).toBeUndefined();
    const after = await indexNames(t.store);
    expect(after).toEqual(
      expect.arrayContaining([
        "intents_status_page",
        "intents_agent_page",
        "intents_type_page",
        "intents_domain_page",
        "audit_events_time_seq",
        "approvals_status_page",
        "approvals_page",
        "value_records_agent_category",
        "value_records_category",
      ]),
    );
    expect(after).not.toContain("intents_status");
    expect(after).not.toContain("intents_agent");
    expect(after).not.toContain("audit_events_time");
    const page = await t.store.read((tx) =>
      tx.intents.list(tenantId, { domain: "billing", status: "failed" }, { page: 1, pageSize: 10 }),
    );
    expect(page.items.map((intent) => intent.id)).toEqual([`int_${tenantId}`]);

    expect((await t.migrator.migrateTo(BEFORE)).error).toBeUndefined();
    expect(await indexNames(t.store)).toEqual(before);
    expect((await t.migrator.migrateTo(READ_INDEXES)).error).toBeUndefined();
    expect(await indexNames(t.store)).toEqual(after);
  });
});
