import type { TrustChange, TrustChangeRepo } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database } from "../database";

/** Trust changes of agents; listed newest first. */
export function createTrustChangeRepo(db: Kysely<Database>): TrustChangeRepo {
  return {
    async insert(change) {
      await db
        .insertInto("trust_changes")
        .values({
          id: change.id,
          tenant_id: change.tenantId,
          agent_id: change.agentId,
          from_tier: change.fromTier,
          to_tier: change.toTier,
          from_score: change.fromScore,
          to_score: change.toScore,
          cause: change.cause,
          reason: change.reason,
          intent_id: change.intentId,
          at: change.at,
        })
        .execute();
    },
    async list(tenantId, agentId, limit) {
      const rows = await db
        .selectFrom("trust_changes")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("agent_id", "=", agentId)
        .orderBy("at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map(
        (row): TrustChange => ({
          id: row.id,
          tenantId: row.tenant_id,
          agentId: row.agent_id,
          fromTier: row.from_tier as TrustChange["fromTier"],
          toTier: row.to_tier as TrustChange["toTier"],
          fromScore: row.from_score,
          toScore: row.to_score,
          cause: row.cause as TrustChange["cause"],
          reason: row.reason,
          intentId: row.intent_id,
          at: row.at,
        }),
      );
    },
  };
}
