import type { OutboxEvent, OutboxRepo } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database, OutboxEventsTable } from "../database";
import type { SqlRunner } from "../dialects/dialect-adapter";
import { toJson } from "./json-columns";
import { preparedInsertMany } from "./prepared-sql";

/** Rows per INSERT statement: a few prepared shapes cover every enqueue. */
const INSERT_BATCH = 16;

const OUTBOX_COLUMNS = Object.keys({
  id: 1,
  tenant_id: 1,
  event: 1,
  data: 1,
  created_at: 1,
} satisfies Record<keyof OutboxEventsTable, 1>) as (keyof OutboxEventsTable)[];

/** The outbox insert, compiled once per store. */
export function prepareOutboxSql(db: Kysely<Database>) {
  return {
    insert: preparedInsertMany(
      OUTBOX_COLUMNS,
      INSERT_BATCH,
      (rows) => db.insertInto("outbox_events").values(rows),
      (event: OutboxEvent) => ({
        id: event.id,
        tenant_id: event.tenantId,
        event: event.event,
        data: toJson(event.data),
        created_at: event.createdAt,
      }),
    ),
  };
}

export type OutboxSql = ReturnType<typeof prepareOutboxSql>;

/** The transactional outbox: events commit with the state change that caused them. */
export function createOutboxRepo(prepared: OutboxSql, runner: SqlRunner): OutboxRepo {
  return {
    async enqueue(events) {
      await prepared.insert(runner, events);
    },
  };
}
