import { ambientPlacement } from "@intendedops/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAmbientClusterRepo } from "../intentions/ambient-cluster-repo";
import type { KyselyStore } from "../kysely-store";
import { DIALECTS, isoAt, makeAgent, makeIntent, type TestStore, testMigrator } from "../test-fixtures";

const BEFORE_ROLLUP = "202611221600_outbox_order";
const email = { dataSourceId: "crm", path: "customers.email" };

describe.each(DIALECTS)("migration 202612061700_ambient_rollup on %s", (dialect, open) => {
  let ctx: TestStore;
  let store: KyselyStore;

  beforeAll(async () => {
    ctx = await open({ migrate: false });
    store = ctx.store;
  });
  afterAll(() => ctx.dispose());

  it("fills the rollup from the ambient intents already stored and drops intents_ambient", async () => {
    const migrator = testMigrator(dialect, ctx);
    expect((await migrator.migrateTo(BEFORE_ROLLUP)).error).toBeUndefined();

    const tenantId = "t-rollup";
    // Agents through their repo (the rollup leaves their table alone); intents by hand, since
    // today's intent insert also writes the rollup tables this schema does not have yet.
    await store.transaction(async (tx) => {
      await tx.agents.insert(makeAgent(tenantId, "billing-agent"));
      await tx.agents.insert(makeAgent(tenantId, "support-agent"));
    });
    const intents = [
      makeIntent(tenantId, "int_1", "billing-agent", { dataElements: [email], createdAt: isoAt(20) }),
      makeIntent(tenantId, "int_2", "support-agent", { dataElements: [email], createdAt: isoAt(10) }),
      makeIntent(tenantId, "int_3", "billing-agent", { dataElements: [], createdAt: isoAt(30) }),
      makeIntent(tenantId, "int_4", "billing-agent", { intention: "invoice_send", createdAt: isoAt(40) }),
    ];
    for (const intent of intents) {
      const placement = ambientPlacement(intent);
      await store.db
        .insertInto("intents")
        .values({
          id: intent.id,
          tenant_id: tenantId,
          agent_id: intent.agentId,
          type: intent.type,
          domain: intent.domain,
          params: JSON.stringify(intent.params),
          status: intent.status,
          risk_level: intent.riskLevel,
          decision: JSON.stringify(intent.decision),
          intention: intent.intention,
          data_elements: JSON.stringify(intent.dataElements),
          submitted_by: intent.submittedBy,
          created_at: intent.createdAt,
          updated_at: intent.updatedAt,
          ambient_cluster: placement?.clusterId ?? null,
          ambient_elements: placement?.elementsKey ?? null,
        } as never)
        .execute();
    }

    await store.migrate();

    const clusters = await createAmbientClusterRepo(store.db).list(tenantId, 10);
    expect(clusters.map((c) => [c.count, c.agents, c.firstSeenAt, c.lastSeenAt, c.dataElements])).toEqual([
      [
        2,
        ["billing-agent", "support-agent"],
        isoAt(10),
        isoAt(20),
        [{ data_source_id: "crm", path: "customers.email" }],
      ],
      [1, ["billing-agent"], isoAt(30), isoAt(30), []],
    ]);
    const indexes =
      dialect === "postgres"
        ? await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where tablename = 'intents' and schemaname = ${ctx.sameDatabase?.schema}`.execute(
            store.db,
          )
        : await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and tbl_name = 'intents'`.execute(store.db);
    expect(indexes.rows.map((r) => r.name)).not.toContain("intents_ambient");

    // From here on the intent insert keeps the rollup itself.
    await store.transaction((tx) =>
      tx.intents.insert(
        makeIntent(tenantId, "int_5", "billing-agent", { dataElements: [], createdAt: isoAt(50) }),
      ),
    );
    const [first] = await createAmbientClusterRepo(store.db).list(tenantId, 1);
    expect(first).toMatchObject({ count: 2, firstSeenAt: isoAt(30), lastSeenAt: isoAt(50) });
  });
});
