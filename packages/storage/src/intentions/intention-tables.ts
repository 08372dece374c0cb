import type { Kysely } from "kysely";
import type { Database } from "../database";

/** Row type of the signing-key table (migration 202611221500_intentions), as Kysely sees it. */
export interface SigningKeysTable {
  /** RFC 7638 thumbprint of the public key: the `kid` in token headers and the JWKS. */
  kid: string;
  /** JOSE algorithm, e.g. "EdDSA". */
  algorithm: string;
  /** Public JWK as JSON text (served in the JWKS). */
  public_jwk: string;
  /** Private JWK as JSON text: never leaves the server. */
  private_jwk: string;
  created_at: string;
}

/** A type alias, not an interface: Kysely's `withTables` needs the implicit index signature. */
export type IntentionTables = {
  signing_keys: SigningKeysTable;
};

export type IntentionDatabase = Database & IntentionTables;

/** The same handle, typed to see the signing-key table too. */
export function withIntentionTables(db: Kysely<Database>): Kysely<IntentionDatabase> {
  return db.withTables<IntentionTables>();
}
