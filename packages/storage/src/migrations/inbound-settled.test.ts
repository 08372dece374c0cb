import { newId } from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { DIALECTS, isoAt } from "../test-fixtures";
import { useUnmigratedStore } from "../test-unmigrated-store";
import { withWebhookTables } from "../webhooks/webhook-tables";

const BEFORE = "202612061700_ambient_rollup";
const SETTLED = "202612071000_inbound_settled";

describe.each(DIALECTS)("migration 202612071000_inbound_settled on %s", (dialect, open) => {
  const t = useUnmigratedStore(dialect, open);

  it("keeps message ids remembered before it as unsettled, and goes down and up again", async () => {
    expect((await t.migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const endpointId = newId("webhook");
    await withWebhookTables(t.store.db)
      .insertInto("inbound_endpoints")
      .values({
        id: endpointId,
        tenant_id: "t-settled",
        description: null,
        intent_types: "[]",
        secret: "whsec_x",
        previous_secret: null,
        previous_secret_expires_at: null,
        created_at: isoAt(0),
        updated_at: isoAt(0),
      })
      .execute();
    await withWebhookTables(t.store.db)
      .insertInto("inbound_messages")
      .values({ endpoint_id: endpointId, message_id: "msg_old", received_at: isoAt(1) } as never)
      .execute();

    expect((await t.migrator.migrateTo(SETTLED)).error).toBeUndefined();
    expect(await t.store.webhooks.inbound.settled(endpointId, "msg_old")).toBe(false);
    await t.store.webhooks.inbound.settle(endpointId, "msg_old", isoAt(2));
    expect(await t.store.webhooks.inbound.settled(endpointId, "msg_old")).toBe(true);

    expect((await t.migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const row = await withWebhookTables(t.store.db)
      .selectFrom("inbound_messages")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row).not.toHaveProperty("settled_at");
    expect((await t.migrator.migrateTo(SETTLED)).error).toBeUndefined();
    expect(await t.store.webhooks.inbound.settled(endpointId, "msg_old")).toBe(false);
  });
});
