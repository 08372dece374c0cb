import { type Kysely, sql } from "kysely";

/**
 * Hides the secret characters that older versions kept in the `key_prefix` of keys the operator
 * chose (`INTENDEDOPS_BOOTSTRAP_KEY`, stored under the name `bootstrap`). Before 7 December every
 * prefix showed the first 4 characters of the secret; since then a key the operator chose shows
 * none (its alphabet is unknown: 4 characters of an `openssl rand -hex 16` secret take it below
 * 128 bits), but the rows stored before kept theirs, so `GET /v1/api-keys` still showed them after
 * an upgrade. Generated keys (32 base62 characters) may show 4 and are left alone. Which old key
 * the operator chose is known only by its name; a generated key someone named `bootstrap` just
 * loses its 4 characters. The key itself, its hash and its scopes are unchanged.
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update api_keys set key_prefix = 'intendedops_' || tenant_id || '_'
    where name = 'bootstrap' and key_prefix <> 'intendedops_' || tenant_id || '_'`.execute(db);
}

/** Nothing to undo: the characters it removed are not stored anywhere else, and need not be. */
export async function down(): Promise<void> {}
