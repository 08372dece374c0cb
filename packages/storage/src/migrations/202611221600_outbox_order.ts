import type { Kysely } from "kysely";

/**
 * The outbox in claim order: the dispatcher takes the oldest events (`order by created_at, id
 * limit n`), which without this index sorted the whole table on every claim — and under load the
 * table holds thousands of events, so each claim cost more the further fan-out fell behind.
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("outbox_events_order")
    .on("outbox_events")
    .columns(["created_at", "id"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("outbox_events_order").ifExists().execute();
}
