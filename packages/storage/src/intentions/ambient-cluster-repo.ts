import type { AmbientClusterStats, DataElement } from "@intendedops/core";
import type { Kysely, Selectable } from "kysely";
import type { Database } from "../database";
import { fromJson } from "../repos/json-columns";
import { type AmbientClustersTable, withIntentionTables } from "./intention-tables";

/** Ambient traffic of a tenant grouped into clusters, read from the rollup submissions keep. */
export interface AmbientClusterRepo {
  /** The largest clusters first (then by id), at most `limit`. */
  list(tenantId: string, limit: number): Promise<AmbientClusterStats[]>;
  get(tenantId: string, clusterId: string): Promise<AmbientClusterStats | undefined>;
}

/**
 * Clusters over a handle: the cluster rows (one per cluster, not per intent), then the agents of
 * the clusters returned. Both reads are primary-key ranges of the tenant.
 */
export function createAmbientClusterRepo(db: Kysely<Database>): AmbientClusterRepo {
  const idb = withIntentionTables(db);
  const clustersOf = (tenantId: string) =>
    idb.selectFrom("ambient_clusters").selectAll().where("tenant_id", "=", tenantId);

  async function withAgents(
    tenantId: string,
    rows: Selectable<AmbientClustersTable>[],
  ): Promise<AmbientClusterStats[]> {
    if (rows.length === 0) return [];
    const pairs = await idb
      .selectFrom("ambient_cluster_agents")
      .select(["cluster_id", "agent_id"])
      .where("tenant_id", "=", tenantId)
      .where(
        "cluster_id",
        "in",
        rows.map((row) => row.cluster_id),
      )
      .orderBy("agent_id")
      .execute();
    const agents = new Map<string, string[]>();
    for (const pair of pairs) {
      const list = agents.get(pair.cluster_id);
      if (list) list.push(pair.agent_id);
      else agents.set(pair.cluster_id, [pair.agent_id]);
    }
    return rows.map((row) => ({
      id: row.cluster_id,
      domain: row.domain,
      type: row.type,
      dataElements: fromJson<DataElement[]>(row.elements),
      count: Number(row.intent_count),
      agents: agents.get(row.cluster_id) ?? [],
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
    }));
  }

  return {
    async list(tenantId, limit) {
      const rows = await clustersOf(tenantId)
        .orderBy("intent_count", "desc")
        .orderBy("cluster_id")
        .limit(limit)
        .execute();
      return withAgents(tenantId, rows);
    },
    async get(tenantId, clusterId) {
      const rows = await clustersOf(tenantId).where("cluster_id", "=", clusterId).execute();
      const [stats] = await withAgents(tenantId, rows);
      return stats;
    },
  };
}
