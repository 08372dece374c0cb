import { newId } from "@intendedops/core";
import type { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyStore } from "../kysely-store";
import { DIALECTS, isoAt, type TestStore, testMigrator } from "../test-fixtures";
import { withWebhookTables } from "../webhooks/webhook-tables";

const BEFORE = "202612061700_ambient_rollup";
const SETTLED = "202612071000_inbound_settled";

describe.each(DIALECTS)("migration 202612071000_inbound_settled on %s", (dialect, open) => {
  let ctx: TestStore;
  let store: KyselyStore;
  let migrator: Migrator;

  beforeAll(async () => {
    ctx = await open({ migrate: false });
    store = ctx.store;
    migrator = testMigrator(dialect, ctx);
  });
  afterAll(() => ctx.dispose());

  it("keeps message ids remembered before it as unsettled, and goes down and up again", async () => {
    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const endpointId = newId("webhook");
    await withWebhookTables(store.db)
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
    await withWebhookTables(store.db)
      .insertInto("inbound_messages")
      .values({ endpoint_id: endpointId, message_id: "msg_old", received_at: isoAt(1) } as never)
      .execute();

    expect((await migrator.migrateTo(SETTLED)).error).toBeUndefined();
    expect(await store.webhooks.inbound.settled(endpointId, "msg_old")).toBe(false);
    await store.webhooks.inbound.settle(endpointId, "msg_old", isoAt(2));
    expect(await store.webhooks.inbound.settled(endpointId, "msg_old")).toBe(true);

    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const row = await withWebhookTables(store.db)
      .selectFrom("inbound_messages")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row).not.toHaveProperty("settled_at");
    expect((await migrator.migrateTo(SETTLED)).error).toBeUndefined();
    expect(await store.webhooks.inbound.settled(endpointId, "msg_old")).toBe(false);
  });
});
