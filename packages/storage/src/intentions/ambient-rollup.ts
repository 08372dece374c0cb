import { type Kysely, sql } from "kysely";
import type { Database } from "../database";
import type { SqlRunner } from "../dialects/dialect-adapter";
import { prepareSql, runChanges } from "../repos/prepared-sql";
import { withIntentionTables } from "./intention-tables";

/** What an ambient intent adds to its cluster's rollup. */
export interface AmbientArrival {
  tenantId: string;
  clusterId: string;
  domain: string;
  type: string;
  elements: string;
  agentId: string;
  at: string;
}

/** The two rollup writes of an ambient submission, compiled once per store. */
export function prepareAmbientRollupSql(db: Kysely<Database>) {
  const idb = withIntentionTables(db);
  return {
    cluster: prepareSql(["tenantId", "clusterId", "domain", "type", "elements", "at"], (p) =>
      idb
        .insertInto("ambient_clusters")
        .values({
          tenant_id: p.tenantId,
          cluster_id: p.clusterId,
          domain: p.domain,
          type: p.type,
          elements: p.elements,
          intent_count: sql.lit(1),
          first_seen_at: p.at,
          last_seen_at: p.at,
        })
        .onConflict((oc) =>
          oc.columns(["tenant_id", "cluster_id"]).doUpdateSet((eb) => ({
            intent_count: eb("ambient_clusters.intent_count", "+", sql.lit(1)),
            // Portable min() and max(): intents of a tenant may commit slightly out of time order.
            first_seen_at: eb
              .case()
              .when("excluded.first_seen_at", "<", eb.ref("ambient_clusters.first_seen_at"))
              .then(eb.ref("excluded.first_seen_at"))
              .else(eb.ref("ambient_clusters.first_seen_at"))
              .end(),
            last_seen_at: eb
              .case()
              .when("excluded.last_seen_at", ">", eb.ref("ambient_clusters.last_seen_at"))
              .then(eb.ref("excluded.last_seen_at"))
              .else(eb.ref("ambient_clusters.last_seen_at"))
              .end(),
          })),
        ),
    ),
    agent: prepareSql(["tenantId", "clusterId", "agentId"], (p) =>
      idb
        .insertInto("ambient_cluster_agents")
        .values({ tenant_id: p.tenantId, cluster_id: p.clusterId, agent_id: p.agentId })
        .onConflict((oc) => oc.doNothing()),
    ),
  };
}

export type AmbientRollupSql = ReturnType<typeof prepareAmbientRollupSql>;

/** Counts an ambient intent into its cluster, in the transaction that inserts the intent. */
export async function recordAmbientArrival(
  runner: SqlRunner,
  prepared: AmbientRollupSql,
  arrival: AmbientArrival,
): Promise<void> {
  await runChanges(runner, prepared.cluster, arrival);
  await runChanges(runner, prepared.agent, arrival);
}
