import type { ValueCategory, ValueRepo } from "@intendedops/core";
import { type Kysely, sql } from "kysely";
import type { Database } from "../database";

/** Value records (integer cents) and their per-category totals. */
export function createValueRepo(db: Kysely<Database>): ValueRepo {
  return {
    async insert(record) {
      await db
        .insertInto("value_records")
        .values({
          id: record.id,
          tenant_id: record.tenantId,
          intent_id: record.intentId,
          agent_id: record.agentId,
          domain: record.domain,
          type: record.type,
          cents: record.cents,
          category: record.category,
          recorded_at: record.recordedAt,
        })
        .execute();
    },
    async totals(tenantId, filter) {
      let query = db
        .selectFrom("value_records")
        // Summed as doubles: totals are JavaScript numbers anyway, and an integer sum() fails
        // on SQLite ("integer overflow") once a tenant's cents pass 2^63, which reported cents
        // of up to Number.MAX_SAFE_INTEGER each can reach.
        .select(["category", sql<number>`sum(cast(cents as double precision))`.as("cents")])
        .where("tenant_id", "=", tenantId);
      if (filter?.agentId !== undefined) query = query.where("agent_id", "=", filter.agentId);
      const rows = await query.groupBy("category").execute();
      const totals: Partial<Record<ValueCategory, number>> = {};
      for (const row of rows) totals[row.category as ValueCategory] = Number(row.cents);
      return totals;
    },
  };
}
