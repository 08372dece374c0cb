import type { OutboxRepo } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database } from "../database";
import { toJson } from "./json-columns";

/** Rows per INSERT statement: well inside both dialects' bound-parameter limits. */
const INSERT_BATCH = 500;

/** The transactional outbox: events commit with the state change that caused them. */
export function createOutboxRepo(db: Kysely<Database>): OutboxRepo {
  return {
    async enqueue(events) {
      for (let start = 0; start < events.length; start += INSERT_BATCH) {
        await db
          .insertInto("outbox_events")
          .values(
            events.slice(start, start + INSERT_BATCH).map((event) => ({
              id: event.id,
              tenant_id: event.tenantId,
              event: event.event,
              data: toJson(event.data),
              created_at: event.createdAt,
            })),
          )
          .execute();
      }
    },
  };
}
