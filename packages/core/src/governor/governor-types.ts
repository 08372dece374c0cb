import type { ChainVerification } from "../audit/chain-verifier";
import type { Catalog } from "../catalog/catalog";
import type { Intention, IntentionInput } from "../intentions/intention-schema";
import type { Agent, RegisterAgentInput } from "../model/agent";
import type { Approval, ApprovalStatus } from "../model/approval";
import type { AuditEvent } from "../model/audit-event";
import type { Decision } from "../model/decision";
import type { RiskLevel, TrustTier, ValueCategory } from "../model/enums";
import type { CreateIntentInput, Intent } from "../model/intent";
import type { IntentStatus } from "../model/intent-status";
import type { TrustChange } from "../model/trust-change";
import type { Policy, PolicyInput } from "../policy/policy-schema";
import type {
  AuditFilter,
  AuditHead,
  IntentFilter,
  OutboxEvent,
  Page,
  PageRequest,
  StoragePort,
} from "../storage/storage-port";
import type { TierMatrix } from "../trust/tier-matrix";
import type { TrustConfig } from "../trust/trust-config";
import type {
  CompleteIntentInput,
  FailIntentInput,
  IntentionPatch,
  SetTrustInput,
  SimulateInput,
} from "./governor-inputs";

/** Who acts: an API key, a user, or the system itself (expiry). */
export interface Actor {
  tenantId: string;
  /** API key id or user id; recorded as submitter, approver, audit actor. */
  id: string;
  name?: string | null;
  kind?: "key" | "user" | "system";
}

export interface GovernorOptions {
  store: StoragePort;
  catalog: Catalog;
  /** Epoch milliseconds; default `Date.now`. */
  clock?: () => number;
  trust?: TrustConfig;
  /** Tier × risk matrix; default the engine's DEFAULT_TIER_MATRIX. */
  matrix?: TierMatrix;
  /** Record the guide's metrics through `metrics` helpers; default true. */
  metrics?: boolean;
  /** Approval lifetime when no policy sets one; default 72 hours. */
  defaultApprovalTtlSeconds?: number;
  /**
   * Most policies one tenant may hold; default `MAX_POLICIES_PER_TENANT` (1,000). Every submission
   * of the tenant is evaluated against its whole set, so the bound caps what one tenant can make
   * each of its decisions cost on a shared server.
   */
  maxPoliciesPerTenant?: number;
  /** Called after each commit with the outbox events it wrote (e.g. to wake the webhook dispatcher). */
  onEvents?: (events: OutboxEvent[]) => void;
  /**
   * Signs the intent token of an intent that matched an active intention and was just approved
   * (by policy or by a human). Runs inside the approving transaction, so the token is stored on
   * the intent and travels in its `intent.approved` event; a throw rolls the approval back.
   */
  mintIntentToken?: (context: IntentTokenContext) => Promise<string>;
}

/** What an intent token is minted from: the approved intent, its intention, the approval time. */
export interface IntentTokenContext {
  intent: Intent;
  intention: Intention;
  /** Epoch milliseconds of the approval. */
  now: number;
}

/** Why an intention was created, when not by hand: recorded in its `intention.created` audit event. */
export interface IntentionOrigin {
  /** The ambient cluster it generalizes. */
  ambientClusterId: string;
}

/** Page number from 1 and page size; both optional, defaults 1 and 20 (size capped at 500). */
export type PageInput = Partial<PageRequest>;

export interface SubmitResult {
  intent: Intent;
  /** The approval a human must give, when the intent is pending (or was, on a replay). */
  approval: Approval | null;
  /** True when the idempotency key replayed an earlier submission. */
  replayed: boolean;
}

export interface ApprovalResult {
  intent: Intent;
  approval: Approval;
}

/** The intent fields shown beside an approval. */
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

/** An approval joined with a summary of its intent (null only if the intent row is gone). */
export type ApprovalView = Approval & { intent: IntentSummary | null };

export interface IntentDetails {
  intent: Intent;
  approval: Approval | null;
  /** The intent's audit events in chain order. */
  history: AuditEvent[];
}

export interface AgentMetrics {
  agentId: string;
  intents: { total: number; byStatus: Partial<Record<IntentStatus, number>> };
  /** completed / (completed + failed); null before any outcome. */
  successRate: number | null;
  trustScore: number;
  trustTier: TrustTier;
  tierName: string;
  valueByCategory: Partial<Record<ValueCategory, number>>;
  valueGeneratedCents: number;
  /** Newest first, at most 10. */
  recentTrustChanges: TrustChange[];
}

export interface GovernorStats {
  /** Intents created on the governor clock's UTC date: since UTC midnight, before the next one. */
  intentsToday: number;
  pendingApprovals: number;
  activeAgents: number;
  /** Dollars (two decimals) recorded by completed intents. */
  valueGenerated: number;
}

export interface SimulateResult {
  decision: Decision;
  riskLevel: RiskLevel;
}

/** The intent lifecycle over a StoragePort. Every state change commits in one transaction. */
export interface Governor {
  registerAgent(actor: Actor, input: RegisterAgentInput): Promise<Agent>;
  getAgent(tenantId: string, id: string): Promise<Agent>;
  listAgents(tenantId: string, page?: PageInput): Promise<Page<Agent>>;
  agentMetrics(tenantId: string, agentId: string): Promise<AgentMetrics>;
  setTrust(actor: Actor, agentId: string, input: SetTrustInput): Promise<Agent>;

  submit(actor: Actor, input: CreateIntentInput): Promise<SubmitResult>;
  simulate(tenantId: string, input: SimulateInput): Promise<SimulateResult>;
  getIntent(tenantId: string, id: string): Promise<IntentDetails>;
  listIntents(tenantId: string, filter?: IntentFilter, page?: PageInput): Promise<Page<Intent>>;
  complete(actor: Actor, intentId: string, input?: CompleteIntentInput): Promise<Intent>;
  fail(actor: Actor, intentId: string, input: FailIntentInput): Promise<Intent>;

  approve(actor: Actor, approvalId: string): Promise<ApprovalResult>;
  reject(actor: Actor, approvalId: string, reason?: string): Promise<ApprovalResult>;
  /** Expire every pending approval whose time has passed; returns how many intents expired. */
  expireDue(now?: number): Promise<number>;
  /** `filter.status` undefined lists every status. */
  listApprovals(
    tenantId: string,
    filter?: { status?: ApprovalStatus },
    page?: PageInput,
  ): Promise<Page<ApprovalView>>;
  getApproval(tenantId: string, id: string): Promise<ApprovalView>;

  createPolicy(actor: Actor, input: PolicyInput): Promise<Policy>;
  /** Replaces the policy's definition (PUT semantics); version + 1. */
  updatePolicy(actor: Actor, id: string, input: PolicyInput): Promise<Policy>;
  /** Returns the policy as it was before deletion. */
  deletePolicy(actor: Actor, id: string): Promise<Policy>;
  listPolicies(tenantId: string): Promise<Policy[]>;
  getPolicy(tenantId: string, id: string): Promise<Policy>;

  /** Created as a draft; a label the tenant already uses is a CONFLICT. */
  createIntention(actor: Actor, input: IntentionInput, origin?: IntentionOrigin): Promise<Intention>;
  /** Changes the fields given; only a draft may change (INVALID_STATE otherwise). */
  updateIntention(actor: Actor, id: string, input: IntentionPatch): Promise<Intention>;
  /** draft → active: the very next evaluation matches against it. */
  publishIntention(actor: Actor, id: string): Promise<Intention>;
  /** draft or active → archived: it stops matching. */
  archiveIntention(actor: Actor, id: string): Promise<Intention>;
  /** Oldest first. */
  listIntentions(tenantId: string): Promise<Intention[]>;
  getIntention(tenantId: string, id: string): Promise<Intention>;

  queryAudit(tenantId: string, filter?: AuditFilter, page?: PageInput): Promise<Page<AuditEvent>>;
  /**
   * Recomputes every hash of the tenant's chain against the stored head, and against `anchors`:
   * `(eventCount, headHash)` pairs of earlier verifications kept outside the database, which catch
   * a chain cut short or rewritten together with its head.
   */
  verifyAudit(tenantId: string, options?: { anchors?: readonly AuditHead[] }): Promise<ChainVerification>;
  stats(tenantId: string): Promise<GovernorStats>;
  /**
   * Recounts the gauges of stored state from the store, across tenants: pending approvals per
   * tenant, agents per trust tier, each agent's trust score. Call it before exporting metrics, so
   * they are right after a restart and agree between instances sharing one database.
   */
  refreshGauges(): Promise<void>;
}
