import type { IdempotencyRepo } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database } from "../database";
import { conflict, inserted } from "./write-results";

/** Idempotency keys per tenant; a second insert of a key is the CONFLICT the governor resolves. */
export function createIdempotencyRepo(db: Kysely<Database>): IdempotencyRepo {
  return {
    async get(tenantId, key) {
      const row = await db
        .selectFrom("idempotency_keys")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("key", "=", key)
        .executeTakeFirst();
      return (
        row && {
          tenantId: row.tenant_id,
          key: row.key,
          requestHash: row.request_hash,
          intentId: row.intent_id,
          createdAt: row.created_at,
        }
      );
    },
    async insert(record) {
      const result = await db
        .insertInto("idempotency_keys")
        .values({
          tenant_id: record.tenantId,
          key: record.key,
          request_hash: record.requestHash,
          intent_id: record.intentId,
          created_at: record.createdAt,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirstOrThrow();
      if (!inserted(result)) {
        throw conflict(`Idempotency key already used: ${record.key}`, { idempotencyKey: record.key });
      }
    },
  };
}
