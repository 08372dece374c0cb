import { type Kysely, sql } from "kysely";

/**
 * Indexes for the dispatcher's claims, which run each time an attempt ends. Each holds only what a
 * claim can use, so none of them grows with the delivery log:
 * - the claims still held, by `claimed_until` (settling a delivery clears it, so only claims in
 *   flight and those of workers that died have one). Counting them used to read every pending
 *   delivery: 15–88 ms per claim with 7,300 pending, on the event loop;
 * - pending deliveries in due order, ties by id: a claim reads the oldest few claimable ones;
 * - pending deliveries by endpoint in due order: when deliveries no claim may take stand in front
 *   (a hanging receiver's backlog), a claim finds the endpoints with pending deliveries one probe
 *   each and reads the oldest few of each endpoint below its bound. The `(status, next_attempt_at)`
 *   index dropped here served one query in due order across endpoints, which walked that whole
 *   backlog to reach other endpoints' rows.
 * Queries must spell `status = 'pending'` as a literal for SQLite to use the partial indexes.
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
    .createIndex("webhook_deliveries_pending_by_due")
    .on("webhook_deliveries")
    .columns(["next_attempt_at", "id"])
    .where(sql.ref("status"), "=", "pending")
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_pending_by_endpoint")
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
  await db.schema.dropIndex("webhook_deliveries_pending_by_endpoint").execute();
  await db.schema.dropIndex("webhook_deliveries_pending_by_due").execute();
  await db.schema.dropIndex("webhook_deliveries_held").execute();
}
