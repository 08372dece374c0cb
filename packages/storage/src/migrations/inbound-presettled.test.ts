import { newId } from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { DIALECTS, isoAt } from "../test-fixtures";
import { useUnmigratedStore } from "../test-unmigrated-store";
import { withWebhookTables } from "../webhooks/webhook-tables";

const BEFORE_SETTLED = "202612061700_ambient_rollup";
const SETTLED = "202612071000_inbound_settled";

describe.each(DIALECTS)("migration 202612071200_inbound_presettled on %s", (dialect, open) => {
  const t = useUnmigratedStore(dialect, open);

  async function endpoint(): Promise<string> {
    const id = newId("webhook");
    await withWebhookTables(t.store.db)
      .insertInto("inbound_endpoints")
      .values({
        id,
        tenant_id: "t-presettled",
        description: null,
        intent_types: "[]",
        secret: "whsec_x",
        previous_secret: null,
        previous_secret_expires_at: null,
        created_at: isoAt(0),
        updated_at: isoAt(0),
      })
      .execute();
    return id;
  }

  async function remember(endpointId: string, messageId: string, receivedAt: string): Promise<void> {
    await withWebhookTables(t.store.db)
      .insertInto("inbound_messages")
      .values({ endpoint_id: endpointId, message_id: messageId, received_at: receivedAt } as never)
      .execute();
  }

  it("settles message ids an older version remembered, so an upgrade keeps refusing their replays", async () => {
    expect((await t.migrator.migrateTo(BEFORE_SETTLED)).error).toBeUndefined();
    const endpointId = await endpoint();
    // An older server refused this report (its intent still awaited approval) and kept the id.
    await remember(endpointId, "msg_refused_before_upgrade", new Date(Date.now() - 60_000).toISOString());

    expect((await t.migrator.migrateToLatest()).error).toBeUndefined();
    expect(await t.store.webhooks.inbound.settled(endpointId, "msg_refused_before_upgrade")).toBe(true);
    const row = await withWebhookTables(t.store.db)
      .selectFrom("inbound_messages")
      .select(["received_at", "settled_at"])
      .where("message_id", "=", "msg_refused_before_upgrade")
      .executeTakeFirstOrThrow();
    expect(row.settled_at).toBe(row.received_at);
  });

  it("leaves unsettled the ids remembered after settlements were recorded (a stopped process's, retryable)", async () => {
    expect((await t.migrator.migrateTo(SETTLED)).error).toBeUndefined();
    const endpointId = await endpoint();
    await remember(endpointId, "msg_outcome_lost", new Date(Date.now() + 60_000).toISOString());

    expect((await t.migrator.migrateToLatest()).error).toBeUndefined();
    expect(await t.store.webhooks.inbound.settled(endpointId, "msg_outcome_lost")).toBe(false);
  });
});
