import type { Kysely } from "kysely";
import type { DialectAdapter } from "../dialects/dialect-adapter";
import { fromJson, toJson } from "../repos/json-columns";
import { type EndpointRows, endpointRows } from "./endpoint-rows";
import type { WebhookDatabase, WebhookEndpointsTable } from "./webhook-tables";

/** An outgoing webhook endpoint of one tenant. */
export interface WebhookEndpointRecord {
  /** `wh_…`. */
  id: string;
  tenantId: string;
  url: string;
  description: string | null;
  /** Event names the endpoint receives; `*` stands for every event. */
  events: string[];
  /** The current signing secret, as stored (possibly sealed by the caller). */
  secret: string;
  /** The secret before the last rotation; it keeps signing until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  /** Set while the endpoint is disabled (by an admin, or after the receiver answered 410). */
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Tenant-scoped CRUD (deleting an endpoint deletes its deliveries), plus what fan-out reads. */
export interface WebhookEndpointRepo extends Omit<EndpointRows<WebhookEndpointRecord>, "find"> {
  /** Disables an enabled endpoint; false when it was already disabled or is gone. */
  disable(tenantId: string, id: string, at: string, reason: string): Promise<boolean>;
  /** Enabled endpoints of these tenants, across tenants (for fan-out), locked until the transaction ends. */
  listEnabled(tenantIds: readonly string[]): Promise<WebhookEndpointRecord[]>;
  /** Endpoints by id, across tenants (for deliveries already claimed). */
  getMany(ids: readonly string[]): Promise<WebhookEndpointRecord[]>;
}

function toRow(record: WebhookEndpointRecord): WebhookEndpointsTable {
  return {
    id: record.id,
    tenant_id: record.tenantId,
    url: record.url,
    description: record.description,
    events: toJson(record.events),
    secret: record.secret,
    previous_secret: record.previousSecret,
    previous_secret_expires_at: record.previousSecretExpiresAt,
    disabled_at: record.disabledAt,
    disabled_reason: record.disabledReason,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function fromRow(row: WebhookEndpointsTable): WebhookEndpointRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    description: row.description,
    events: fromJson(row.events),
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Webhook endpoints; every tenant-facing method is scoped by tenant. */
export function createWebhookEndpointRepo(
  db: Kysely<WebhookDatabase>,
  adapter: DialectAdapter,
): WebhookEndpointRepo {
  const rows = endpointRows(db, "webhook_endpoints", "Webhook endpoint", { toRow, fromRow }, adapter);
  return {
    ...rows,
    async disable(tenantId, id, at, reason) {
      const result = await db
        .updateTable("webhook_endpoints")
        .set({ disabled_at: at, disabled_reason: reason, updated_at: at })
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId)
        .where("disabled_at", "is", null)
        .executeTakeFirstOrThrow();
      return result.numUpdatedRows === 1n;
    },
    async listEnabled(tenantIds) {
      if (tenantIds.length === 0) return [];
      // Locked until the caller commits: fan-out inserts deliveries that reference these rows, and
      // an endpoint deleted after this read (its DELETE committing first) failed the whole batch's
      // foreign key check on PostgreSQL. Now a DELETE waits for the fan-out, and one already in
      // progress makes this read wait and skip the row. The order keeps locks in one order.
      const rows = await adapter
        .lockRows(
          db
            .selectFrom("webhook_endpoints")
            .selectAll()
            .where("tenant_id", "in", [...tenantIds])
            .where("disabled_at", "is", null)
            .orderBy("created_at")
            .orderBy("id"),
        )
        .execute();
      return rows.map(fromRow);
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom("webhook_endpoints")
        .selectAll()
        .where("id", "in", [...ids])
        .execute();
      return rows.map(fromRow);
    },
  };
}
