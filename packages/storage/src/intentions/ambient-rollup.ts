import { type Kysely, type QueryCreator, sql } from "kysely";
import type { Database } from "../database";
import type { SqlRunner } from "../dialects/dialect-adapter";
import { type Placeholders, prepareSql, runChanges } from "../repos/prepared-sql";
import { type IntentionDatabase, type IntentionTables, withIntentionTables } from "./intention-tables";

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

/**
 * A rollup write's one row: its values, or — with `onlyAfter`, the name of a CTE of the same
 * statement — those values once per row that CTE answers. PostgreSQL's fused intent insert uses
 * that so the rollup counts an intent only when its row went in (a refused duplicate writes
 * nothing). The values are bare placeholders there too: `INSERT … SELECT` gives them the target
 * columns' types.
 */
function rowOf<T extends keyof IntentionTables, V extends Record<string, unknown>>(
  qc: QueryCreator<IntentionDatabase>,
  table: T,
  values: V,
  onlyAfter: string | undefined,
) {
  const insert = qc.insertInto(table);
  if (onlyAfter === undefined) return insert.values(values as never);
  const columns = Object.keys(values);
  const select = (qc as unknown as QueryCreator<Record<string, Record<string, never>>>)
    .selectFrom(onlyAfter)
    .select(Object.entries(values).map(([column, value]) => sql`${value}`.as(column)));
  return insert.columns(columns as never).expression(select as never);
}

/** The cluster's upsert: counted in, its first and last arrival widened. */
export function upsertAmbientCluster(
  qc: QueryCreator<IntentionDatabase>,
  p: ArrivalPlaceholders,
  onlyAfter?: string,
) {
  return rowOf(
    qc,
    "ambient_clusters",
    {
      tenant_id: p.tenantId,
      cluster_id: p.clusterId,
      domain: p.domain,
      type: p.type,
      elements: p.elements,
      intent_count: sql.lit(1),
      first_seen_at: p.at,
      last_seen_at: p.at,
    },
    onlyAfter,
  ).onConflict((oc) =>
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
  onlyAfter?: string,
) {
  return rowOf(
    qc,
    "ambient_cluster_agents",
    { tenant_id: p.tenantId, cluster_id: p.clusterId, agent_id: p.agentId },
    onlyAfter,
  ).onConflict((oc) => oc.doNothing());
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
