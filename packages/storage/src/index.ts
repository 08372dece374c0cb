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
export type { KyselyStore, KyselyTx } from "./kysely-store";
export { MIGRATIONS, type StoreMigration } from "./migrations/index";
export type { ApiKeyRecord, ApiKeyRepo } from "./repos/api-key-repo";
export type { TenantRecord, TenantRepo } from "./repos/tenant-repo";
export { DEFAULT_STORE_URL, parseStoreUrl, type StoreLocation } from "./store-url";
