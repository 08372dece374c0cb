import type { Intention, IntentionRepo } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database } from "../database";
import type { DialectAdapter, SqlRunner } from "../dialects/dialect-adapter";
import { fromJson, toJson } from "./json-columns";
import { prepareSql, queryRows } from "./prepared-sql";
import { bumpRevision, type RevisionSql, readRevision } from "./tenant-revisions";
import { conflict, inserted } from "./write-results";

const labelTaken = (label: string) => conflict(`Intention label already exists: ${label}`, { label });

/**
 * Intentions, stored as whole documents with the label as a unique (tenant, label) column;
 * every write moves the tenant's intention revision in the same transaction.
 */
/** The label lookup every approval with an intention runs (token minting), compiled once per store. */
export function prepareIntentionSql(db: Kysely<Database>) {
  return {
    getByLabel: prepareSql(["tenantId", "label"], (p) =>
      db
        .selectFrom("intentions")
        .select("document")
        .where("tenant_id", "=", p.tenantId)
        .where("label", "=", p.label),
    ),
  };
}

export type IntentionSql = ReturnType<typeof prepareIntentionSql>;

export function createIntentionRepo(
  db: Kysely<Database>,
  adapter: DialectAdapter,
  sql: { prepared: IntentionSql; revisions: RevisionSql; runner: SqlRunner },
  changed: () => void = () => {},
): IntentionRepo {
  return {
    async list(tenantId) {
      const rows = await db
        .selectFrom("intentions")
        .select("document")
        .where("tenant_id", "=", tenantId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map((row) => fromJson<Intention>(row.document));
    },
    async get(tenantId, id, options) {
      const query = db
        .selectFrom("intentions")
        .select("document")
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId);
      const row = await (options?.forUpdate ? adapter.lockRows(query) : query).executeTakeFirst();
      return row && fromJson<Intention>(row.document);
    },
    async getByLabel(tenantId, label) {
      const [row] = await queryRows<{ document: string }, "tenantId" | "label">(
        sql.runner,
        sql.prepared.getByLabel,
        {
          tenantId,
          label,
        },
      );
      return row && fromJson<Intention>(row.document);
    },
    async insert(intention) {
      const result = await db
        .insertInto("intentions")
        .values({
          id: intention.id,
          tenant_id: intention.tenant_id,
          label: intention.label,
          document: toJson(intention),
          created_at: intention.created_at,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirstOrThrow();
      if (!inserted(result)) throw labelTaken(intention.label);
      await bumpRevision(db, intention.tenant_id, "intentions", changed);
    },
    async update(intention) {
      let updated: boolean;
      try {
        const result = await db
          .updateTable("intentions")
          .set({ label: intention.label, document: toJson(intention) })
          .where("id", "=", intention.id)
          .where("tenant_id", "=", intention.tenant_id)
          .executeTakeFirstOrThrow();
        updated = result.numUpdatedRows === 1n;
      } catch (error) {
        if (adapter.isUniqueViolation(error)) throw labelTaken(intention.label);
        throw error;
      }
      if (updated) await bumpRevision(db, intention.tenant_id, "intentions", changed);
    },
    revision: (tenantId) => readRevision(sql.runner, sql.revisions, tenantId, "intentions"),
  };
}
