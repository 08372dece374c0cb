import type { AmbientClusterStats, DataElement } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database } from "../database";
import { fromJson } from "../repos/json-columns";

/** Ambient traffic of a tenant grouped into clusters, computed on read from the intents table. */
export interface AmbientClusterRepo {
  /** The largest clusters first (then by id), at most `limit`. */
  list(tenantId: string, limit: number): Promise<AmbientClusterStats[]>;
  get(tenantId: string, clusterId: string): Promise<AmbientClusterStats | undefined>;
}

interface ClusterRow {
  ambient_cluster: string | null;
  domain: string;
  type: string;
  ambient_elements: string | null;
  count: number;
  first_seen_at: string;
  last_seen_at: string;
}

/**
 * Clusters over a handle. Two indexed queries per read: the grouped counts, then the distinct
 * agents of the clusters returned (a portable alternative to string_agg / group_concat).
 */
export function createAmbientClusterRepo(db: Kysely<Database>): AmbientClusterRepo {
  function grouped(tenantId: string) {
    return db
      .selectFrom("intents")
      .select((eb) => [
        "ambient_cluster",
        "domain",
        "type",
        "ambient_elements",
        eb.fn.countAll<number>().as("count"),
        eb.fn.min("created_at").as("first_seen_at"),
        eb.fn.max("created_at").as("last_seen_at"),
      ])
      .where("tenant_id", "=", tenantId)
      .where("ambient_cluster", "is not", null)
      .groupBy(["ambient_cluster", "domain", "type", "ambient_elements"]);
  }

  async function withAgents(tenantId: string, rows: ClusterRow[]): Promise<AmbientClusterStats[]> {
    const ids = rows.flatMap((row) => (row.ambient_cluster === null ? [] : [row.ambient_cluster]));
    if (ids.length === 0) return [];
    const pairs = await db
      .selectFrom("intents")
      .select(["ambient_cluster", "agent_id"])
      .distinct()
      .where("tenant_id", "=", tenantId)
      .where("ambient_cluster", "in", ids)
      .orderBy("agent_id")
      .execute();
    const agents = new Map<string, string[]>();
    for (const pair of pairs) {
      if (pair.ambient_cluster === null) continue;
      const list = agents.get(pair.ambient_cluster);
      if (list) list.push(pair.agent_id);
      else agents.set(pair.ambient_cluster, [pair.agent_id]);
    }
    return rows.map((row) => ({
      id: row.ambient_cluster ?? "",
      domain: row.domain,
      type: row.type,
      dataElements: fromJson<DataElement[]>(row.ambient_elements ?? "[]"),
      count: Number(row.count),
      agents: agents.get(row.ambient_cluster ?? "") ?? [],
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
    }));
  }

  return {
    async list(tenantId, limit) {
      const rows = await grouped(tenantId)
        .orderBy("count", "desc")
        .orderBy("ambient_cluster")
        .limit(limit)
        .execute();
      return withAgents(tenantId, rows);
    },
    async get(tenantId, clusterId) {
      const rows = await grouped(tenantId).where("ambient_cluster", "=", clusterId).execute();
      const [stats] = await withAgents(tenantId, rows);
      return stats;
    },
  };
}
