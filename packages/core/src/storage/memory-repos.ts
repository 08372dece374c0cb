import { IntendedOpsError } from "../errors";
import type { Intention } from "../intentions/intention-schema";
import type { Agent } from "../model/agent";
import type { Approval } from "../model/approval";
import type { AuditEvent } from "../model/audit-event";
import type { ValueCategory } from "../model/enums";
import type { Intent } from "../model/intent";
import type { IntentStatus } from "../model/intent-status";
import type { TrustChange } from "../model/trust-change";
import type { ValueRecord } from "../model/value";
import type { Policy } from "../policy/policy-schema";
import { type Journal, TenantLog, TenantTable } from "./memory-tables";
import { copyRow } from "./row-copy";
import type {
  AuditFilter,
  AuditHead,
  IdempotencyRecord,
  IntentFilter,
  OutboxEvent,
  Page,
  PageRequest,
  StoreTx,
  TierCount,
} from "./storage-port";

/** The first event of a chain links to this (64 zero hex digits), as the audit chain defines it. */
const GENESIS_HEAD_HASH = "0".repeat(64);

/** Everything the in-memory store holds. */
export interface MemoryState {
  agents: TenantTable<Agent>;
  intents: TenantTable<Intent>;
  approvals: TenantTable<Approval>;
  /** intentId → approval id. */
  approvalsByIntent: TenantTable<string>;
  policies: TenantTable<Policy>;
  intentions: TenantTable<Intention>;
  /** label → intention id. */
  intentionLabels: TenantTable<string>;
  /** "policies" | "intentions" → revision counter. */
  revisions: TenantTable<number>;
  auditEvents: TenantLog<AuditEvent>;
  auditHeads: TenantTable<AuditHead>;
  idempotency: TenantTable<IdempotencyRecord>;
  trustChanges: TenantLog<TrustChange>;
  values: TenantLog<ValueRecord>;
  outbox: TenantLog<OutboxEvent>;
}

export function createMemoryState(): MemoryState {
  return {
    agents: new TenantTable(),
    intents: new TenantTable(),
    approvals: new TenantTable(),
    approvalsByIntent: new TenantTable(),
    policies: new TenantTable(),
    intentions: new TenantTable(),
    intentionLabels: new TenantTable(),
    revisions: new TenantTable(),
    auditEvents: new TenantLog(),
    auditHeads: new TenantTable(),
    idempotency: new TenantTable(),
    trustChanges: new TenantLog(),
    values: new TenantLog(),
    outbox: new TenantLog(),
  };
}

/** Rows are copied in and out, as a database would, so callers never alias stored state. */
const copy = copyRow;

function paginate<T>(rows: readonly T[], request: PageRequest): Page<T> {
  const start = (request.page - 1) * request.pageSize;
  return {
    items: rows.slice(start, start + request.pageSize).map(copy),
    total: rows.length,
    page: request.page,
    pageSize: request.pageSize,
  };
}

const newestFirst = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

const oldestFirst = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number =>
  -newestFirst(a, b);

/** Orders tuples of strings element by element (by UTF-16 code unit). */
function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function conflict(message: string, details?: unknown): IntendedOpsError {
  return new IntendedOpsError("CONFLICT", message, details);
}

function bumpRevision(state: MemoryState, journal: Journal, tenantId: string, kind: string): void {
  state.revisions.set(journal, tenantId, kind, (state.revisions.get(tenantId, kind) ?? 0) + 1);
}

function matchesIntent(intent: Intent, filter: IntentFilter): boolean {
  return (
    (filter.status === undefined || intent.status === filter.status) &&
    (filter.agentId === undefined || intent.agentId === filter.agentId) &&
    (filter.type === undefined || intent.type === filter.type) &&
    (filter.domain === undefined || intent.domain === filter.domain) &&
    (filter.createdFrom === undefined || intent.createdAt >= filter.createdFrom) &&
    (filter.createdBefore === undefined || intent.createdAt < filter.createdBefore)
  );
}

function matchesAudit(event: AuditEvent, filter: AuditFilter): boolean {
  return (
    (filter.eventType === undefined || event.eventType === filter.eventType) &&
    (filter.agentId === undefined || event.agentId === filter.agentId) &&
    (filter.intentId === undefined || event.intentId === filter.intentId) &&
    (filter.fromDate === undefined || event.timestamp >= filter.fromDate) &&
    (filter.toDate === undefined || event.timestamp <= filter.toDate)
  );
}

/** The repositories of one transaction (or read) over the shared state, journaled for rollback. */
export function createMemoryRepos(state: MemoryState, journal: Journal): StoreTx {
  return {
    agents: {
      async get(tenantId, id) {
        const agent = state.agents.get(tenantId, id);
        return agent && copy(agent);
      },
      async insert(agent) {
        if (state.agents.has(agent.tenantId, agent.id)) {
          throw conflict(`Agent already exists: ${agent.id}`, { agentId: agent.id });
        }
        state.agents.set(journal, agent.tenantId, agent.id, copy(agent));
      },
      async update(agent) {
        if (!state.agents.has(agent.tenantId, agent.id)) return;
        state.agents.set(journal, agent.tenantId, agent.id, copy(agent));
      },
      async list(tenantId, page) {
        return paginate(state.agents.values(tenantId).sort(oldestFirst), page);
      },
      async countActive(tenantId) {
        return state.agents.values(tenantId).filter((a) => a.status === "active").length;
      },
      async countByTier() {
        const counts = new Map<string, TierCount>();
        for (const agent of state.agents.allValues()) {
          const key = JSON.stringify([agent.tenantId, agent.trustTier]);
          const found = counts.get(key);
          if (found) found.count += 1;
          else counts.set(key, { tenantId: agent.tenantId, trustTier: agent.trustTier, count: 1 });
        }
        return [...counts.values()];
      },
      async listTrustScores(limit) {
        const sorted = [...state.agents.allValues()].sort((a, b) =>
          compareKeys([a.tenantId, a.id], [b.tenantId, b.id]),
        );
        // Each agent's place within its tenant, so that over the limit every tenant's n-th agent
        // comes before any tenant's (n+1)-th (see the port).
        const ranked: { agent: Agent; index: number; rank: number }[] = [];
        for (const [index, agent] of sorted.entries()) {
          const previous = ranked[index - 1];
          const rank = previous?.agent.tenantId === agent.tenantId ? previous.rank + 1 : 0;
          ranked.push({ agent, index, rank });
        }
        const chosen =
          ranked.length <= limit
            ? ranked
            : [...ranked]
                .sort((a, b) => a.rank - b.rank)
                .slice(0, limit)
                .sort((a, b) => a.index - b.index);
        return chosen.map(({ agent }) => ({
          tenantId: agent.tenantId,
          agentId: agent.id,
          trustScore: agent.trustScore,
        }));
      },
    },

    intents: {
      async get(tenantId, id) {
        const intent = state.intents.get(tenantId, id);
        return intent && copy(intent);
      },
      async insert(intent) {
        if (state.intents.has(intent.tenantId, intent.id)) {
          throw conflict(`Intent already exists: ${intent.id}`);
        }
        state.intents.set(journal, intent.tenantId, intent.id, copy(intent));
      },
      async update(intent, expectedStatus) {
        const stored = state.intents.get(intent.tenantId, intent.id);
        if (stored?.status !== expectedStatus) return false;
        state.intents.set(journal, intent.tenantId, intent.id, copy(intent));
        return true;
      },
      async list(tenantId, filter, page) {
        const rows = state.intents.values(tenantId).filter((i) => matchesIntent(i, filter));
        return paginate(rows.sort(newestFirst), page);
      },
      async count(tenantId, filter) {
        return state.intents.values(tenantId).filter((i) => matchesIntent(i, filter)).length;
      },
      async countByStatus(tenantId, agentId) {
        const counts: Partial<Record<IntentStatus, number>> = {};
        for (const intent of state.intents.values(tenantId)) {
          if (agentId !== undefined && intent.agentId !== agentId) continue;
          counts[intent.status] = (counts[intent.status] ?? 0) + 1;
        }
        return counts;
      },
    },

    approvals: {
      async get(tenantId, id) {
        const approval = state.approvals.get(tenantId, id);
        return approval && copy(approval);
      },
      async getByIntent(tenantId, intentId) {
        const id = state.approvalsByIntent.get(tenantId, intentId);
        const approval = id === undefined ? undefined : state.approvals.get(tenantId, id);
        return approval && copy(approval);
      },
      async insert(approval) {
        if (state.approvals.has(approval.tenantId, approval.id)) {
          throw conflict(`Approval already exists: ${approval.id}`);
        }
        state.approvals.set(journal, approval.tenantId, approval.id, copy(approval));
        state.approvalsByIntent.set(journal, approval.tenantId, approval.intentId, approval.id);
      },
      async update(approval, expectedStatus) {
        const stored = state.approvals.get(approval.tenantId, approval.id);
        if (stored?.status !== expectedStatus) return false;
        state.approvals.set(journal, approval.tenantId, approval.id, copy(approval));
        return true;
      },
      async list(tenantId, filter, page) {
        const rows = state.approvals
          .values(tenantId)
          .filter((a) => filter.status === undefined || a.status === filter.status)
          .map((a) => ({ row: a, createdAt: a.requestedAt, id: a.id }))
          .sort(newestFirst)
          .map((entry) => entry.row);
        return paginate(rows, page);
      },
      async countPending(tenantId) {
        return state.approvals.values(tenantId).filter((a) => a.status === "pending").length;
      },
      async countPendingByTenant() {
        const counts = new Map<string, number>();
        for (const approval of state.approvals.allValues()) {
          if (approval.status !== "pending") continue;
          counts.set(approval.tenantId, (counts.get(approval.tenantId) ?? 0) + 1);
        }
        return [...counts].map(([tenantId, count]) => ({ tenantId, count }));
      },
      async listExpired(now, limit, after) {
        const position = (a: Approval) => `${a.expiresAt ?? ""}\u0000${a.id}`;
        const from = after === undefined ? undefined : `${after.expiresAt}\u0000${after.id}`;
        const due: Approval[] = [];
        for (const approval of state.approvals.allValues()) {
          if (approval.status !== "pending" || approval.expiresAt === null || approval.expiresAt > now)
            continue;
          if (from === undefined || position(approval) > from) due.push(approval);
        }
        due.sort((a, b) => (position(a) < position(b) ? -1 : 1));
        return due.slice(0, limit).map(copy);
      },
    },

    policies: {
      async list(tenantId) {
        return state.policies.values(tenantId).sort(oldestFirst).map(copy);
      },
      async count(tenantId) {
        return state.policies.values(tenantId).length;
      },
      async get(tenantId, id) {
        const policy = state.policies.get(tenantId, id);
        return policy && copy(policy);
      },
      async insert(policy) {
        if (state.policies.has(policy.tenantId, policy.id)) {
          throw conflict(`Policy already exists: ${policy.id}`);
        }
        state.policies.set(journal, policy.tenantId, policy.id, copy(policy));
        bumpRevision(state, journal, policy.tenantId, "policies");
      },
      async update(policy) {
        if (!state.policies.has(policy.tenantId, policy.id)) return;
        state.policies.set(journal, policy.tenantId, policy.id, copy(policy));
        bumpRevision(state, journal, policy.tenantId, "policies");
      },
      async delete(tenantId, id) {
        const deleted = state.policies.delete(journal, tenantId, id);
        if (deleted) bumpRevision(state, journal, tenantId, "policies");
        return deleted;
      },
      async revision(tenantId) {
        return state.revisions.get(tenantId, "policies") ?? 0;
      },
      async rulesRevisions(tenantId) {
        return {
          policies: state.revisions.get(tenantId, "policies") ?? 0,
          intentions: state.revisions.get(tenantId, "intentions") ?? 0,
        };
      },
    },

    intentions: {
      async list(tenantId) {
        const byAge = (a: Intention, b: Intention) =>
          a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1;
        return state.intentions.values(tenantId).sort(byAge).map(copy);
      },
      async get(tenantId, id) {
        const intention = state.intentions.get(tenantId, id);
        return intention && copy(intention);
      },
      async getByLabel(tenantId, label) {
        const id = state.intentionLabels.get(tenantId, label);
        const intention = id === undefined ? undefined : state.intentions.get(tenantId, id);
        return intention && copy(intention);
      },
      async insert(intention) {
        const tenantId = intention.tenant_id;
        if (state.intentionLabels.has(tenantId, intention.label)) {
          throw conflict(`Intention label already exists: ${intention.label}`, { label: intention.label });
        }
        state.intentions.set(journal, tenantId, intention.id, copy(intention));
        state.intentionLabels.set(journal, tenantId, intention.label, intention.id);
        bumpRevision(state, journal, tenantId, "intentions");
      },
      async update(intention) {
        const tenantId = intention.tenant_id;
        const stored = state.intentions.get(tenantId, intention.id);
        if (!stored) return;
        if (stored.label !== intention.label) {
          if (state.intentionLabels.has(tenantId, intention.label)) {
            throw conflict(`Intention label already exists: ${intention.label}`, { label: intention.label });
          }
          state.intentionLabels.delete(journal, tenantId, stored.label);
          state.intentionLabels.set(journal, tenantId, intention.label, intention.id);
        }
        state.intentions.set(journal, tenantId, intention.id, copy(intention));
        bumpRevision(state, journal, tenantId, "intentions");
      },
      async revision(tenantId) {
        return state.revisions.get(tenantId, "intentions") ?? 0;
      },
    },

    audit: {
      async lockHead(tenantId) {
        // The store's single-writer queue already serializes transactions, so this is a plain read.
        return { ...(state.auditHeads.get(tenantId, "head") ?? { seq: 0, hash: GENESIS_HEAD_HASH }) };
      },
      async append(tenantId, events) {
        const last = events[events.length - 1];
        if (!last) return;
        const head = state.auditHeads.get(tenantId, "head") ?? { seq: 0, hash: GENESIS_HEAD_HASH };
        events.forEach((event, index) => {
          if (event.tenantId !== tenantId || event.seq !== head.seq + index + 1) {
            throw new IntendedOpsError(
              "INTERNAL_ERROR",
              `Audit events must continue the chain of ${tenantId} at seq ${head.seq + 1}`,
            );
          }
        });
        state.auditEvents.append(journal, tenantId, events.map(copy));
        state.auditHeads.set(journal, tenantId, "head", { seq: last.seq, hash: last.hash });
      },
      async list(tenantId, filter, page) {
        const rows = state.auditEvents.rows(tenantId).filter((e) => matchesAudit(e, filter));
        return paginate(rows, page);
      },
      async *scan(tenantId, batchSize = 1000) {
        const rows = state.auditEvents.rows(tenantId);
        // Snapshot the length: events appended while scanning belong to a later verification.
        const end = rows.length;
        for (let start = 0; start < end; start += batchSize) {
          yield rows.slice(start, Math.min(start + batchSize, end)).map(copy);
        }
      },
    },

    idempotency: {
      async get(tenantId, key) {
        const record = state.idempotency.get(tenantId, key);
        return record && copy(record);
      },
      async insert(record) {
        if (state.idempotency.has(record.tenantId, record.key)) {
          throw conflict(`Idempotency key already used: ${record.key}`, { idempotencyKey: record.key });
        }
        state.idempotency.set(journal, record.tenantId, record.key, copy(record));
      },
    },

    trustChanges: {
      async insert(change) {
        state.trustChanges.append(journal, change.tenantId, [copy(change)]);
      },
      async list(tenantId, agentId, limit) {
        const rows = state.trustChanges.rows(tenantId);
        const found: TrustChange[] = [];
        for (let i = rows.length - 1; i >= 0 && found.length < limit; i--) {
          const row = rows[i];
          if (row?.agentId === agentId) found.push(copy(row));
        }
        return found;
      },
    },

    values: {
      async insert(record) {
        state.values.append(journal, record.tenantId, [copy(record)]);
      },
      async totals(tenantId, filter) {
        const totals: Partial<Record<ValueCategory, number>> = {};
        for (const record of state.values.rows(tenantId)) {
          if (filter?.agentId !== undefined && record.agentId !== filter.agentId) continue;
          totals[record.category] = (totals[record.category] ?? 0) + record.cents;
        }
        return totals;
      },
    },

    outbox: {
      async enqueue(events) {
        for (const event of events) state.outbox.append(journal, event.tenantId, [copy(event)]);
        return events;
      },
    },
  };
}
