import type { Intention } from "../intentions/intention-schema";
import type { Agent } from "../model/agent";
import type { Approval, ApprovalStatus } from "../model/approval";
import type { AuditEvent } from "../model/audit-event";
import type { TrustTier, ValueCategory } from "../model/enums";
import type { Intent } from "../model/intent";
import type { IntentStatus } from "../model/intent-status";
import type { TrustChange } from "../model/trust-change";
import type { ValueRecord } from "../model/value";
import type { Policy } from "../policy/policy-schema";

/**
 * The storage port: everything the governance lifecycle reads and writes.
 * Implemented by the in-memory store (core) and the Kysely store (@intendedops/storage).
 * Every method is tenant-scoped (an id of another tenant is simply not found), except the few
 * that say "across tenants": the expiry job's and the metrics gauges' reads.
 */
export interface PageRequest {
  page: number;
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface IntentFilter {
  status?: IntentStatus;
  agentId?: string;
  type?: string;
  domain?: string;
  /** ISO timestamp, inclusive. */
  createdFrom?: string;
  /** ISO timestamp, exclusive. */
  createdBefore?: string;
}

export interface AuditFilter {
  eventType?: string;
  agentId?: string;
  intentId?: string;
  /** ISO timestamps, inclusive. */
  fromDate?: string;
  toDate?: string;
}

/** The head of a tenant's audit chain: last seq and hash (seq 0 / genesis hash when empty). */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** A stored idempotency record: the first request's body fingerprint and the intent it created. */
export interface IdempotencyRecord {
  tenantId: string;
  key: string;
  requestHash: string;
  intentId: string;
  createdAt: string;
}

/** An event waiting in the transactional outbox (delivered by webhooks). */
export interface OutboxEvent {
  /** `whk_…`, the webhook payload id; stable across retries. */
  id: string;
  tenantId: string;
  event: string;
  data: Record<string, unknown>;
  createdAt: string;
}

/**
 * Read options for rows a transaction is about to rewrite from their current value.
 * `forUpdate` asks for a row lock held to commit (`SELECT … FOR UPDATE` on PostgreSQL; the
 * single writer already serializes on SQLite and in memory), so concurrent read-modify-write
 * cycles (trust scores, approval votes, policy versions, intention states) cannot lose an update. Stores may ignore it outside
 * a transaction.
 */
export interface ReadOptions {
  forUpdate?: boolean;
}

/** Where an approval stands in the expiry job's (expiresAt, id) order. */
export interface ApprovalPosition {
  expiresAt: string;
  id: string;
}

/** How many pending approvals one tenant has (metrics gauges). */
export interface TenantPendingCount {
  tenantId: string;
  count: number;
}

/** How many agents of one tenant sit in one trust tier (metrics gauges). */
export interface TierCount {
  tenantId: string;
  trustTier: TrustTier;
  count: number;
}

/** One agent's trust score (metrics gauges). */
export interface AgentTrustScore {
  tenantId: string;
  agentId: string;
  trustScore: number;
}

export interface AgentRepo {
  get(tenantId: string, id: string, options?: ReadOptions): Promise<Agent | undefined>;
  /** Throws IntendedOpsError CONFLICT when the id is taken in the tenant. */
  insert(agent: Agent): Promise<void>;
  update(agent: Agent): Promise<void>;
  list(tenantId: string, page: PageRequest): Promise<Page<Agent>>;
  countActive(tenantId: string): Promise<number>;
  /** Agents (active and suspended) per tenant and tier, across tenants; empty groups are left out. */
  countByTier(): Promise<TierCount[]>;
  /**
   * Trust scores across tenants, ordered by tenant then agent id, at most `limit` of them. With
   * more agents than `limit` the rows are shared out: every tenant's n-th agent (by id) is listed
   * before any tenant's (n+1)-th, so the tenants that sort first cannot take them all.
   */
  listTrustScores(limit: number): Promise<AgentTrustScore[]>;
}

export interface IntentRepo {
  get(tenantId: string, id: string): Promise<Intent | undefined>;
  insert(intent: Intent): Promise<void>;
  /**
   * Write the intent if its stored status is still `expectedStatus`; returns false when
   * another writer moved it first (compare-and-set, so concurrent decisions cannot both win).
   */
  update(intent: Intent, expectedStatus: IntentStatus): Promise<boolean>;
  list(tenantId: string, filter: IntentFilter, page: PageRequest): Promise<Page<Intent>>;
  count(tenantId: string, filter: IntentFilter): Promise<number>;
  countByStatus(tenantId: string, agentId?: string): Promise<Partial<Record<IntentStatus, number>>>;
}

export interface ApprovalRepo {
  get(tenantId: string, id: string, options?: ReadOptions): Promise<Approval | undefined>;
  getByIntent(tenantId: string, intentId: string): Promise<Approval | undefined>;
  insert(approval: Approval): Promise<void>;
  /** Compare-and-set on status, like IntentRepo.update. */
  update(approval: Approval, expectedStatus: ApprovalStatus): Promise<boolean>;
  list(tenantId: string, filter: { status?: ApprovalStatus }, page: PageRequest): Promise<Page<Approval>>;
  countPending(tenantId: string): Promise<number>;
  /** `countPending` of every tenant at once; tenants without pending approvals are left out. */
  countPendingByTenant(): Promise<TenantPendingCount[]>;
  /**
   * Pending approvals whose expiresAt ≤ now, across tenants, in (expiresAt, id) order (for the
   * expiry job); with `after`, only those past that position, so the job can page past ones it
   * could not expire.
   */
  listExpired(now: string, limit: number, after?: ApprovalPosition): Promise<Approval[]>;
}

export interface PolicyRepo {
  list(tenantId: string): Promise<Policy[]>;
  get(tenantId: string, id: string, options?: ReadOptions): Promise<Policy | undefined>;
  insert(policy: Policy): Promise<void>;
  update(policy: Policy): Promise<void>;
  delete(tenantId: string, id: string): Promise<boolean>;
  /** How many policies the tenant holds. Optional: callers fall back to counting `list`. */
  count?(tenantId: string): Promise<number>;
  /** A number that changes whenever the tenant's policy set changes (cache key for compiled matchers). */
  revision(tenantId: string): Promise<number>;
  /**
   * Both cache keys of a submission in one read: this repo's `revision` and the intention repo's.
   * Optional: callers fall back to the two `revision` calls when a store lacks it.
   */
  rulesRevisions?(tenantId: string): Promise<RulesRevisions>;
}

/** The policy and intention revisions of a tenant, read together. */
export interface RulesRevisions {
  policies: number;
  intentions: number;
}

export interface IntentionRepo {
  list(tenantId: string): Promise<Intention[]>;
  get(tenantId: string, id: string, options?: ReadOptions): Promise<Intention | undefined>;
  getByLabel(tenantId: string, label: string): Promise<Intention | undefined>;
  /** Throws IntendedOpsError CONFLICT when the label is taken in the tenant. */
  insert(intention: Intention): Promise<void>;
  update(intention: Intention): Promise<void>;
  /** Changes whenever the tenant's intentions change (cache key). */
  revision(tenantId: string): Promise<number>;
}

export interface AuditRepo {
  /**
   * The tenant's chain head, locked for the rest of the transaction so appends are
   * serialized per tenant (a row lock on PostgreSQL; the single writer on SQLite).
   */
  lockHead(tenantId: string): Promise<AuditHead>;
  /** Append events computed from the locked head and move the head to the last one. */
  append(tenantId: string, events: AuditEvent[]): Promise<void>;
  list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEvent>>;
  /** The whole chain in seq order, in batches (for verification). */
  scan(tenantId: string, batchSize?: number): AsyncIterable<AuditEvent[]>;
}

export interface IdempotencyRepo {
  get(tenantId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Throws IntendedOpsError CONFLICT when the key already exists (a concurrent winner). */
  insert(record: IdempotencyRecord): Promise<void>;
}

export interface TrustChangeRepo {
  insert(change: TrustChange): Promise<void>;
  list(tenantId: string, agentId: string, limit: number): Promise<TrustChange[]>;
}

export interface ValueRepo {
  insert(record: ValueRecord): Promise<void>;
  /** Sum of cents by category, optionally for one agent. */
  totals(tenantId: string, filter?: { agentId?: string }): Promise<Partial<Record<ValueCategory, number>>>;
}

export interface OutboxRepo {
  /**
   * Writes the events a consumer wants and returns them. A store may leave out events nothing
   * subscribes to (the Kysely store keeps only those an enabled webhook endpoint of the tenant
   * subscribes to); the in-memory store keeps every event.
   */
  enqueue(events: OutboxEvent[]): Promise<OutboxEvent[]>;
}

/** The repositories available inside one transaction. */
export interface StoreTx {
  agents: AgentRepo;
  intents: IntentRepo;
  approvals: ApprovalRepo;
  policies: PolicyRepo;
  intentions: IntentionRepo;
  audit: AuditRepo;
  idempotency: IdempotencyRepo;
  trustChanges: TrustChangeRepo;
  values: ValueRepo;
  outbox: OutboxRepo;
}

export interface StoreReadOptions {
  snapshot?: boolean;
}

export interface StoragePort {
  /**
   * Run `fn` in one transaction: all of its writes commit together or not at all.
   * Errors thrown by `fn` roll back and propagate unchanged. A store may run `fn` again after a
   * failure that committed nothing (the PostgreSQL store does after a stale prepared statement),
   * so keep `fn`'s effects inside the transaction; the governor's are.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Reads outside a write transaction (may share the same implementation). With `snapshot`,
   * every read of `fn` sees the database at one moment, for answers whose figures must agree
   * with each other (an agent's trust and its history, counts and totals); without it each
   * statement may see a later commit than the one before.
   */
  read<T>(fn: (tx: StoreTx) => Promise<T>, options?: StoreReadOptions): Promise<T>;
  /** True when the backing database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
