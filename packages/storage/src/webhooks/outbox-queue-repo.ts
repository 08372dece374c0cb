import type { OutboxEvent } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { DialectAdapter } from "../dialects/dialect-adapter";
import { fromJson } from "../repos/json-columns";
import type { WebhookDatabase } from "./webhook-tables";

/** The consuming side of the transactional outbox (the governor writes it through `tx.outbox`). */
export interface OutboxQueueRepo {
  /**
   * The oldest events, across tenants, locked for this transaction; on PostgreSQL events another
   * transaction holds are skipped, so concurrent dispatchers fan out disjoint batches.
   */
  claim(limit: number): Promise<OutboxEvent[]>;
  /** Removes consumed events; returns how many were removed. */
  remove(ids: readonly string[]): Promise<number>;
}

export function createOutboxQueueRepo(db: Kysely<WebhookDatabase>, adapter: DialectAdapter): OutboxQueueRepo {
  return {
    async claim(limit) {
      const rows = await adapter
        .claimRows(
          db.selectFrom("outbox_events").selectAll().orderBy("created_at").orderBy("id").limit(limit),
        )
        .execute();
      return rows.map((row) => ({
        id: row.id,
        tenantId: row.tenant_id,
        event: row.event,
        data: fromJson<Record<string, unknown>>(row.data),
        createdAt: row.created_at,
      }));
    },
    async remove(ids) {
      if (ids.length === 0) return 0;
      const result = await db
        .deleteFrom("outbox_events")
        .where("id", "in", [...ids])
        .executeTakeFirstOrThrow();
      return Number(result.numDeletedRows);
    },
  };
}
