import type { Page, PageRequest } from "@intendedops/core";
import { type ExpressionBuilder, type Kysely, type Selectable, sql } from "kysely";
import type { DialectAdapter } from "../dialects/dialect-adapter";
import { pageWindow, toPage } from "../repos/pagination";
import { type ClaimTally, createClaimTally } from "./claim-tally";
import type { WebhookAttemptsTable, WebhookDatabase, WebhookDeliveriesTable } from "./webhook-tables";

/** `pending` while attempts remain, then `succeeded` (a 2xx) or `failed` (schedule exhausted, 410). */
export type WebhookDeliveryStatus = "pending" | "succeeded" | "failed";

/** One event on its way to one endpoint. */
export interface WebhookDeliveryRecord {
  /** `dlv_…`. */
  id: string;
  tenantId: string;
  endpointId: string;
  /** The payload id (`whk_…`): the same on every attempt and every endpoint. */
  eventId: string;
  event: string;
  /** The exact body every attempt sends. */
  body: string;
  status: WebhookDeliveryStatus;
  /** Attempts started so far (a claim counts one). */
  attempts: number;
  /** When the next attempt is due; null once the delivery is settled. */
  nextAttemptAt: string | null;
  /** A worker holds the delivery until then; null when nobody does. */
  claimedUntil: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

/** One HTTP attempt of a delivery. */
export interface WebhookAttemptRecord {
  deliveryId: string;
  /** 1 for the first attempt. */
  attempt: number;
  tenantId: string;
  attemptedAt: string;
  /** The receiver's status code; null when no response came (timeout, refused, network error). */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export type WebhookDeliveryWithAttempts = WebhookDeliveryRecord & { attemptLog: WebhookAttemptRecord[] };

/** A delivery to create: pending, no attempt yet. */
export type NewWebhookDelivery = Pick<
  WebhookDeliveryRecord,
  "id" | "tenantId" | "endpointId" | "eventId" | "event" | "body" | "createdAt"
> & { nextAttemptAt: string };

/** What an attempt leaves behind on its delivery. */
export interface WebhookDeliveryOutcome {
  status: WebhookDeliveryStatus;
  nextAttemptAt: string | null;
  /** The time of the write (updated_at, and completed_at when settled). */
  at: string;
}

export interface ClaimOptions {
  /** ISO time: only deliveries due by then, and not held by another worker, are taken. */
  now: string;
  /** ISO time the claim lasts until; a worker that dies leaves the delivery to others after it. */
  claimUntil: string;
}

export interface WebhookDeliveryRepo {
  /** Creates pending deliveries; one that exists for the same (endpoint, event) is skipped. Returns how many were new. */
  insertMany(deliveries: readonly NewWebhookDelivery[]): Promise<number>;
  get(tenantId: string, id: string): Promise<WebhookDeliveryWithAttempts | undefined>;
  /** An endpoint's deliveries with every attempt, newest first. */
  list(tenantId: string, endpointId: string, page: PageRequest): Promise<Page<WebhookDeliveryWithAttempts>>;
  /**
   * Claims up to `limit` due pending deliveries of enabled endpoints, across tenants: each one's
   * attempt count goes up by one and it is held until `claimUntil`. No endpoint gets more than
   * `perEndpoint` (default `MAX_CLAIMS_PER_ENDPOINT`) held at once, counting claims still held from
   * earlier calls, so a receiver that hangs until the timeout holds a few of the dispatcher's slots
   * and every other endpoint keeps its deliveries flowing. No tenant gets more than `perTenant`
   * (default `MAX_CLAIMS_PER_TENANT`) held at once across its endpoints, so a tenant with several
   * hanging endpoints cannot take every slot from the other tenants either. Run it inside a
   * transaction: on PostgreSQL concurrent claimers skip each other's rows (`FOR UPDATE SKIP LOCKED`).
   */
  claimDue(
    options: ClaimOptions & { limit: number; perEndpoint?: number; perTenant?: number },
  ): Promise<WebhookDeliveryRecord[]>;
  /** Claims one delivery whatever its status (a manual redelivery), unless a worker holds it. */
  claim(tenantId: string, id: string, options: ClaimOptions): Promise<WebhookDeliveryRecord | undefined>;
  /**
   * Records an attempt and, if the delivery is still at that attempt (no later claim took it
   * over), applies the outcome and releases the claim. Returns whether the outcome was applied.
   */
  settle(attempt: WebhookAttemptRecord, outcome: WebhookDeliveryOutcome): Promise<boolean>;
  /**
   * Deletes up to `limit` deliveries that settled (succeeded or failed) before `before`, with their
   * attempts; returns how many. Pending deliveries are kept whatever their age.
   */
  purgeSettled(before: string, limit: number): Promise<number>;
}

/**
 * Deliveries one endpoint may have claimed at once. With a single bound on the dispatcher's slots
 * (16), one hanging receiver held them all for its 10 s timeout and every other endpoint waited:
 * delivery fell to about 5 attempts a second across all tenants.
 */
export const MAX_CLAIMS_PER_ENDPOINT = 4;

/**
 * Deliveries one tenant may have claimed at once, over all its endpoints: half the dispatcher's
 * slots (16). With the per-endpoint bound alone, a tenant with four hanging endpoints and a backlog
 * held all 16 slots, and every other tenant's deliveries waited until that backlog was attempted.
 */
export const MAX_CLAIMS_PER_TENANT = 8;

/**
 * Claimable deliveries a claim reads in due order before it looks endpoint by endpoint: enough for
 * the dispatcher's 16 slots when a few endpoints stand at their bound, few enough that reading
 * (and on PostgreSQL locking) them costs little when a backlog stands in front.
 */
const DUE_WINDOW = 64;

/** Rows per INSERT statement: well inside both dialects' bound-parameter limits. */
const INSERT_BATCH = 200;

function fromRow(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    event: row.event,
    body: row.body,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    claimedUntil: row.claimed_until,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

function attemptFromRow(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  return {
    deliveryId: row.delivery_id,
    attempt: row.attempt,
    tenantId: row.tenant_id,
    attemptedAt: row.attempted_at,
    statusCode: row.status_code,
    latencyMs: row.latency_ms,
    error: row.error,
  };
}

/** Webhook deliveries and their attempts: the dispatcher's queue and the tenant's delivery log. */
export function createWebhookDeliveryRepo(
  db: Kysely<WebhookDatabase>,
  adapter: DialectAdapter,
): WebhookDeliveryRepo {
  async function withAttempts(rows: Selectable<WebhookDeliveriesTable>[]) {
    if (rows.length === 0) return [];
    const attempts = await db
      .selectFrom("webhook_attempts")
      .selectAll()
      .where(
        "delivery_id",
        "in",
        rows.map((row) => row.id),
      )
      .orderBy("delivery_id")
      .orderBy("attempt")
      .execute();
    const byDelivery = new Map<string, WebhookAttemptRecord[]>();
    for (const row of attempts) {
      const log = byDelivery.get(row.delivery_id) ?? [];
      log.push(attemptFromRow(row));
      byDelivery.set(row.delivery_id, log);
    }
    return rows.map((row) => ({ ...fromRow(row), attemptLog: byDelivery.get(row.id) ?? [] }));
  }

  /**
   * Takes into `tally` the oldest claimable deliveries in due order that the bounds allow, from the
   * DUE_WINDOW oldest pending deliveries no worker holds (webhook_deliveries_pending_by_due, read in
   * order): when few are due, as usual, the window holds all of them, and endpoints waiting for a
   * retry are read no further than the window. Returns whether every row of a full window was
   * due: then more may be due behind it.
   */
  async function claimFromDueWindow(now: string, limit: number, tally: ClaimTally): Promise<boolean> {
    // The due bound is applied here, not in SQL: given `next_attempt_at <= now`, PostgreSQL
    // without statistics read every entry up to now in a bitmap (66,000 of them in a soak run, dead
    // ones included, 16 ms a claim) and sorted, where the index in order with the limit reads 64.
    const window = await db
      .selectFrom("webhook_deliveries as d")
      .where(unheldAt(now))
      .select([
        "d.id",
        "d.tenant_id",
        "d.endpoint_id",
        "d.next_attempt_at",
        (eb) =>
          eb
            .selectFrom("webhook_endpoints as e")
            .whereRef("e.id", "=", "d.endpoint_id")
            .where("e.disabled_at", "is", null)
            .select("e.id")
            .as("enabled"),
      ])
      .orderBy("d.next_attempt_at")
      .orderBy("d.id")
      .limit(DUE_WINDOW)
      .execute();
    // Choose within the bounds, then lock what was chosen. The window itself is not locked: on
    // PostgreSQL that held every row of it until commit, and a concurrent claim skipped them all.
    // A chosen row another claim locked first is given back, and its place goes to the next one.
    const due = window.filter((row) => row.next_attempt_at !== null && row.next_attempt_at <= now);
    const candidates = due.filter((row) => row.enabled !== null);
    let next = 0;
    while (tally.taken.length < limit && next < candidates.length) {
      const chosen: typeof candidates = [];
      for (; next < candidates.length && tally.taken.length < limit; next++) {
        const row = candidates[next] as (typeof candidates)[number];
        if (tally.room(row.endpoint_id, row.tenant_id) <= 0) continue;
        tally.take(row.endpoint_id, row.tenant_id, row.id);
        chosen.push(row);
      }
      if (chosen.length === 0) break;
      const locked = await adapter
        .claimRows(
          db
            .selectFrom("webhook_deliveries as d")
            .where(
              "d.id",
              "in",
              chosen.map((row) => row.id),
            )
            .where(claimableAt(now))
            .select("d.id"),
        )
        .execute();
      const lockedIds = new Set(locked.map((row) => row.id));
      for (const row of chosen) {
        if (!lockedIds.has(row.id)) tally.giveBack(row.endpoint_id, row.tenant_id, row.id);
      }
    }
    // Every row of a full window due: more may be due behind it.
    return due.length === DUE_WINDOW;
  }

  /**
   * Takes into `tally`, endpoint by endpoint (oldest claimable delivery first), the oldest
   * deliveries the bounds allow, up to `limit` in all.
   */
  async function claimByEndpoint(now: string, limit: number, tally: ClaimTally): Promise<void> {
    const full = tally.full();
    for (const endpoint of await openEndpoints(now, full.endpoints, full.tenants)) {
      const share = Math.min(tally.room(endpoint.id, endpoint.tenant_id), limit - tally.taken.length);
      if (share <= 0) continue;
      const taken = tally.takenFrom(endpoint.id);
      let rows = db
        .selectFrom("webhook_deliveries as d")
        .where("d.endpoint_id", "=", endpoint.id)
        .where(claimableAt(now));
      if (taken.length > 0) rows = rows.where("d.id", "not in", taken);
      const ids = await adapter
        .claimRows(rows.select("d.id").orderBy("d.next_attempt_at").orderBy("d.id").limit(share))
        .execute();
      for (const { id } of ids) tally.take(endpoint.id, endpoint.tenant_id, id);
      if (tally.taken.length >= limit) return;
    }
  }

  /**
   * The enabled endpoints with a claimable delivery, oldest first, leaving out `full` endpoints and
   * the endpoints of `fullTenants`. The endpoints with pending deliveries are found one index probe
   * each (a loose scan of webhook_deliveries_pending_by_endpoint: each step finds the next endpoint
   * id after the last), so idle endpoints are not read, nor the backlog of an endpoint at its bound.
   */
  async function openEndpoints(now: string, full: readonly string[], fullTenants: readonly string[]) {
    let query = db
      .withRecursive("pending_endpoints(endpoint_id)", (cte) =>
        cte
          .selectNoFrom((eb) => nextPendingEndpoint(eb).as("endpoint_id"))
          .unionAll((step) =>
            step
              .selectFrom("pending_endpoints as p")
              .select((eb) => nextPendingEndpoint(eb, "p.endpoint_id").as("endpoint_id"))
              .where("p.endpoint_id", "is not", null),
          ),
      )
      .selectFrom("pending_endpoints as p")
      .innerJoin("webhook_endpoints as e", "e.id", "p.endpoint_id")
      .select([
        "e.id",
        "e.tenant_id",
        (eb) =>
          eb
            .selectFrom("webhook_deliveries as d")
            .where(dueRangeOfOuterEndpoint(now))
            .where(claimableAt(now))
            .select("d.next_attempt_at")
            .orderBy("d.endpoint_id")
            .orderBy("d.next_attempt_at")
            .limit(1)
            .as("oldest"),
      ])
      .where("e.disabled_at", "is", null);
    if (full.length > 0) query = query.where("e.id", "not in", full);
    if (fullTenants.length > 0) query = query.where("e.tenant_id", "not in", fullTenants);
    return (await query.execute())
      .filter((endpoint): endpoint is typeof endpoint & { oldest: string } => endpoint.oldest !== null)
      .sort((a, b) => compare(a.oldest, b.oldest) || compare(a.id, b.id));
  }

  return {
    async insertMany(deliveries) {
      let created = 0;
      for (let start = 0; start < deliveries.length; start += INSERT_BATCH) {
        const result = await db
          .insertInto("webhook_deliveries")
          .values(
            deliveries.slice(start, start + INSERT_BATCH).map((delivery) => ({
              id: delivery.id,
              tenant_id: delivery.tenantId,
              endpoint_id: delivery.endpointId,
              event_id: delivery.eventId,
              event: delivery.event,
              body: delivery.body,
              status: "pending",
              attempts: 0,
              next_attempt_at: delivery.nextAttemptAt,
              claimed_until: null,
              last_status_code: null,
              last_error: null,
              created_at: delivery.createdAt,
              updated_at: delivery.createdAt,
              completed_at: null,
            })),
          )
          .onConflict((oc) => oc.columns(["endpoint_id", "event_id"]).doNothing())
          .executeTakeFirstOrThrow();
        created += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
      return created;
    },
    async get(tenantId, id) {
      const row = await db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      if (!row) return undefined;
      const [delivery] = await withAttempts([row]);
      return delivery;
    },
    async list(tenantId, endpointId, page) {
      const { limit, offset } = pageWindow(page);
      const [rows, counted] = await Promise.all([
        db
          .selectFrom("webhook_deliveries")
          .selectAll()
          .where("tenant_id", "=", tenantId)
          .where("endpoint_id", "=", endpointId)
          .orderBy("created_at", "desc")
          .orderBy("id", "desc")
          .limit(limit)
          .offset(offset)
          .execute(),
        db
          .selectFrom("webhook_deliveries")
          .select((eb) => eb.fn.countAll<number>().as("total"))
          .where("tenant_id", "=", tenantId)
          .where("endpoint_id", "=", endpointId)
          .executeTakeFirstOrThrow(),
      ]);
      return toPage(await withAttempts(rows), counted.total, page);
    },
    async claimDue({
      now,
      claimUntil,
      limit,
      perEndpoint = MAX_CLAIMS_PER_ENDPOINT,
      perTenant = MAX_CLAIMS_PER_TENANT,
    }) {
      // The bounds count the claims other instances hold, and a claim another transaction has
      // made but not committed is invisible to this one's reads: claims take turns, each starting
      // once the one before it has committed (a claim takes a few milliseconds).
      await adapter.takeTurn(db, "webhook_claims");
      // Claims still held, whatever the delivery's status (a manual redelivery holds a settled
      // one, and it is an attempt in flight to its endpoint all the same): a handful of rows, read
      // from webhook_deliveries_held and counted here. A GROUP BY made SQLite read a whole index in
      // group order to save sorting them, and a status condition let PostgreSQL without statistics
      // combine the index with a pending-deliveries one, reading every pending delivery.
      const heldRows = await db
        .selectFrom("webhook_deliveries")
        .select(["tenant_id", "endpoint_id"])
        .where("claimed_until", ">", now)
        .execute();
      const tally = createClaimTally(heldRows, { perEndpoint, perTenant });
      const windowFull = await claimFromDueWindow(now, limit, tally);
      // A full window with slots left means deliveries no claim may take now (a hanging receiver's
      // backlog, a disabled endpoint's) stand in front: look endpoint by endpoint instead.
      if (windowFull && tally.taken.length < limit) await claimByEndpoint(now, limit, tally);
      const due = tally.taken;
      if (due.length === 0) return [];
      const rows = await db
        .updateTable("webhook_deliveries")
        .set((eb) => ({ claimed_until: claimUntil, attempts: eb("attempts", "+", 1), updated_at: now }))
        .where("id", "in", due)
        .returningAll()
        .execute();
      return rows
        .map(fromRow)
        .sort((a, b) => compare(a.nextAttemptAt, b.nextAttemptAt) || compare(a.id, b.id));
    },
    async claim(tenantId, id, { now, claimUntil }) {
      const row = await db
        .updateTable("webhook_deliveries")
        .set((eb) => ({ claimed_until: claimUntil, attempts: eb("attempts", "+", 1), updated_at: now }))
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId)
        .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
        .returningAll()
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async purgeSettled(before, limit) {
      const result = await db
        .deleteFrom("webhook_deliveries")
        .where("id", "in", (eb) =>
          eb
            .selectFrom("webhook_deliveries")
            .select("id")
            .where("completed_at", "is not", null)
            .where("completed_at", "<", before)
            .where("status", "in", ["succeeded", "failed"])
            .orderBy("completed_at")
            .limit(limit),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async settle(attempt, outcome) {
      await db
        .insertInto("webhook_attempts")
        .values({
          delivery_id: attempt.deliveryId,
          attempt: attempt.attempt,
          tenant_id: attempt.tenantId,
          attempted_at: attempt.attemptedAt,
          status_code: attempt.statusCode,
          latency_ms: attempt.latencyMs,
          error: attempt.error,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const result = await db
        .updateTable("webhook_deliveries")
        .set({
          status: outcome.status,
          next_attempt_at: outcome.nextAttemptAt,
          claimed_until: null,
          last_status_code: attempt.statusCode,
          last_error: attempt.error,
          updated_at: outcome.at,
          completed_at: outcome.status === "pending" ? null : outcome.at,
        })
        .where("id", "=", attempt.deliveryId)
        .where("attempts", "=", attempt.attempt)
        .executeTakeFirstOrThrow();
      return result.numUpdatedRows === 1n;
    },
  };
}

/**
 * `'pending'` as a literal, not a bound parameter: SQLite uses a partial index
 * (`webhook_deliveries_pending_by_due`, `_by_endpoint`) only when the query states its condition in the same words.
 */
const PENDING = sql.lit("pending");

/**
 * The smallest endpoint id with a pending delivery, after the recursive step's last one (`p`) or,
 * without `after`, the first. The casts here and in `claimableAt` name the only tables the helper
 * reads: Kysely cannot type one helper for queries with different tables in scope.
 */
function nextPendingEndpoint<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  after?: "p.endpoint_id",
) {
  const ref = eb as unknown as ExpressionBuilder<WebhookDatabase & { p: { endpoint_id: string } }, "p">;
  let query = ref
    .selectFrom("webhook_deliveries as n")
    .select("n.endpoint_id")
    .where("n.status", "=", PENDING);
  if (after) query = query.whereRef("n.endpoint_id", ">", after);
  // Ordered as webhook_deliveries_pending_by_endpoint is, which no other index is: by endpoint
  // alone, PostgreSQL may walk the (endpoint_id, event_id) index past every settled delivery.
  return query.orderBy("n.endpoint_id").orderBy("n.next_attempt_at").limit(1);
}

/**
 * The due deliveries (as `d`) of the outer query's endpoint `e` as one range of
 * webhook_deliveries_pending_by_endpoint, from (e.id, '') to (e.id, now); read it ordered by
 * (endpoint_id, next_attempt_at), which no other index gives. Written with `=` on the endpoint,
 * PostgreSQL may read webhook_deliveries_pending_by_due in due order instead, filtering by
 * endpoint: its statistics cannot see that another endpoint's backlog stands in front (50,000 rows
 * read per endpoint, 9 ms a claim, at a 50,000 backlog). Only for a correlated endpoint: given a
 * constant id, PostgreSQL splits the range into `endpoint_id >= id and <= id` and may pick the
 * (endpoint_id, event_id) index, which holds the settled log too; `=` on a constant plans well.
 */
function dueRangeOfOuterEndpoint(now: string) {
  return <DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>) => {
    const d = eb as unknown as ExpressionBuilder<{ d: WebhookDeliveriesTable; e: { id: string } }, "d" | "e">;
    const row = d.refTuple("d.endpoint_id", "d.next_attempt_at");
    const from = d.tuple(d.ref("e.id"), d.val(""));
    const to = d.tuple(d.ref("e.id"), d.val(now));
    return d.and([d(row, ">=", from), d(row, "<=", to)]);
  };
}

/** Pending deliveries (as `d`) due by `now` that no worker holds; what a claim may take. */
function claimableAt(now: string) {
  return <DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>) => {
    const ref = eb as unknown as ExpressionBuilder<{ d: WebhookDeliveriesTable }, "d">;
    return ref.and([unheldAt(now)(ref), ref("d.next_attempt_at", "<=", now)]);
  };
}

/** Pending deliveries (as `d`) that no worker holds at `now`, due or not. */
function unheldAt(now: string) {
  return <DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>) => {
    const ref = eb as unknown as ExpressionBuilder<{ d: WebhookDeliveriesTable }, "d">;
    return ref.and([
      ref("d.status", "=", PENDING),
      ref.or([ref("d.claimed_until", "is", null), ref("d.claimed_until", "<=", now)]),
    ]);
  };
}

/** Code-unit order, which is time order for ISO timestamps and ULID order for ids. */
function compare(a: string | null, b: string | null): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}
