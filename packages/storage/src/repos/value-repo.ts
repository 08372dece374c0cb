import type { ValueCategory, ValueRepo } from "@intendedops/core";
import type { Kysely } from "kysely";
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
        .select(["category", (eb) => eb.fn.sum<number>("cents").as("cents")])
        .where("tenant_id", "=", tenantId);
      if (filter?.agentId !== undefined) query = query.where("agent_id", "=", filter.agentId);
      const rows = await query.groupBy("category").execute();
      const totals: Partial<Record<ValueCategory, number>> = {};
      for (const row of rows) totals[row.category as ValueCategory] = Number(row.cents);
      return totals;
    },
  };
}
