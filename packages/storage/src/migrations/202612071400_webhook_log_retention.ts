import type { Kysely } from "kysely";

/**
 * Settled webhook deliveries by the time they settled, so the maintenance job can delete the log
 * past its retention window a batch at a time without reading the whole table. Pending deliveries
 * have no `completed_at`. Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("webhook_deliveries_completed")
    .on("webhook_deliveries")
    .column("completed_at")
    .where("completed_at", "is not", null)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("webhook_deliveries_completed").execute();
}
