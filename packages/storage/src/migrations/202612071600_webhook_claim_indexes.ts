import { type Kysely, sql } from "kysely";

/**
 * Indexes for the dispatcher's claims, which run each time an attempt ends:
 * - the claims still held, found by `claimed_until` alone (settling a delivery clears it, so only
 *   claims in flight and claims of workers that died have one). Counting them used to read every
 *   pending delivery: 15–88 ms per claim with 7,300 pending, on the event loop;
 * - the pending deliveries only, by endpoint in due order (ties by id, so a claim never sorts): a
 *   claim finds the endpoints with pending deliveries one probe each and reads the oldest few of
 *   each endpoint below its bound. `(status, next_attempt_at)`, dropped here, served one query in
 *   due order across endpoints, which walked every due delivery of the endpoints at their bound (a
 *   hanging receiver's backlog) to reach the others' rows; nothing else reads by it. Queries must
 *   spell `status = 'pending'` as a literal for SQLite to use this partial index.
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("webhook_deliveries_held")
    .on("webhook_deliveries")
    .column("claimed_until")
    .where("claimed_until", "is not", null)
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_pending")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "next_attempt_at", "id"])
    .where(sql.ref("status"), "=", "pending")
    .execute();
  await db.schema.dropIndex("webhook_deliveries_due").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema.dropIndex("webhook_deliveries_pending").execute();
  await db.schema.dropIndex("webhook_deliveries_held").execute();
}
