export { createStore, type StoreOptions } from "./create-store";
export type {
  AgentsTable,
  ApiKeysTable,
  ApprovalsTable,
  AuditEventsTable,
  AuditHeadsTable,
  Database,
  IdempotencyKeysTable,
  IntentionsTable,
  IntentsTable,
  OutboxEventsTable,
  PoliciesTable,
  TenantRevisionsTable,
  TenantsTable,
  TrustChangesTable,
  ValueRecordsTable,
} from "./database";
export type { ColumnTypes, StoreDialect, StoreLogger } from "./dialects/dialect-adapter";
export {
  type AmbientClusterRepo,
  createAmbientClusterRepo,
  createSigningKeyRepo,
  type IntentionDatabase,
  type IntentionTables,
  type SigningKeyRecord,
  type SigningKeyRepo,
  type SigningKeysTable,
} from "./intentions/index";
export type { KyselyStore, KyselyTx } from "./kysely-store";
export { MIGRATIONS, type StoreMigration } from "./migrations/index";
export type { ApiKeyRecord, ApiKeyRepo } from "./repos/api-key-repo";
export type { TenantRecord, TenantRepo } from "./repos/tenant-repo";
export { DEFAULT_STORE_URL, parseStoreUrl, type StoreLocation } from "./store-url";
export {
  ALL_EVENTS,
  type ClaimOptions,
  createWebhookRepos,
  type EndpointRows,
  type InboundEndpointRecord,
  type InboundEndpointRepo,
  type InboundEndpointsTable,
  type InboundMessagesTable,
  MAX_CLAIMS_PER_ENDPOINT,
  MAX_CLAIMS_PER_TENANT,
  type NewWebhookDelivery,
  type OutboxQueueRepo,
  subscribes,
  type WebhookAttemptRecord,
  type WebhookAttemptsTable,
  type WebhookDatabase,
  type WebhookDeliveriesTable,
  type WebhookDeliveryOutcome,
  type WebhookDeliveryRecord,
  type WebhookDeliveryRepo,
  type WebhookDeliveryStatus,
  type WebhookDeliveryWithAttempts,
  type WebhookEndpointRecord,
  type WebhookEndpointRepo,
  type WebhookEndpointsTable,
  type WebhookRepos,
  type WebhookTables,
} from "./webhooks/index";
