import { type Kysely, sql } from "kysely";

/**
 * Settles the inbound message ids remembered before `202612071000_inbound_settled` added the column.
 * That migration left them unsettled, so after an upgrade a sender's retry of a report refused
 * while its intent awaited approval went through once the intent was approved: it completed the
 * intent with a report made before anyone approved it, where the old server answered `409
 * CONFLICT`. Which old ids a stopped process left behind cannot be told apart any more, so every
 * one counts as decided: a refused report stays a replay, as it did on releases that never retried
 * a remembered id. Ids remembered after that migration ran (a stopped process's unsettled ones,
 * which may be retried) are left alone; when it ran is in Kysely's migration table, which the
 * same migration run has written by now.
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update inbound_messages set settled_at = received_at
    where settled_at is null
      and received_at < (
        select "timestamp" from kysely_migration where name = '202612071000_inbound_settled'
      )`.execute(db);
}

/** Nothing to undo: the settlements it wrote are true of those ids either way. */
export async function down(): Promise<void> {}
