import { type Kysely, type QueryCreator, sql } from "kysely";
import type { Database } from "../database";
import type { SqlRunner } from "../dialects/dialect-adapter";
import { type Placeholders, prepareSql, runChanges } from "../repos/prepared-sql";
import { type IntentionDatabase, withIntentionTables } from "./intention-tables";

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

/**
 * In the upsert: the arriving `column` when it compares `op` to the stored one, else the stored one —
 * min() or max() of two values, written portably (SQLite has scalar max(), PostgreSQL greatest()).
 */
function keepEarlierOrLater(column: "first_seen_at" | "last_seen_at", op: "<" | ">") {
  const arriving = sql.ref(`excluded.${column}`);
  const stored = sql.ref(`ambient_clusters.${column}`);
  return sql<string>`case when ${arriving} ${sql.raw(op)} ${stored} then ${arriving} else ${stored} end`;
}

type ArrivalPlaceholders = Placeholders<keyof Omit<AmbientArrival, "agentId">>;

/** The cluster's upsert: counted in, its first and last arrival widened. */
export function upsertAmbientCluster(qc: QueryCreator<IntentionDatabase>, p: ArrivalPlaceholders) {
  return qc
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
        // Intents of a tenant may commit slightly out of time order.
        first_seen_at: keepEarlierOrLater("first_seen_at", "<"),
        last_seen_at: keepEarlierOrLater("last_seen_at", ">"),
      })),
    );
}

/** The (cluster, agent) pair, stored once. */
export function insertAmbientAgent(
  qc: QueryCreator<IntentionDatabase>,
  p: Placeholders<"tenantId" | "clusterId" | "agentId">,
) {
  return qc
    .insertInto("ambient_cluster_agents")
    .values({ tenant_id: p.tenantId, cluster_id: p.clusterId, agent_id: p.agentId })
    .onConflict((oc) => oc.doNothing());
}

/** The two rollup writes of an ambient submission, compiled once per store. */
export function prepareAmbientRollupSql(db: Kysely<Database>) {
  const idb = withIntentionTables(db);
  return {
    cluster: prepareSql(["tenantId", "clusterId", "domain", "type", "elements", "at"], (p) =>
      upsertAmbientCluster(idb, p),
    ),
    agent: prepareSql(["tenantId", "clusterId", "agentId"], (p) => insertAmbientAgent(idb, p)),
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
