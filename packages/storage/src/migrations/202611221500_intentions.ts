import type { Kysely } from "kysely";
import type { ColumnTypes } from "../dialects/dialect-adapter";

/**
 * Intentions: the intent token on each intent, the ambient cluster of unmatched intents (its id
 * and the canonical text of its data-element set, so clusters group in SQL), and the Ed25519
 * keys that sign intent tokens.
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
  await db.schema.alterTable("intents").addColumn("intent_token", "text").execute();
  await db.schema.alterTable("intents").addColumn("ambient_cluster", "text").execute();
  await db.schema.alterTable("intents").addColumn("ambient_elements", "text").execute();
  await db.schema
    .createIndex("intents_ambient")
    .on("intents")
    .columns(["tenant_id", "ambient_cluster", "agent_id"])
    .execute();

  await db.schema
    .createTable("signing_keys")
    .addColumn("kid", "text", (c) => c.primaryKey())
    .addColumn("algorithm", "text", (c) => c.notNull())
    .addColumn("public_jwk", "text", (c) => c.notNull())
    .addColumn("private_jwk", "text", (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("signing_keys").ifExists().execute();
  await db.schema.dropIndex("intents_ambient").ifExists().execute();
  for (const column of ["ambient_elements", "ambient_cluster", "intent_token"]) {
    await db.schema.alterTable("intents").dropColumn(column).execute();
  }
}
