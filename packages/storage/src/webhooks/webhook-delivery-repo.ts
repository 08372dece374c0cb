import type { Page, PageRequest } from "@intendedops/core";
import type { Kysely, Selectable } from "kysely";
import type { DialectAdapter } from "../dialects/dialect-adapter";
import { pageWindow, toPage } from "../repos/pagination";
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
      const heldRows = await db
        .selectFrom("webhook_deliveries")
        .select(["tenant_id", "endpoint_id", (eb) => eb.fn.countAll<number>().as("held")])
        .where("status", "=", "pending")
        .where("claimed_until", ">", now)
        .groupBy(["tenant_id", "endpoint_id"])
        .execute();
      const held = new Map<string, number>();
      const heldByTenant = new Map<string, number>();
      for (const row of heldRows) {
        held.set(row.endpoint_id, Number(row.held));
        heldByTenant.set(row.tenant_id, (heldByTenant.get(row.tenant_id) ?? 0) + Number(row.held));
      }
      const full = [...held].filter(([, count]) => count >= perEndpoint).map(([endpointId]) => endpointId);
      const fullTenants = [...heldByTenant].filter(([, count]) => count >= perTenant).map(([id]) => id);
      let query = db
        .selectFrom("webhook_deliveries")
        .select(["id", "tenant_id", "endpoint_id"])
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now)
        .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
        .where("endpoint_id", "in", (eb) =>
          eb.selectFrom("webhook_endpoints").select("id").where("disabled_at", "is", null),
        );
      if (full.length > 0) query = query.where("endpoint_id", "not in", full);
      if (fullTenants.length > 0) query = query.where("tenant_id", "not in", fullTenants);
      // Endpoints and tenants at their bound were left out above; those that reach it within this
      // batch are passed over here (their extra rows stay locked only until this short claim commits).
      const candidates = await adapter
        .claimRows(query.orderBy("next_attempt_at").orderBy("id").limit(limit))
        .execute();
      const due: { id: string }[] = [];
      for (const candidate of candidates) {
        const count = held.get(candidate.endpoint_id) ?? 0;
        const tenantCount = heldByTenant.get(candidate.tenant_id) ?? 0;
        if (count >= perEndpoint || tenantCount >= perTenant) continue;
        held.set(candidate.endpoint_id, count + 1);
        heldByTenant.set(candidate.tenant_id, tenantCount + 1);
        due.push(candidate);
      }
      if (due.length === 0) return [];
      const rows = await db
        .updateTable("webhook_deliveries")
        .set((eb) => ({ claimed_until: claimUntil, attempts: eb("attempts", "+", 1), updated_at: now }))
        .where(
          "id",
          "in",
          due.map((row) => row.id),
        )
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

/** Code-unit order, which is time order for ISO timestamps and ULID order for ids. */
function compare(a: string | null, b: string | null): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}
