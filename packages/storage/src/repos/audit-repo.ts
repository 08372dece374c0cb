import {
  type AuditEvent,
  type AuditFilter,
  type AuditHead,
  type AuditRepo,
  auditDataJson,
  GENESIS_HASH,
  IntendedOpsError,
} from "@intendedops/core";
import type { Insertable, Kysely, Selectable, SelectQueryBuilder } from "kysely";
import type { AuditEventsTable, Database } from "../database";
import { type BatchMemo, remembered } from "../dialects/batch-memo";
import type { DialectAdapter, SqlRunner } from "../dialects/dialect-adapter";
import { fromJson } from "./json-columns";
import { pageWindow, toPage } from "./pagination";
import { preparedInsertMany, prepareSql, queryRows, runChanges } from "./prepared-sql";

/** Rows per INSERT statement: a few prepared shapes cover every append. */
const INSERT_BATCH = 16;

const AUDIT_COLUMNS = Object.keys({
  tenant_id: 1,
  seq: 1,
  id: 1,
  event_type: 1,
  actor: 1,
  agent_id: 1,
  intent_id: 1,
  data: 1,
  timestamp: 1,
  prev_hash: 1,
  hash: 1,
  leaf_hash: 1,
} satisfies Record<keyof AuditEventsTable, 1>) as (keyof AuditEventsTable)[];

function toRow(event: AuditEvent): Required<Insertable<AuditEventsTable>> {
  return {
    tenant_id: event.tenantId,
    seq: event.seq,
    id: event.id,
    event_type: event.eventType,
    actor: event.actor,
    agent_id: event.agentId,
    intent_id: event.intentId,
    // The canonical text the event's hashes cover (no second serialization for a built event).
    data: auditDataJson(event),
    timestamp: event.timestamp,
    prev_hash: event.prevHash,
    hash: event.hash,
    leaf_hash: event.leafHash,
  };
}

function fromRow(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    seq: row.seq,
    eventType: row.event_type,
    actor: row.actor,
    agentId: row.agent_id,
    intentId: row.intent_id,
    data: fromJson(row.data),
    timestamp: row.timestamp,
    prevHash: row.prev_hash,
    hash: row.hash,
    leafHash: row.leaf_hash,
  };
}

function filtered<O>(
  query: SelectQueryBuilder<Database, "audit_events", O>,
  tenantId: string,
  filter: AuditFilter,
): SelectQueryBuilder<Database, "audit_events", O> {
  let q = query.where("tenant_id", "=", tenantId);
  if (filter.eventType !== undefined) q = q.where("event_type", "=", filter.eventType);
  if (filter.agentId !== undefined) q = q.where("agent_id", "=", filter.agentId);
  if (filter.intentId !== undefined) q = q.where("intent_id", "=", filter.intentId);
  if (filter.fromDate !== undefined) q = q.where("timestamp", ">=", filter.fromDate);
  if (filter.toDate !== undefined) q = q.where("timestamp", "<=", filter.toDate);
  return q;
}

function brokenChain(tenantId: string, expectedSeq: number): IntendedOpsError {
  return new IntendedOpsError(
    "INTERNAL_ERROR",
    `Audit events must continue the chain of ${tenantId} at seq ${expectedSeq} (append after lockHead)`,
  );
}

/** The statements of every append, compiled once per store. */
export function prepareAuditSql(db: Kysely<Database>, adapter: DialectAdapter) {
  return {
    lockHead: prepareSql(["tenantId"], (p) =>
      adapter.lockRows(
        db.selectFrom("audit_heads").select(["seq", "hash"]).where("tenant_id", "=", p.tenantId),
      ),
    ),
    moveHead: prepareSql(["tenantId", "seq", "hash", "fromSeq", "fromHash"], (p) =>
      db
        .updateTable("audit_heads")
        .set({ seq: p.seq, hash: p.hash })
        .where("tenant_id", "=", p.tenantId)
        .where("seq", "=", p.fromSeq)
        .where("hash", "=", p.fromHash),
    ),
    insertEvents: preparedInsertMany(
      AUDIT_COLUMNS,
      INSERT_BATCH,
      (rows) => db.insertInto("audit_events").values(rows),
      toRow,
    ),
  };
}

export type AuditSql = ReturnType<typeof prepareAuditSql>;

/**
 * The per-tenant audit chain. The head row (`audit_heads`) is the only source of the next seq:
 * `lockHead` locks it until commit and `append` moves it only from where the events start.
 */
export function createAuditRepo(
  db: Kysely<Database>,
  prepared: AuditSql,
  runner: SqlRunner,
  memo?: BatchMemo,
): AuditRepo {
  const lockedHead = async (tenantId: string): Promise<AuditHead | undefined> => {
    // In a batch, the head the previous member moved to (see append); the compare-and-set in
    // append still checks it against the row, so a wrong head could only fail, never fork.
    const head = await remembered(memo, "audit_heads", tenantId, async () => {
      const [row] = await queryRows<AuditHead, "tenantId">(runner, prepared.lockHead, { tenantId });
      return row ?? null;
    });
    return head === null ? undefined : { seq: head.seq, hash: head.hash };
  };

  return {
    async lockHead(tenantId): Promise<AuditHead> {
      const head = await lockedHead(tenantId);
      if (head) return head;
      // First event of the tenant: create the genesis head, then lock it like any other.
      await db
        .insertInto("audit_heads")
        .values({ tenant_id: tenantId, seq: 0, hash: GENESIS_HASH })
        .onConflict((oc) => oc.column("tenant_id").doNothing())
        .execute();
      const created = await lockedHead(tenantId);
      if (!created) throw new IntendedOpsError("INTERNAL_ERROR", `Audit head of ${tenantId} vanished`);
      return created;
    },

    async append(tenantId, events) {
      const first = events[0];
      const last = events[events.length - 1];
      if (!first || !last) return;
      events.forEach((event, index) => {
        if (event.tenantId !== tenantId || event.seq !== first.seq + index) {
          throw brokenChain(tenantId, first.seq);
        }
      });
      // Compare-and-set on the head: events must start right after it and link to its hash.
      const moved = await runChanges(runner, prepared.moveHead, {
        tenantId,
        seq: last.seq,
        hash: last.hash,
        fromSeq: first.seq - 1,
        fromHash: first.prevHash,
      });
      if (moved !== 1) throw brokenChain(tenantId, first.seq);
      memo?.set("audit_heads", tenantId, { seq: last.seq, hash: last.hash });
      await prepared.insertEvents(runner, events);
    },

    async list(tenantId, filter, page) {
      const { limit, offset } = pageWindow(page);
      const [rows, total] = await Promise.all([
        filtered(db.selectFrom("audit_events").selectAll(), tenantId, filter)
          .orderBy("seq")
          .limit(limit)
          .offset(offset)
          .execute(),
        filtered(
          db.selectFrom("audit_events").select((eb) => eb.fn.countAll<number>().as("total")),
          tenantId,
          filter,
        ).executeTakeFirstOrThrow(),
      ]);
      return toPage(rows.map(fromRow), total.total, page);
    },

    async *scan(tenantId, batchSize = 1000) {
      const limit = Math.max(1, Math.floor(batchSize));
      // The chain as of now: events appended while scanning belong to a later verification.
      const head = await db
        .selectFrom("audit_heads")
        .select("seq")
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      const end = head?.seq ?? 0;
      let after = 0;
      while (after < end) {
        const rows = await db
          .selectFrom("audit_events")
          .selectAll()
          .where("tenant_id", "=", tenantId)
          .where("seq", ">", after)
          .where("seq", "<=", end)
          .orderBy("seq")
          .limit(limit)
          .execute();
        const lastRow = rows[rows.length - 1];
        if (!lastRow) return;
        yield rows.map(fromRow);
        after = lastRow.seq;
      }
    },
  };
}
