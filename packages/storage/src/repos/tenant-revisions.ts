import type { RulesRevisions } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database } from "../database";
import { type BatchMemo, remembered } from "../dialects/batch-memo";
import type { SqlRunner } from "../dialects/dialect-adapter";
import { prepareSql, queryRows } from "./prepared-sql";
import type { RevisionsReadWithAgent } from "./revisions-read-with-agent";

export type RevisionKind = "policies" | "intentions";

/**
 * Moves the tenant's counter for `kind` by one, in the caller's transaction; `changed` tells the
 * transaction runner (group commit seals its batch after this transaction).
 */
export async function bumpRevision(
  db: Kysely<Database>,
  tenantId: string,
  kind: RevisionKind,
  changed: () => void,
): Promise<void> {
  changed();
  await db
    .insertInto("tenant_revisions")
    .values({ tenant_id: tenantId, kind, revision: 1 })
    .onConflict((oc) =>
      oc
        .columns(["tenant_id", "kind"])
        .doUpdateSet((eb) => ({ revision: eb("tenant_revisions.revision", "+", 1) })),
    )
    .execute();
}

/** The revision lookup every submission runs, compiled once per store. */
export function prepareRevisionSql(db: Kysely<Database>) {
  return {
    read: prepareSql(["tenantId", "kind"], (p) =>
      db
        .selectFrom("tenant_revisions")
        .select("revision")
        .where("tenant_id", "=", p.tenantId)
        .where("kind", "=", p.kind),
    ),
    // Every kind of the tenant (there are two): a primary-key prefix scan, cheaper than `kind in (…)`.
    readBoth: prepareSql(["tenantId"], (p) =>
      db.selectFrom("tenant_revisions").select(["kind", "revision"]).where("tenant_id", "=", p.tenantId),
    ),
  };
}

export type RevisionSql = ReturnType<typeof prepareRevisionSql>;

/**
 * How a repo reads revisions: the store's statements on its runner, the batch's memo if any, and
 * what the transaction's agent lookup read alongside the agent, if anything.
 */
export interface RevisionReader {
  prepared: RevisionSql;
  runner: SqlRunner;
  memo?: BatchMemo | undefined;
  withAgent?: RevisionsReadWithAgent | undefined;
}

/** Both revisions a submission keys its compiled rules on, in one primary-key range read. */
export async function readRulesRevisions(
  { prepared, runner, memo, withAgent }: RevisionReader,
  tenantId: string,
): Promise<RulesRevisions> {
  const readAlready = withAgent?.take(tenantId);
  if (readAlready) return readAlready;
  const rows = await remembered(memo, "tenant_revisions", tenantId, () =>
    queryRows<{ kind: string; revision: number }, "tenantId">(runner, prepared.readBoth, { tenantId }),
  );
  const revisions: RulesRevisions = { policies: 0, intentions: 0 };
  for (const row of rows) {
    if (row.kind === "policies" || row.kind === "intentions") revisions[row.kind] = row.revision;
  }
  return revisions;
}

/** The tenant's counter for `kind` (0 before the first change): one primary-key lookup. */
export async function readRevision(
  runner: SqlRunner,
  prepared: RevisionSql,
  tenantId: string,
  kind: RevisionKind,
): Promise<number> {
  const [row] = await queryRows<{ revision: number }, "tenantId" | "kind">(runner, prepared.read, {
    tenantId,
    kind,
  });
  return row?.revision ?? 0;
}
