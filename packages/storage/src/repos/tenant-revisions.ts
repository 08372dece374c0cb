import type { Kysely } from "kysely";
import type { Database } from "../database";

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

/** The tenant's counter for `kind` (0 before the first change): one primary-key lookup. */
export async function readRevision(
  db: Kysely<Database>,
  tenantId: string,
  kind: RevisionKind,
): Promise<number> {
  const row = await db
    .selectFrom("tenant_revisions")
    .select("revision")
    .where("tenant_id", "=", tenantId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row?.revision ?? 0;
}
