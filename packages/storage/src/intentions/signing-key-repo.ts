import type { Kysely } from "kysely";
import type { Database } from "../database";
import { inserted } from "../repos/write-results";
import { withIntentionTables } from "./intention-tables";

/** One signing key pair; the JWKs are JSON text as stored. */
export interface SigningKeyRecord {
  kid: string;
  algorithm: string;
  publicJwk: string;
  privateJwk: string;
  createdAt: string;
}

/** The keys that sign intent tokens. They are global: every tenant's tokens share one JWKS. */
export interface SigningKeyRepo {
  /** Every key, oldest first (the oldest is the one that signs). */
  list(): Promise<SigningKeyRecord[]>;
  /** Stores a key; false when a key with the same kid already exists. */
  insert(record: SigningKeyRecord): Promise<boolean>;
  /**
   * Replaces the stored private half of `kid` when it still reads `expected`, so of two
   * instances sealing the same plain key at once only one writes; false when it did not.
   */
  replacePrivate(kid: string, expected: string, privateJwk: string): Promise<boolean>;
}

/** Signing keys over a handle (the pool, or one transaction). */
export function createSigningKeyRepo(db: Kysely<Database>): SigningKeyRepo {
  const kdb = withIntentionTables(db);
  return {
    async list() {
      const rows = await kdb
        .selectFrom("signing_keys")
        .selectAll()
        .orderBy("created_at")
        .orderBy("kid")
        .execute();
      return rows.map((row) => ({
        kid: row.kid,
        algorithm: row.algorithm,
        publicJwk: row.public_jwk,
        privateJwk: row.private_jwk,
        createdAt: row.created_at,
      }));
    },
    async insert(record) {
      const result = await kdb
        .insertInto("signing_keys")
        .values({
          kid: record.kid,
          algorithm: record.algorithm,
          public_jwk: record.publicJwk,
          private_jwk: record.privateJwk,
          created_at: record.createdAt,
        })
        .onConflict((oc) => oc.column("kid").doNothing())
        .executeTakeFirstOrThrow();
      return inserted(result);
    },
    async replacePrivate(kid, expected, privateJwk) {
      const result = await kdb
        .updateTable("signing_keys")
        .set({ private_jwk: privateJwk })
        .where("kid", "=", kid)
        .where("private_jwk", "=", expected)
        .executeTakeFirstOrThrow();
      return result.numUpdatedRows === 1n;
    },
  };
}
