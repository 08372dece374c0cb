import type {
  AgentStatus,
  ApprovalStatus,
  CompleteIntentInput,
  CreateIntentInput,
  DataElement,
  FailIntentInput,
  IntentClass,
  IntentionInput,
  IntentionPatch,
  IntentStatus,
  Outcome,
  PolicyInput,
  PolicyMatch,
  RegisterAgentInput,
  RiskLevel,
  SetTrustInput,
  SimulateInput,
  TrustTier,
  ValueCategory,
} from "@intendedops/core";

export type {
  AgentStatus,
  ApprovalStatus,
  CompleteIntentInput,
  CreateIntentInput,
  DataElement,
  FailIntentInput,
  IntentClass,
  IntentionInput,
  IntentionPatch,
  IntentStatus,
  Outcome,
  PolicyInput,
  RegisterAgentInput,
  RiskLevel,
  TrustTier,
  ValueCategory,
};

/** `PUT /v1/agents/:id/trust` (admin override): `tier` and/or `score`, with a `reason`. */
export type SetAgentTrustInput = SetTrustInput;

/** `POST /v1/policies/simulate`: an intent, optionally with what-if agent fields. */
export type SimulateIntentInput = SimulateInput;

/** One page of a list endpoint. */
export interface ListResult<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface PageOptions {
  /** 1-based. */
  page?: number;
  /** At most 100. */
  pageSize?: number;
}

/** `GET /health`. */
export interface Health {
  status: "healthy" | "unhealthy";
  timestamp: string;
}

/** `GET /v1/stats`. */
export interface Stats {
  /** Intents created since UTC midnight. */
  intentsToday: number;
  pendingApprovals: number;
  activeAgents: number;
  /** Dollars, from completed intents. */
  valueGenerated: number;
}

/** Business value reported with a completion, in integer cents. */
export interface IntentValue {
  cents: number;
  category: ValueCategory;
}

/** One line of a decision's explain trace. */
export interface TraceEntry {
  rule: string;
  kind: "declaration" | "agent_status" | "policy" | "intention" | "matrix" | "critical_guard";
  matched: boolean;
  effect?: Outcome;
  mode?: "enforce" | "shadow";
  why: string;
}

/** The decision as `POST /v1/intents` returns it. */
export interface DecisionSummary {
  outcome: Outcome;
  reasons: string[];
  riskLevel: RiskLevel;
  trustTier: TrustTier;
  /** The matched intention's label, or "ambient". */
  intention?: string;
}

/** The full decision, with the explain trace. */
export interface Decision extends DecisionSummary {
  /** Enforced policies whose effect decided the outcome. */
  matchedPolicies: string[];
  /** What shadow-mode policies would have done; never applied. */
  shadow: { policyId: string; effect: Outcome }[];
  trace: TraceEntry[];
  approval?: { approvers: number; expiresInSeconds?: number };
  evaluatedAt?: string;
}

/** A data element an intent touches (camelCase, as intents carry it). */
export interface DataElementRef {
  dataSourceId: string;
  path: string;
}

/** `POST /v1/intents` → 201 (or 200 on an idempotent replay). */
export interface CreateIntentResult {
  intentId: string;
  /**
   * `pending` (awaits a human), `approved` or `blocked`; on a replay, the intent's status now
   * (e.g. `completed`, `rejected`).
   */
  status: IntentStatus;
  createdAt: string;
  decision: DecisionSummary;
  /**
   * True when the idempotency key replayed an earlier submission (header
   * `idempotent-replayed: true`): `intentId`, `createdAt` and `decision` are the original
   * submission's, `status` is the intent's current one.
   */
  replayed: boolean;
}

export interface ApprovalVote {
  by: string;
  byName: string | null;
  at: string;
}

/** The approval record of an intent. */
export interface Approval {
  id: string;
  tenantId: string;
  intentId: string;
  status: ApprovalStatus;
  reasons: string[];
  requiredApprovals: number;
  votes: ApprovalVote[];
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  rejectionReason: string | null;
  requestedAt: string;
  expiresAt: string | null;
}

/** `GET /v1/intents/:id` (list items carry the same fields without `approval` and `history`). */
export interface Intent {
  id: string;
  tenantId: string;
  type: string;
  domain: string;
  agentId: string;
  status: IntentStatus;
  params: Record<string, unknown>;
  description: string | null;
  justification: string | null;
  riskLevel: RiskLevel;
  decision: Decision;
  /** The matched intention's label, or "ambient". */
  intention: string;
  dataElements: DataElementRef[];
  idempotencyKey: string | null;
  /** The API key id that submitted it (that key cannot approve it). */
  submittedBy: string;
  result?: unknown;
  error: string | null;
  valueCents: number | null;
  valueCategory: ValueCategory | null;
  /** The signed intent token, once an intent that matched an intention is approved. */
  intentToken?: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  approval?: Approval | null;
  history?: AuditEvent[];
}

export interface ListIntentsOptions extends PageOptions {
  status?: IntentStatus;
  agentId?: string;
  type?: string;
  domain?: string;
}

/** The intent an approval is about, as approval lists show it. */
export type IntentSummary = Pick<
  Intent,
  | "id"
  | "type"
  | "domain"
  | "agentId"
  | "status"
  | "riskLevel"
  | "params"
  | "description"
  | "justification"
  | "submittedBy"
  | "createdAt"
>;

/** An approval with its intent's summary; its `reasons` say why a human is needed. */
export interface ApprovalItem extends Approval {
  intent: IntentSummary | null;
}

export interface ListApprovalsOptions extends PageOptions {
  /** Default `pending`; `all` lists every status. */
  status?: ApprovalStatus | "all";
}

/** `POST /v1/approvals/:id/approve|reject`: the approval after the vote, with the whole intent. */
export interface ApprovalDecisionResult extends Approval {
  intent: Intent;
}

export interface Agent {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  domains: string[];
  intentTypes: string[];
  status: AgentStatus;
  trustTier: TrustTier;
  /** 0–1000. */
  trustScore: number;
  /** When the agent entered its current tier. */
  tierSince: string;
  /** Most recent outcomes, newest last. */
  recentOutcomes: ("success" | "failure")[];
  failureStreak: number;
  createdAt: string;
  updatedAt: string;
}

export interface TrustChange {
  id: string;
  tenantId: string;
  agentId: string;
  fromTier: TrustTier;
  toTier: TrustTier;
  fromScore: number;
  toScore: number;
  cause: "completion" | "failure" | "rejection" | "policy_block" | "override";
  reason: string;
  intentId: string | null;
  at: string;
}

/** `GET /v1/agents/:id/metrics`. */
export interface AgentMetrics {
  agentId: string;
  intents: { total: number; byStatus: Partial<Record<IntentStatus, number>> };
  /** completed / (completed + failed); null before any outcome. */
  successRate: number | null;
  trustScore: number;
  trustTier: TrustTier;
  tierName: string;
  /** Cents per value category. */
  valueByCategory: Partial<Record<ValueCategory, number>>;
  valueGeneratedCents: number;
  recentTrustChanges: TrustChange[];
}

export interface AuditEvent {
  id: string;
  tenantId: string;
  /** 1-based position in the tenant's chain. */
  seq: number;
  eventType: string;
  actor: string;
  agentId: string | null;
  intentId: string | null;
  data: Record<string, unknown>;
  timestamp: string;
  prevHash: string;
  hash: string;
  leafHash: string;
}

export interface QueryAuditOptions extends PageOptions {
  eventType?: string;
  /** ISO timestamps, inclusive. */
  fromDate?: string;
  toDate?: string;
  agentId?: string;
  intentId?: string;
}

/** `GET /v1/audit/verify`: the whole chain recomputed. */
export interface AuditVerification {
  valid: boolean;
  eventCount: number;
  firstInvalidSeq?: number;
  /** When valid: the last event's hash. Keep it with `eventCount` as an anchor for later checks. */
  headHash?: string;
}

/** A `(seq, hash)` pair saved from an earlier verification (`eventCount`, `headHash`). */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export interface Policy {
  id: string;
  tenantId: string;
  name: string;
  description?: string;
  enabled: boolean;
  mode: "enforce" | "shadow";
  effect: Outcome;
  match: PolicyMatch;
  approval?: { approvers: number; expiresInSeconds?: number };
  reason?: string;
  /** Starts at 1, +1 on every update. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface SimulationResult {
  decision: Decision;
  riskLevel: RiskLevel;
}

export type ApiKeyScope = "read_only" | "agent" | "approver" | "policy_write" | "admin";

/** An API key as listed: never the secret. */
export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  scopes: ApiKeyScope[];
  /** The first characters, for recognising a key. */
  keyPrefix: string;
  /** Requests per minute; null means the server's default. */
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateApiKeyInput {
  name: string;
  scopes: ApiKeyScope[];
  rateLimitPerMinute?: number;
}

/** `POST /v1/api-keys`: the key itself is returned this once. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

/** An event a webhook endpoint subscribes to; `*` means every event. */
export type WebhookEvent =
  | "*"
  | "intent.submitted"
  | "intent.approved"
  | "intent.rejected"
  | "intent.completed"
  | "intent.failed"
  | "intent.blocked"
  | "intent.expired"
  | "agent.registered"
  | "agent.trust.changed"
  | (string & {});

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string | null;
  enabled: boolean;
  disabledAt: string | null;
  /** Why the server disabled it, e.g. the receiver answered 410 Gone. */
  disabledReason: string | null;
  /** Until then the previous secret still signs too (after a rotation). */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreateWebhookInput {
  url: string;
  events: WebhookEvent[];
  description?: string;
}

/** At least one field; `description: null` clears it. */
export interface UpdateWebhookInput {
  url?: string;
  events?: WebhookEvent[];
  description?: string | null;
  enabled?: boolean;
}

/** A webhook with its signing secret, returned on creation and rotation only. */
export interface WebhookWithSecret extends Webhook {
  /** `whsec_…`. */
  secret: string;
}

/** One try at delivering a webhook. */
export interface WebhookAttempt {
  attempt: number;
  attemptedAt: string;
  /** Null when no response arrived. */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  /** The payload id (`whk_…`), the same on every attempt. */
  eventId: string;
  event: WebhookEvent;
  status: "pending" | "succeeded" | "failed";
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  /** The exact body every attempt sends. */
  payload: string;
  createdAt: string;
  completedAt: string | null;
  attempts: WebhookAttempt[];
}

/** An intention (snake_case fields, as its contract writes them). */
export interface Intention {
  id: string;
  label: string;
  display_name: string;
  description: string | null;
  intent_class: IntentClass;
  status: "draft" | "active" | "archived";
  approval_required: boolean;
  ttl_minutes: number;
  intent_types: string[];
  data_elements: DataElement[];
  created_at: string;
  updated_at: string;
}

/** The draft intention an ambient cluster suggests (what `generalizeAmbientCluster` creates). */
export interface SuggestedIntention {
  label: string;
  display_name: string;
  description: string;
  intent_class: IntentClass;
  intent_types: string[];
  data_elements: DataElement[];
}

/**
 * Traffic that matched no active intention, grouped by domain, intent type and the set of data
 * elements it touched (snake_case, like intentions).
 */
export interface AmbientCluster {
  /** Stable across reads: derived from domain, type and elements. */
  id: string;
  domain: string;
  intent_type: string;
  data_elements: DataElement[];
  count: number;
  agents: string[];
  first_seen_at: string;
  last_seen_at: string;
  /** The active intention that would match this traffic now, or null. */
  covered_by: string | null;
  suggested: SuggestedIntention;
}

export interface ListAmbientClustersOptions {
  /** At most 1000; default 100. */
  limit?: number;
}

/** The claims of an intent token (snake_case, as signed). */
export interface IntentTokenClaims {
  iss: string;
  sub: string;
  tenant: string;
  jti: string;
  iat: number;
  exp: number;
  purp: { label: string; data_elements: DataElement[] };
  [claim: string]: unknown;
}

/** `POST /v1/tokens/verify` and the local `verifyIntentToken`. */
export type TokenVerification =
  | { valid: true; claims: IntentTokenClaims }
  | { valid: false; error: TokenError; message: string };

/** Why `POST /v1/tokens/verify` refused a token. */
export type TokenError =
  | "malformed"
  | "bad_signature"
  | "unknown_key"
  | "expired"
  | "other_tenant"
  | (string & {});

/** A JSON Web Key Set (`GET /.well-known/jwks.json`). */
export type { JSONWebKeySet } from "jose";
