import type { Kysely } from "kysely";
import type { Database } from "../database";
import type { DialectAdapter, SqlRunner } from "../dialects/dialect-adapter";
import { createInboundEndpointRepo, type InboundEndpointRepo } from "./inbound-endpoint-repo";
import { createOutboxQueueRepo, type OutboxQueueRepo, type OutboxQueueSql } from "./outbox-queue-repo";
import { createWebhookDeliveryRepo, type WebhookDeliveryRepo } from "./webhook-delivery-repo";
import { createWebhookEndpointRepo, type WebhookEndpointRepo } from "./webhook-endpoint-repo";
import { withWebhookTables } from "./webhook-tables";

export type { EndpointRows } from "./endpoint-rows";
export type { InboundEndpointRecord, InboundEndpointRepo } from "./inbound-endpoint-repo";
export { type OutboxQueueRepo, type OutboxQueueSql, prepareOutboxQueueSql } from "./outbox-queue-repo";
export { ALL_EVENTS, subscribes } from "./subscriptions";
export type {
  ClaimOptions,
  NewWebhookDelivery,
  WebhookAttemptRecord,
  WebhookDeliveryOutcome,
  WebhookDeliveryRecord,
  WebhookDeliveryRepo,
  WebhookDeliveryStatus,
  WebhookDeliveryWithAttempts,
} from "./webhook-delivery-repo";
export { MAX_CLAIMS_PER_ENDPOINT, MAX_CLAIMS_PER_TENANT } from "./webhook-delivery-repo";
export type { WebhookEndpointRecord, WebhookEndpointRepo } from "./webhook-endpoint-repo";
export type {
  InboundEndpointsTable,
  InboundMessagesTable,
  WebhookAttemptsTable,
  WebhookDatabase,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
  WebhookTables,
} from "./webhook-tables";

/** The webhook repositories of one handle (the pool, or one transaction). */
export interface WebhookRepos {
  endpoints: WebhookEndpointRepo;
  deliveries: WebhookDeliveryRepo;
  /** The outbox as a queue: claim events, then remove them once fanned out. */
  outbox: OutboxQueueRepo;
  inbound: InboundEndpointRepo;
}

/**
 * Builds the webhook repos over a handle; `store.webhooks` and `tx.webhooks` are made with it.
 * `outboxSql` (the store's) runs the outbox queue on statements compiled once per store.
 */
export function createWebhookRepos(
  db: Kysely<Database>,
  adapter: DialectAdapter,
  outboxSql?: { prepared: OutboxQueueSql; runner: SqlRunner },
): WebhookRepos {
  const wdb = withWebhookTables(db);
  return {
    endpoints: createWebhookEndpointRepo(wdb, adapter),
    deliveries: createWebhookDeliveryRepo(wdb, adapter),
    outbox: createOutboxQueueRepo(db, adapter, outboxSql),
    inbound: createInboundEndpointRepo(wdb, adapter),
  };
}
