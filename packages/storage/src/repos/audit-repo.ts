import {
  type AuditEvent,
  type AuditFilter,
  type AuditHead,
  type AuditRepo,
  auditDataJson,
  GENESIS_HASH,
  IntendedOpsError,
} from "@intendedops/core";
import { type Insertable, type Kysely, type Selectable, type SelectQueryBuilder, sql } from "kysely";
import type { AuditEventsTable, Database } from "../database";
import { type BatchMemo, remembered } from "../dialects/batch-memo";
import type { DialectAdapter, SqlRunner } from "../dialects/dialect-adapter";
import { fromJson } from "./json-columns";
import { inListOrder, nearerEnd, pageWindow, readOrder, toPage } from "./pagination";
import {
  type Placeholders,
  preparedInsertMany,
  preparedRowsStatement,
  prepareSql,
  queryRows,
  runChanges,
} from "./prepared-sql";
import type { SubscriptionsReadUnderLock } from "./subscriptions-read-under-lock";

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

/**
 * The rows as a `VALUES` list aliased `v` with the audit columns, for an `INSERT … SELECT`. Its
 * placeholders have no target column to take their types from, so the two columns that are not
 * text are cast to theirs.
 */
function valuesOf(rows: Placeholders<keyof AuditEventsTable>[], adapter: DialectAdapter) {
  const typed = (column: keyof AuditEventsTable, value: unknown) =>
    column === "seq"
      ? sql`cast(${value} as bigint)`
      : column === "data"
        ? sql`cast(${value} as ${sql.raw(String(adapter.columnTypes.json))})`
        : sql`${value}`;
  const list = sql.join(
    rows.map((row) => sql`(${sql.join(AUDIT_COLUMNS.map((column) => typed(column, row[column])))})`),
  );
  return sql<AuditEventsTable>`(values ${list})`.as<"v">(
    sql`v(${sql.join(AUDIT_COLUMNS.map((column) => sql.ref(column)))})`,
  );
}

/**
 * Stands in for the `data` of a row whose text is no longer JSON (edited in the database): it
 * cannot be serialized, so the verifier reports that event as the first invalid one instead of
 * the whole verification failing with a parse error.
 */
const UNREADABLE_DATA: Record<string, unknown> = Object.freeze({
  toJSON(): never {
    throw new TypeError("audit event data is not valid JSON");
  },
});

function readData(text: string): AuditEvent["data"] {
  try {
    return fromJson(text);
  } catch {
    return UNREADABLE_DATA;
  }
}

/**
 * The `data` of a listed event. A row whose text is no longer JSON (edited in the database) is
 * listed with its stored text as `{"$unreadable": text}` rather than failing the whole page with a
 * 500: an auditor's export then reaches every event, and the hashes of that one fail at its seq,
 * on the server and offline, as `GET /v1/audit/verify` reports it.
 */
function listedData(text: string): AuditEvent["data"] {
  try {
    return fromJson(text);
  } catch {
    return { $unreadable: text };
  }
}

function fromRow(
  row: Selectable<AuditEventsTable>,
  data: AuditEvent["data"] = listedData(row.data),
): AuditEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    seq: row.seq,
    eventType: row.event_type,
    actor: row.actor,
    agentId: row.agent_id,
    intentId: row.intent_id,
    data,
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

/**
 * A stored seq a scan can page from: a number JavaScript holds exactly (a tampered row can hold a
 * seq past 2^53, or on SQLite any value at all).
 */
function isPageableSeq(seq: unknown): seq is number {
  return typeof seq === "number" && Math.abs(seq) <= Number.MAX_SAFE_INTEGER;
}

/** Lets timers and I/O that became ready run before the next batch (one macrotask turn). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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
    lockTenant: prepareSql(["tenantId"], (p) =>
      adapter.lockRows(db.selectFrom("tenants").select("id").where("id", "=", p.tenantId)),
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
    /**
     * PostgreSQL: the head's compare-and-set, the insert and the read of the tenant's webhook
     * subscriptions in one statement. All three run while the tenant's head is locked, and every
     * round trip there is one that all the tenant's other writers wait for. The insert takes its
     * rows only when the head moved, so an append refused as not continuing the chain writes
     * nothing (a caller that catches the refusal and commits must not leave events past the head).
     * It answers one row when the head moved (none otherwise, as `moveHead` answers 0), with the
     * subscriptions (subscriptions-read-under-lock.ts).
     */
    insertEventsMovingHead: adapter.writesInWith
      ? preparedRowsStatement(
          AUDIT_COLUMNS,
          ["tenantId", "seq", "hash", "fromSeq", "fromHash"] as const,
          (rows, p) =>
            db
              .with("moved", (qc) =>
                qc
                  .updateTable("audit_heads")
                  .set({ seq: p.seq, hash: p.hash })
                  .where("tenant_id", "=", p.tenantId)
                  .where("seq", "=", p.fromSeq)
                  .where("hash", "=", p.fromHash)
                  .returning("tenant_id"),
              )
              .with("appended", (qc) =>
                qc
                  .insertInto("audit_events")
                  .columns(AUDIT_COLUMNS)
                  .expression(
                    qc
                      .selectFrom(valuesOf(rows, adapter))
                      .selectAll()
                      .where((eb) => eb.exists(eb.selectFrom("moved").select("tenant_id"))),
                  ),
              )
              .selectFrom("moved")
              .select(
                sql<string[] | null>`(select array_agg(${sql.ref("events")}::text) from ${sql.table(
                  "webhook_endpoints",
                )} where ${sql.ref("tenant_id")} = ${p.tenantId} and ${sql.ref("disabled_at")} is null)`.as(
                  "subscriptions",
                ),
              ),
          toRow,
        )
      : undefined,
    isUniqueViolation: adapter.isUniqueViolation,
  };
}

export type AuditSql = ReturnType<typeof prepareAuditSql>;

/**
 * The per-tenant audit chain. The head row (`audit_heads`) is the only source of the next seq:
 * `lockHead` locks it until commit and `append` moves it only from where the events start. A
 * tenant's first append stores the row; until then the chain is empty and its head is genesis.
 */
export function createAuditRepo(
  db: Kysely<Database>,
  prepared: AuditSql,
  runner: SqlRunner,
  memo?: BatchMemo,
  subscriptions?: SubscriptionsReadUnderLock,
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

  /**
   * A genesis head over stored events means the head row was deleted in the database: restarting
   * at seq 0 would hide the chain from verification (scan stops at the head) and make every later
   * append collide at seq 1. Refuse (the transaction rolls back).
   */
  const refuseMissingHead = async (tenantId: string): Promise<void> => {
    const stored = await db
      .selectFrom("audit_events")
      .select("seq")
      .where("tenant_id", "=", tenantId)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    if (stored) {
      throw new IntendedOpsError(
        "INTERNAL_ERROR",
        `The audit_heads row of ${tenantId} is missing while its chain has events up to seq ${stored.seq}: the audit log was tampered with`,
      );
    }
  };

  /**
   * The head of a tenant without a `tenants` row (the governor embedded without the API's
   * tenants): the genesis row is stored and locked, as no other row can serialize its first
   * writers (a concurrent first writer may win; then this insert does nothing).
   */
  const genesisHeadRow = async (tenantId: string): Promise<AuditHead> => {
    const inserted = await db
      .insertInto("audit_heads")
      .values({ tenant_id: tenantId, seq: 0, hash: GENESIS_HASH })
      .onConflict((oc) => oc.column("tenant_id").doNothing())
      .returning("tenant_id")
      .executeTakeFirst();
    if (inserted) await refuseMissingHead(tenantId);
    const created = await lockedHead(tenantId);
    if (!created) throw new IntendedOpsError("INTERNAL_ERROR", `Audit head of ${tenantId} vanished`);
    return created;
  };

  /** Stores the head row of a tenant's first events (true), unless they do not start the chain. */
  const startChain = async (tenantId: string, first: AuditEvent, last: AuditEvent): Promise<boolean> => {
    if (first.seq !== 1 || first.prevHash !== GENESIS_HASH) return false;
    const inserted = await db
      .insertInto("audit_heads")
      .values({ tenant_id: tenantId, seq: last.seq, hash: last.hash })
      .onConflict((oc) => oc.column("tenant_id").doNothing())
      .returning("tenant_id")
      .executeTakeFirst();
    return inserted !== undefined;
  };

  return {
    async lockHead(tenantId): Promise<AuditHead> {
      const head = await lockedHead(tenantId);
      if (head) return head;
      // No head row: an empty chain, or a head row deleted in the database. Verification locks the
      // head too (GET /v1/audit/verify, which read_only keys may call), so an empty chain must not
      // store its genesis row here: the first append stores the row. First writers of a tenant
      // instead wait for each other on the tenant's row, which the API creates with every tenant.
      const [tenant] = await queryRows<{ id: string }, "tenantId">(runner, prepared.lockTenant, { tenantId });
      if (!tenant) return genesisHeadRow(tenantId);
      // A first writer we waited for has stored the head row.
      const stored = await lockedHead(tenantId);
      if (stored) return stored;
      await refuseMissingHead(tenantId);
      return { seq: 0, hash: GENESIS_HASH };
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
      const move = {
        tenantId,
        seq: last.seq,
        hash: last.hash,
        fromSeq: first.seq - 1,
        fromHash: first.prevHash,
      };
      const together = prepared.insertEventsMovingHead;
      if (together && events.length <= INSERT_BATCH) {
        let moved: { subscriptions: string[] | null }[];
        try {
          moved = await runner.rows(...together(events, move));
        } catch (error) {
          // The head moved, but events past it were already stored (rows written in the database).
          if (prepared.isUniqueViolation(error)) throw brokenChain(tenantId, first.seq);
          throw error;
        }
        const [row] = moved;
        if (row) subscriptions?.put(tenantId, row.subscriptions ?? []);
        else {
          // Nothing written: a tenant's first events store the head row and then go in.
          if (!(await startChain(tenantId, first, last))) throw brokenChain(tenantId, first.seq);
          await prepared.insertEvents(runner, events);
        }
        memo?.set("audit_heads", tenantId, { seq: last.seq, hash: last.hash });
        return;
      }
      const moved = await runChanges(runner, prepared.moveHead, move);
      if (moved !== 1 && !(await startChain(tenantId, first, last))) throw brokenChain(tenantId, first.seq);
      memo?.set("audit_heads", tenantId, { seq: last.seq, hash: last.hash });
      await prepared.insertEvents(runner, events);
    },

    async list(tenantId, filter, page) {
      const { limit, offset } = pageWindow(page);
      const unfiltered =
        filter.eventType === undefined && filter.agentId === undefined && filter.intentId === undefined;
      if (unfiltered && filter.fromDate === undefined && filter.toDate === undefined) {
        // The whole chain: its events are seq 1…n without gaps unless rows were edited in the
        // database, so when the lowest seq is 1 and the count equals the highest, page N is a seq
        // range of the primary key (the count alone is not enough: a deleted row and a forged one
        // at seq 0 or below keep it equal, and the range would skip one and repeat another). An
        // offset walked every skipped entry (on PostgreSQL every skipped row: 0.4–0.9 s for a page
        // past 780,000 events); with a gap, the offset as before. The highest seq is read first
        // (one index probe) and bounds the count and the page, so both describe the same chain
        // while events are appended (count and max in one statement cost SQLite 1.7 counts).
        const highest = await db
          .selectFrom("audit_events")
          .select((eb) => eb.fn.max("seq").as("last"))
          .where("tenant_id", "=", tenantId)
          .executeTakeFirst();
        const last = Number(highest?.last ?? 0);
        const upToLast = () =>
          db.selectFrom("audit_events").where("tenant_id", "=", tenantId).where("seq", "<=", last);
        const [counted, lowest, inRange] = await Promise.all([
          upToLast()
            .select((eb) => eb.fn.countAll<number>().as("total"))
            .executeTakeFirstOrThrow(),
          // Its own statement: SQLite answers a lone min() with one index probe, min() and max()
          // together with a scan.
          upToLast()
            .select((eb) => eb.fn.min("seq").as("first"))
            .executeTakeFirst(),
          upToLast().selectAll().where("seq", ">", offset).orderBy("seq").limit(limit).execute(),
        ]);
        const total = Number(counted.total);
        const gapless = total === last && (total === 0 || Number(lowest?.first) === 1);
        const rows = gapless
          ? inRange
          : offset >= total
            ? []
            : await upToLast().selectAll().orderBy("seq").limit(limit).offset(offset).execute();
        return toPage(
          rows.map((row) => fromRow(row)),
          total,
          page,
        );
      }
      if (filter.fromDate === undefined && filter.toDate === undefined) {
        const counted = await filtered(
          db.selectFrom("audit_events").select((eb) => eb.fn.countAll<number>().as("total")),
          tenantId,
          filter,
        ).executeTakeFirstOrThrow();
        const total = Number(counted.total);
        // An event type's, agent's or intent's events: a deep page is read from the nearer end.
        const window = nearerEnd({ limit, offset }, total);
        const rows = window
          ? await filtered(db.selectFrom("audit_events").selectAll(), tenantId, filter)
              .orderBy("seq", readOrder(window, "asc"))
              .limit(window.limit)
              .offset(window.offset)
              .execute()
          : [];
        return toPage(
          inListOrder(rows, window).map((row) => fromRow(row)),
          total,
          page,
        );
      }
      // A date filter: one pass over the (tenant_id, timestamp, seq) index counts the events and
      // finds the seq window they lie in; the page is then read in chain order inside that window
      // (the date condition still applies to every row). Ordering the date index's rows by seq
      // instead sorted every matching event in memory: a year's filter sorted the whole chain.
      const window = await filtered(
        db
          .selectFrom("audit_events")
          .select((eb) => [
            eb.fn.countAll<number>().as("total"),
            eb.fn.min("seq").as("first"),
            eb.fn.max("seq").as("last"),
          ]),
        tenantId,
        filter,
      ).executeTakeFirstOrThrow();
      const total = Number(window.total);
      if (total === 0 || offset >= total || window.first === null || window.last === null) {
        return toPage([], total, page);
      }
      const rows = await filtered(db.selectFrom("audit_events").selectAll(), tenantId, filter)
        .where("seq", ">=", Number(window.first))
        .where("seq", "<=", Number(window.last))
        .orderBy("seq")
        .limit(limit)
        .offset(offset)
        .execute();
      return toPage(
        rows.map((row) => fromRow(row)),
        total,
        page,
      );
    },

    async *scan(tenantId, batchSize = 1000) {
      const limit = Math.max(1, Math.floor(batchSize));
      // Every row stored now, past the head too (a row written around the chain must be seen);
      // events appended while scanning belong to a later verification.
      const last = await db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      if (last?.seq === null || last?.seq === undefined) return;
      const end = Number(last.seq);
      // A highest seq JavaScript cannot hold exactly (edited past 2^53) bounds nothing: rounded, it
      // hid the row, or on PostgreSQL fell outside bigint and verification answered 500.
      const bounded = isPageableSeq(end);
      // The first batch has no lower bound: a row stored before seq 1 (seq 0 or negative, which no
      // append writes) was skipped, so GET /v1/audit listed it while verification said valid.
      let after: number | undefined;
      for (;;) {
        let query = db.selectFrom("audit_events").selectAll().where("tenant_id", "=", tenantId);
        if (after !== undefined) query = query.where("seq", ">", after);
        if (bounded) query = query.where("seq", "<=", end);
        const rows = await query.orderBy("seq").limit(limit).execute();
        const lastRow = rows[rows.length - 1];
        if (!lastRow) return;
        yield rows.map((row) => fromRow(row, readData(row.data)));
        // Past a seq that cannot be paged from exactly, stop: the verifier has failed there already.
        if (rows.length < limit || !isPageableSeq(lastRow.seq) || (bounded && lastRow.seq >= end)) return;
        after = lastRow.seq;
        // SQLite answers synchronously, so without this a whole chain's batches (and the hashing
        // of each) would run as one stretch of microtasks: no other request, not even /health,
        // was served until the last batch (24 s for 783,000 events).
        await yieldToEventLoop();
      }
    },
  };
}
