import type { IdempotencyRepo } from "@intendedops/core";
import type { Kysely, Selectable } from "kysely";
import type { Database, IdempotencyKeysTable } from "../database";
import type { SqlRunner } from "../dialects/dialect-adapter";
import { type Placeholders, prepareSql, queryRows, runChanges } from "./prepared-sql";
import { conflict } from "./write-results";

/** The key lookup and insert of every submission that carries a key, compiled once per store. */
export function prepareIdempotencySql(db: Kysely<Database>) {
  return {
    get: prepareSql(["tenantId", "key"], (p) =>
      db
        .selectFrom("idempotency_keys")
        .selectAll()
        .where("tenant_id", "=", p.tenantId)
        .where("key", "=", p.key),
    ),
    insert: prepareSql(
      ["tenant_id", "key", "request_hash", "intent_id", "created_at"],
      (p: Placeholders<keyof IdempotencyKeysTable>) =>
        db
          .insertInto("idempotency_keys")
          .values(p)
          .onConflict((oc) => oc.doNothing()),
    ),
  };
}

export type IdempotencySql = ReturnType<typeof prepareIdempotencySql>;

/** Idempotency keys per tenant; a second insert of a key is the CONFLICT the governor resolves. */
export function createIdempotencyRepo(prepared: IdempotencySql, runner: SqlRunner): IdempotencyRepo {
  return {
    async get(tenantId, key) {
      const [row] = await queryRows<Selectable<IdempotencyKeysTable>, "tenantId" | "key">(
        runner,
        prepared.get,
        {
          tenantId,
          key,
        },
      );
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
      const changed = await runChanges(runner, prepared.insert, {
        tenant_id: record.tenantId,
        key: record.key,
        request_hash: record.requestHash,
        intent_id: record.intentId,
        created_at: record.createdAt,
      });
      if (changed !== 1) {
        throw conflict(`Idempotency key already used: ${record.key}`, { idempotencyKey: record.key });
      }
    },
  };
}
