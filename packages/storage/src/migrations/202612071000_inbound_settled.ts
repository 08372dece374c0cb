import type { Kysely } from "kysely";
import type { ColumnTypes } from "../dialects/dialect-adapter";

/**
 * `inbound_messages.settled_at`: when the report a message carried was decided (applied, or refused
 * for its content). A remembered id with no settlement is one whose outcome a stopped process never
 * recorded; only that one may be retried. Rows from before this migration count as unsettled,
 * which is how the receiver treated every row until now.
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema.alterTable("inbound_messages").addColumn("settled_at", t.timestamp).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("inbound_messages").dropColumn("settled_at").execute();
}
