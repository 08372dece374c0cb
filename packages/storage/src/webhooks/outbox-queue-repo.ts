import type { OutboxEvent } from "@intendedops/core";
import type { Kysely, Selectable } from "kysely";
import type { Database, OutboxEventsTable } from "../database";
import type { DialectAdapter, SqlRunner } from "../dialects/dialect-adapter";
import { kyselySqlRunner } from "../dialects/sql-runner";
import { fromJson } from "../repos/json-columns";
import { type PreparedSql, prepareSql, queryRows, runChanges } from "../repos/prepared-sql";

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

/** Ids per DELETE statement; a claim takes 100 events by default. */
const REMOVE_BATCH = 100;

/**
 * The dispatcher's claim and removal, compiled once per store: the fan-out job runs them after
 * nearly every commit that wrote events, and building a 100-id `in` list each time cost more than
 * running it. Removal statements are compiled per id count on first use.
 */
export function prepareOutboxQueueSql(db: Kysely<Database>, adapter: DialectAdapter) {
  const removeByCount = new Map<number, PreparedSql<string>>();
  return {
    claim: prepareSql(["limit"], (p) =>
      adapter.claimRows(
        db.selectFrom("outbox_events").selectAll().orderBy("created_at").orderBy("id").limit(p.limit),
      ),
    ),
    remove(count: number): PreparedSql<string> {
      let statement = removeByCount.get(count);
      if (!statement) {
        const names = Array.from({ length: count }, (_, i) => `id${i}`);
        statement = prepareSql(names, (p) =>
          db.deleteFrom("outbox_events").where(
            "id",
            "in",
            names.map((name) => p[name] as never),
          ),
        );
        removeByCount.set(count, statement);
      }
      return statement;
    },
  };
}

export type OutboxQueueSql = ReturnType<typeof prepareOutboxQueueSql>;

export function createOutboxQueueRepo(
  db: Kysely<Database>,
  adapter: DialectAdapter,
  sql: { prepared: OutboxQueueSql; runner: SqlRunner } = {
    prepared: prepareOutboxQueueSql(db, adapter),
    runner: kyselySqlRunner(db),
  },
): OutboxQueueRepo {
  const { prepared, runner } = sql;
  return {
    async claim(limit) {
      const rows = await queryRows<Selectable<OutboxEventsTable>, "limit">(runner, prepared.claim, { limit });
      return rows.map((row) => ({
        id: row.id,
        tenantId: row.tenant_id,
        event: row.event,
        data: fromJson<Record<string, unknown>>(row.data),
        createdAt: row.created_at,
      }));
    },
    async remove(ids) {
      let removed = 0;
      for (let start = 0; start < ids.length; start += REMOVE_BATCH) {
        const chunk = ids.slice(start, start + REMOVE_BATCH);
        const args: Record<string, string> = {};
        chunk.forEach((id, i) => {
          args[`id${i}`] = id;
        });
        removed += await runChanges(runner, prepared.remove(chunk.length), args);
      }
      return removed;
    },
  };
}
