import { ambientPlacement } from "@intendedops/core";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createAmbientClusterRepo } from "../intentions/ambient-cluster-repo";
import { DIALECTS, isoAt, makeAgent, makeIntent } from "../test-fixtures";
import { useUnmigratedStore } from "../test-unmigrated-store";

/** The schema of a server from the first hour of 22 November (e9d9d36): no intentions yet. */
const BEFORE_INTENTIONS = "202611221400_webhooks";
const BEFORE_FIX = "202612071500_operator_key_prefixes";
const email = { dataSourceId: "crm", path: "customers.email" };
const name = { dataSourceId: "crm", path: "customers.name" };

describe.each(DIALECTS)(
  "upgrade: migration 202612071510_ambient_before_intentions on %s",
  (dialect, open) => {
    const t = useUnmigratedStore(dialect, open);

    it("puts the intents stored before intentions existed into their ambient clusters", async () => {
      expect((await t.migrator.migrateTo(BEFORE_INTENTIONS)).error).toBeUndefined();
      const tenantId = "t-before-intentions";
      await t.store.transaction(async (tx) => {
        await tx.agents.insert(makeAgent(tenantId, "billing-agent"));
        await tx.agents.insert(makeAgent(tenantId, "support-agent"));
      });
      const intents = [
        makeIntent(tenantId, "int_old_1", "billing-agent", {
          dataElements: [name, email],
          createdAt: isoAt(20),
        }),
        makeIntent(tenantId, "int_old_2", "support-agent", {
          dataElements: [email, name, email],
          createdAt: isoAt(10),
        }),
        makeIntent(tenantId, "int_old_3", "billing-agent", { dataElements: [], createdAt: isoAt(30) }),
      ];
      // Rows exactly as that server wrote them: the governance columns only, every intent ambient.
      for (const i of intents) {
        await sql`insert into intents (id, tenant_id, agent_id, type, domain, params, description, justification,
          idempotency_key, status, risk_level, decision, intention, data_elements, submitted_by, result, error,
          value_cents, value_category, created_at, updated_at, completed_at)
        values (${i.id}, ${tenantId}, ${i.agentId}, ${i.type}, ${i.domain}, ${JSON.stringify(i.params)}, ${null}, ${null},
          ${null}, ${i.status}, ${i.riskLevel}, ${JSON.stringify(i.decision)}, ${"ambient"}, ${JSON.stringify(i.dataElements)},
          ${i.submittedBy}, ${null}, ${null}, ${null}, ${null}, ${i.createdAt}, ${i.updatedAt}, ${null})`.execute(
          t.store.db,
        );
      }

      // An upgrade to a release without this migration: an old intent approved there got its cluster
      // column from the update (uncounted), and new traffic was counted as it arrived.
      expect((await t.migrator.migrateTo(BEFORE_FIX)).error).toBeUndefined();
      await t.store.transaction(async (tx) => {
        expect(await tx.intents.update({ ...intents[2]!, status: "approved" }, "pending")).toBe(true);
        const later = new Date(Date.now() + 60_000).toISOString();
        await tx.intents.insert(
          makeIntent(tenantId, "int_new_1", "billing-agent", { dataElements: [], createdAt: later }),
        );
      });

      expect((await t.migrator.migrateToLatest()).error).toBeUndefined();

      const clusters = await createAmbientClusterRepo(t.store.db).list(tenantId, 100);
      const both = ambientPlacement(intents[0]!)!;
      const none = ambientPlacement(intents[2]!)!;
      expect(clusters).toHaveLength(2);
      expect(clusters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: both.clusterId,
            dataElements: JSON.parse(both.elementsKey),
            count: 2,
            agents: ["billing-agent", "support-agent"],
            firstSeenAt: isoAt(10),
            lastSeenAt: isoAt(20),
          }),
          expect.objectContaining({
            id: none.clusterId,
            dataElements: [],
            count: 2,
            agents: ["billing-agent"],
            firstSeenAt: isoAt(30),
          }),
        ]),
      );
      // The intents carry their cluster, as those written since do.
      const row = await t.store.db
        .selectFrom("intents")
        .select(["ambient_cluster", "ambient_elements"])
        .where("id", "=", "int_old_2")
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ ambient_cluster: both.clusterId, ambient_elements: both.elementsKey });
    });
  },
);
