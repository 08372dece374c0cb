import type { Approval, ApprovalRepo, ApprovalStatus } from "@intendedops/core";
import type { Insertable, Kysely, Selectable } from "kysely";
import type { ApprovalsTable, Database } from "../database";
import type { DialectAdapter, SqlRunner } from "../dialects/dialect-adapter";
import { fromJson, toJson } from "./json-columns";
import { inListOrder, nearerEnd, pageWindow, readOrder, toPage } from "./pagination";
import { type Placeholders, prepareSql, runChanges } from "./prepared-sql";
import { conflict } from "./write-results";

const APPROVAL_COLUMNS = Object.keys({
  id: 1,
  tenant_id: 1,
  intent_id: 1,
  status: 1,
  reasons: 1,
  required_approvals: 1,
  votes: 1,
  decided_by: 1,
  decided_by_name: 1,
  decided_at: 1,
  rejection_reason: 1,
  requested_at: 1,
  expires_at: 1,
} satisfies Record<keyof ApprovalsTable, 1>) as (keyof ApprovalsTable)[];

/** The approval insert of every pending submission, compiled once per store. */
export function prepareApprovalSql(db: Kysely<Database>) {
  return {
    insert: prepareSql(APPROVAL_COLUMNS, (p: Placeholders<keyof ApprovalsTable>) =>
      db
        .insertInto("approvals")
        .values(p)
        .onConflict((oc) => oc.doNothing()),
    ),
  };
}

export type ApprovalSql = ReturnType<typeof prepareApprovalSql>;

function toRow(approval: Approval): Required<Insertable<ApprovalsTable>> {
  return {
    id: approval.id,
    tenant_id: approval.tenantId,
    intent_id: approval.intentId,
    status: approval.status,
    reasons: toJson(approval.reasons),
    required_approvals: approval.requiredApprovals,
    votes: toJson(approval.votes),
    decided_by: approval.decidedBy,
    decided_by_name: approval.decidedByName,
    decided_at: approval.decidedAt,
    rejection_reason: approval.rejectionReason,
    requested_at: approval.requestedAt,
    expires_at: approval.expiresAt,
  };
}

function fromRow(row: Selectable<ApprovalsTable>): Approval {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    intentId: row.intent_id,
    status: row.status as ApprovalStatus,
    reasons: fromJson(row.reasons),
    requiredApprovals: row.required_approvals,
    votes: fromJson(row.votes),
    decidedBy: row.decided_by,
    decidedByName: row.decided_by_name,
    decidedAt: row.decided_at,
    rejectionReason: row.rejection_reason,
    requestedAt: row.requested_at,
    expiresAt: row.expires_at,
  };
}

/** Approvals, listed newest request first; updates are compare-and-set on status. */
export function createApprovalRepo(
  db: Kysely<Database>,
  adapter: DialectAdapter,
  prepared: ApprovalSql,
  runner: SqlRunner,
): ApprovalRepo {
  return {
    async get(tenantId, id, options) {
      const query = db
        .selectFrom("approvals")
        .selectAll()
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId);
      const row = await (options?.forUpdate ? adapter.lockRows(query) : query).executeTakeFirst();
      return row && fromRow(row);
    },
    async getByIntent(tenantId, intentId) {
      const row = await db
        .selectFrom("approvals")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("intent_id", "=", intentId)
        .orderBy("requested_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async insert(approval) {
      const changed = await runChanges(runner, prepared.insert, toRow(approval));
      if (changed !== 1) throw conflict(`Approval already exists: ${approval.id}`);
    },
    async update(approval, expectedStatus) {
      const { id, tenant_id, intent_id, requested_at, ...changes } = toRow(approval);
      const result = await db
        .updateTable("approvals")
        .set(changes)
        .where("id", "=", id)
        .where("tenant_id", "=", tenant_id)
        .where("status", "=", expectedStatus)
        .executeTakeFirstOrThrow();
      return result.numUpdatedRows === 1n;
    },
    async list(tenantId, filter, page) {
      const requested = pageWindow(page);
      let rows = db.selectFrom("approvals").selectAll().where("tenant_id", "=", tenantId);
      let total = db
        .selectFrom("approvals")
        .select((eb) => eb.fn.countAll<number>().as("total"))
        .where("tenant_id", "=", tenantId);
      if (filter.status !== undefined) {
        rows = rows.where("status", "=", filter.status);
        total = total.where("status", "=", filter.status);
      }
      const counted = Number((await total.executeTakeFirstOrThrow()).total);
      const window = nearerEnd(requested, counted);
      const items = window
        ? await rows
            .orderBy("requested_at", readOrder(window, "desc"))
            .orderBy("id", readOrder(window, "desc"))
            .limit(window.limit)
            .offset(window.offset)
            .execute()
        : [];
      return toPage(inListOrder(items, window).map(fromRow), counted, page);
    },
    async countPending(tenantId) {
      const row = await db
        .selectFrom("approvals")
        .select((eb) => eb.fn.countAll<number>().as("total"))
        .where("tenant_id", "=", tenantId)
        .where("status", "=", "pending")
        .executeTakeFirstOrThrow();
      return row.total;
    },
    async countPendingByTenant() {
      const rows = await db
        .selectFrom("approvals")
        .select(["tenant_id", (eb) => eb.fn.countAll<number>().as("total")])
        .where("status", "=", "pending")
        .groupBy("tenant_id")
        .execute();
      return rows.map((row) => ({ tenantId: row.tenant_id, count: row.total }));
    },
    async listExpired(now, limit, after) {
      let query = db
        .selectFrom("approvals")
        .selectAll()
        .where("status", "=", "pending")
        .where("expires_at", "is not", null)
        .where("expires_at", "<=", now);
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb("expires_at", ">", after.expiresAt),
            eb.and([eb("expires_at", "=", after.expiresAt), eb("id", ">", after.id)]),
          ]),
        );
      }
      const rows = await query.orderBy("expires_at").orderBy("id").limit(limit).execute();
      return rows.map(fromRow);
    },
  };
}
