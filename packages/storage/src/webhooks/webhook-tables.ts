import type { Kysely } from "kysely";
import type { Database } from "../database";

/** Row types of the webhook tables (migration 202611221400_webhooks), as Kysely sees them. */

export interface WebhookEndpointsTable {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  /** JSON array of event names. */
  events: string;
  /** Stored as handed in: the caller decides whether it is sealed (encrypted) first. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  disabled_at: string | null;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  event: string;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  claimed_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  tenant_id: string;
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

export interface InboundEndpointsTable {
  id: string;
  tenant_id: string;
  description: string | null;
  /** JSON array of intent type patterns (`billing.send_invoice`, `contracts.*`); empty = any. */
  intent_types: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface InboundMessagesTable {
  endpoint_id: string;
  message_id: string;
  received_at: string;
  /** When the message's report was decided; null while (or if never) it was. */
  settled_at: string | null;
}

/** A type alias, not an interface: Kysely's `withTables` needs the implicit index signature. */
export type WebhookTables = {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  inbound_endpoints: InboundEndpointsTable;
  inbound_messages: InboundMessagesTable;
};

/** The store's tables plus the webhook tables. */
export type WebhookDatabase = Database & WebhookTables;

/** The same handle (pool or transaction), typed to see the webhook tables too. */
export function withWebhookTables(db: Kysely<Database>): Kysely<WebhookDatabase> {
  return db.withTables<WebhookTables>();
}
