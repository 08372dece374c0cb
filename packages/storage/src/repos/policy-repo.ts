import type { Policy, PolicyRepo } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database } from "../database";
import type { DialectAdapter } from "../dialects/dialect-adapter";
import { fromJson, toJson } from "./json-columns";
import { bumpRevision, type RevisionReader, readRevision, readRulesRevisions } from "./tenant-revisions";
import { conflict, inserted } from "./write-results";

/**
 * Policies, stored as whole documents (their shape follows the policy schema, which grows
 * with the engine); every write moves the tenant's policy revision in the same transaction.
 */
export function createPolicyRepo(
  db: Kysely<Database>,
  adapter: DialectAdapter,
  revisions: RevisionReader,
  changed: () => void = () => {},
): PolicyRepo {
  return {
    async list(tenantId) {
      const rows = await db
        .selectFrom("policies")
        .select("document")
        .where("tenant_id", "=", tenantId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map((row) => fromJson<Policy>(row.document));
    },
    async count(tenantId) {
      const row = await db
        .selectFrom("policies")
        .select((eb) => eb.fn.countAll<number>().as("total"))
        .where("tenant_id", "=", tenantId)
        .executeTakeFirstOrThrow();
      return row.total;
    },
    async get(tenantId, id, options) {
      const query = db
        .selectFrom("policies")
        .select("document")
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId);
      const row = await (options?.forUpdate ? adapter.lockRows(query) : query).executeTakeFirst();
      return row && fromJson<Policy>(row.document);
    },
    async insert(policy) {
      const result = await db
        .insertInto("policies")
        .values({
          id: policy.id,
          tenant_id: policy.tenantId,
          document: toJson(policy),
          created_at: policy.createdAt,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirstOrThrow();
      if (!inserted(result)) throw conflict(`Policy already exists: ${policy.id}`);
      await bumpRevision(db, policy.tenantId, "policies", changed);
    },
    async update(policy) {
      const result = await db
        .updateTable("policies")
        .set({ document: toJson(policy) })
        .where("id", "=", policy.id)
        .where("tenant_id", "=", policy.tenantId)
        .executeTakeFirstOrThrow();
      if (result.numUpdatedRows === 1n) await bumpRevision(db, policy.tenantId, "policies", changed);
    },
    async delete(tenantId, id) {
      const result = await db
        .deleteFrom("policies")
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId)
        .executeTakeFirstOrThrow();
      const deleted = result.numDeletedRows === 1n;
      if (deleted) await bumpRevision(db, tenantId, "policies", changed);
      return deleted;
    },
    revision: (tenantId) => readRevision(revisions.runner, revisions.prepared, tenantId, "policies"),
    rulesRevisions: (tenantId) => readRulesRevisions(revisions, tenantId),
  };
}
