/**
 * Row types of the tables, as Kysely sees them. JSON columns travel as their JSON text
 * (both dialects hand it back unparsed) and timestamps as ISO-8601 text, so every value
 * reads back exactly as it was written.
 */

export interface TenantsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  /** JSON array of scope strings. */
  scopes: string;
  key_hash: string;
  key_prefix: string;
  rate_limit_per_minute: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AgentsTable {
  tenant_id: string;
  id: string;
  name: string;
  description: string | null;
  domains: string;
  intent_types: string;
  status: string;
  trust_tier: string;
  trust_score: number;
  tier_since: string;
  recent_outcomes: string;
  failure_streak: number;
  created_at: string;
  updated_at: string;
}

export interface IntentsTable {
  id: string;
  tenant_id: string;
  agent_id: string;
  type: string;
  domain: string;
  params: string;
  description: string | null;
  justification: string | null;
  idempotency_key: string | null;
  status: string;
  risk_level: string;
  decision: string;
  intention: string;
  data_elements: string;
  submitted_by: string;
  /** JSON text of `result`; SQL NULL when the intent has no result (JSON `null` is the text "null"). */
  result: string | null;
  error: string | null;
  value_cents: number | null;
  value_category: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** The signed intent token once minted (migration 202611221500_intentions). */
  intent_token: string | null;
  /** `amb_…` cluster id of an ambient intent; NULL when it matched an intention. */
  ambient_cluster: string | null;
  /** Canonical JSON of an ambient intent's sorted data-element set; NULL when it matched. */
  ambient_elements: string | null;
}

export interface ApprovalsTable {
  id: string;
  tenant_id: string;
  intent_id: string;
  status: string;
  reasons: string;
  required_approvals: number;
  votes: string;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  rejection_reason: string | null;
  requested_at: string;
  expires_at: string | null;
}

/** Policies are stored as their whole JSON document; only lookup keys are columns. */
export interface PoliciesTable {
  id: string;
  tenant_id: string;
  document: string;
  created_at: string;
}

/** Intentions are stored as their whole JSON document; label is a column for uniqueness. */
export interface IntentionsTable {
  id: string;
  tenant_id: string;
  label: string;
  document: string;
  created_at: string;
}

export interface TenantRevisionsTable {
  tenant_id: string;
  /** "policies" | "intentions". */
  kind: string;
  revision: number;
}

export interface AuditHeadsTable {
  tenant_id: string;
  seq: number;
  hash: string;
}

export interface AuditEventsTable {
  tenant_id: string;
  seq: number;
  id: string;
  event_type: string;
  actor: string;
  agent_id: string | null;
  intent_id: string | null;
  data: string;
  timestamp: string;
  prev_hash: string;
  hash: string;
  leaf_hash: string;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  key: string;
  request_hash: string;
  intent_id: string;
  created_at: string;
}

export interface TrustChangesTable {
  id: string;
  tenant_id: string;
  agent_id: string;
  from_tier: string;
  to_tier: string;
  from_score: number;
  to_score: number;
  cause: string;
  reason: string;
  intent_id: string | null;
  at: string;
}

export interface ValueRecordsTable {
  id: string;
  tenant_id: string;
  intent_id: string;
  agent_id: string;
  domain: string;
  type: string;
  cents: number;
  category: string;
  recorded_at: string;
}

export interface OutboxEventsTable {
  id: string;
  tenant_id: string;
  event: string;
  data: string;
  created_at: string;
}

/**
 * Every table of the store. Extension repos add their own tables with
 * `store.db.withTables<{ webhooks: WebhooksTable }>()`.
 */
export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  agents: AgentsTable;
  intents: IntentsTable;
  approvals: ApprovalsTable;
  policies: PoliciesTable;
  intentions: IntentionsTable;
  tenant_revisions: TenantRevisionsTable;
  audit_heads: AuditHeadsTable;
  audit_events: AuditEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  trust_changes: TrustChangesTable;
  value_records: ValueRecordsTable;
  outbox_events: OutboxEventsTable;
}
