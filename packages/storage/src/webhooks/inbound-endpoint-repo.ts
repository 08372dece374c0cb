import type { Kysely } from "kysely";
import type { DialectAdapter } from "../dialects/dialect-adapter";
import { fromJson, toJson } from "../repos/json-columns";
import { inserted } from "../repos/write-results";
import { type EndpointRows, endpointRows } from "./endpoint-rows";
import type { InboundEndpointsTable, WebhookDatabase } from "./webhook-tables";

/** An endpoint external executors post outcomes to, verified with its own secret. */
export interface InboundEndpointRecord {
  /** `wh_…`. */
  id: string;
  tenantId: string;
  description: string | null;
  /** Intent types it may report on (`contracts.*` matches a domain); empty means any. */
  intentTypes: string[];
  /** The verification secret, as stored (possibly sealed by the caller). */
  secret: string;
  /** Still accepted until `previousSecretExpiresAt`, after a rotation. */
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Tenant-scoped CRUD (`find` looks up by id alone: an incoming request names its endpoint before
 * anything says which tenant it is), plus the replay guard's message ids.
 */
export interface InboundEndpointRepo extends EndpointRows<InboundEndpointRecord> {
  /**
   * Records a message id for the endpoint; false when it was recorded before (a replay).
   * Callers keep ids at least as long as a signed timestamp stays acceptable.
   */
  remember(endpointId: string, messageId: string, at: string): Promise<boolean>;
  /** Marks a remembered message's report as decided: applied, or refused for what it said. */
  settle(endpointId: string, messageId: string, at: string): Promise<void>;
  /** Whether the message is remembered and its report was decided (false for an unknown id). */
  settled(endpointId: string, messageId: string): Promise<boolean>;
  /** Forgets a message id, so the sender may retry a message that could not be processed. */
  forget(endpointId: string, messageId: string): Promise<void>;
  /** Deletes message ids received before `cutoff`; returns how many. */
  purgeMessages(cutoff: string): Promise<number>;
}

function toRow(record: InboundEndpointRecord): InboundEndpointsTable {
  return {
    id: record.id,
    tenant_id: record.tenantId,
    description: record.description,
    intent_types: toJson(record.intentTypes),
    secret: record.secret,
    previous_secret: record.previousSecret,
    previous_secret_expires_at: record.previousSecretExpiresAt,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function fromRow(row: InboundEndpointsTable): InboundEndpointRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    description: row.description,
    intentTypes: fromJson(row.intent_types),
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Inbound endpoints and the message ids each has accepted. */
export function createInboundEndpointRepo(
  db: Kysely<WebhookDatabase>,
  adapter: DialectAdapter,
): InboundEndpointRepo {
  const rows = endpointRows(db, "inbound_endpoints", "Inbound endpoint", { toRow, fromRow }, adapter);
  return {
    ...rows,
    async remember(endpointId, messageId, at) {
      const result = await db
        .insertInto("inbound_messages")
        .values({ endpoint_id: endpointId, message_id: messageId, received_at: at })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirstOrThrow();
      return inserted(result);
    },
    async settle(endpointId, messageId, at) {
      await db
        .updateTable("inbound_messages")
        .set({ settled_at: at })
        .where("endpoint_id", "=", endpointId)
        .where("message_id", "=", messageId)
        .execute();
    },
    async settled(endpointId, messageId) {
      const row = await db
        .selectFrom("inbound_messages")
        .select("settled_at")
        .where("endpoint_id", "=", endpointId)
        .where("message_id", "=", messageId)
        .executeTakeFirst();
      return row?.settled_at != null;
    },
    async forget(endpointId, messageId) {
      await db
        .deleteFrom("inbound_messages")
        .where("endpoint_id", "=", endpointId)
        .where("message_id", "=", messageId)
        .execute();
    },
    async purgeMessages(cutoff) {
      const result = await db
        .deleteFrom("inbound_messages")
        .where("received_at", "<", cutoff)
        .executeTakeFirstOrThrow();
      return Number(result.numDeletedRows);
    },
  };
}
