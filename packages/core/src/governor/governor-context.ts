import type { Catalog } from "../catalog/catalog";
import { IntendedOpsError } from "../errors";
import { MAX_POLICIES_PER_TENANT } from "../policy/policy-schema";
import type { OutboxEvent, StoragePort, StoreTx } from "../storage/storage-port";
import type { TierMatrix } from "../trust/tier-matrix";
import { DEFAULT_TRUST_CONFIG, type TrustConfig } from "../trust/trust-config";
import { createGovernorMetrics, type GovernorMetrics } from "./governor-metrics";
import type { Actor, GovernorOptions, IntentTokenContext } from "./governor-types";
import { type AuditDraft, type OutboxDraft, recordEvents } from "./record-events";
import { createRulesCache, type RulesCache } from "./rules-cache";

const DEFAULT_APPROVAL_TTL_SECONDS = 72 * 60 * 60;

/** What every governor service shares: the store, catalog, clock, config and caches. */
export interface GovernorContext {
  store: StoragePort;
  catalog: Catalog;
  clock: () => number;
  trust: TrustConfig;
  matrix: TierMatrix | undefined;
  approvalTtlSeconds: number;
  maxPoliciesPerTenant: number;
  metrics: GovernorMetrics;
  rules: RulesCache;
  /** Signs intent tokens on approval; absent when the embedder mints none. */
  mintIntentToken: ((context: IntentTokenContext) => Promise<string>) | undefined;
  /** Hands committed outbox events to the in-process listener, if any. */
  notify(events: OutboxEvent[]): void;
}

/** Build the shared context from the governor's options (defaults filled in). */
export function createGovernorContext(options: GovernorOptions): GovernorContext {
  const ttl = options.defaultApprovalTtlSeconds ?? DEFAULT_APPROVAL_TTL_SECONDS;
  if (!(ttl > 0 && Number.isFinite(ttl))) {
    const message = "defaultApprovalTtlSeconds must be a positive number of seconds";
    throw new IntendedOpsError("VALIDATION_ERROR", message, [
      { path: ["defaultApprovalTtlSeconds"], message },
    ]);
  }
  const maxPolicies = options.maxPoliciesPerTenant ?? MAX_POLICIES_PER_TENANT;
  if (!(Number.isSafeInteger(maxPolicies) && maxPolicies > 0)) {
    const message = "maxPoliciesPerTenant must be a positive whole number";
    throw new IntendedOpsError("VALIDATION_ERROR", message, [{ path: ["maxPoliciesPerTenant"], message }]);
  }
  const listener = options.onEvents;
  return {
    store: options.store,
    catalog: options.catalog,
    clock: options.clock ?? Date.now,
    trust: options.trust ?? DEFAULT_TRUST_CONFIG,
    matrix: options.matrix,
    approvalTtlSeconds: ttl,
    maxPoliciesPerTenant: maxPolicies,
    metrics: createGovernorMetrics(options.metrics ?? true),
    rules: createRulesCache(),
    mintIntentToken: options.mintIntentToken,
    notify(events) {
      if (!listener || events.length === 0) return;
      try {
        listener(events);
      } catch {
        // The change is committed and the events sit in the outbox; a failing listener must not
        // turn a successful request into an error. Delivery falls back to polling the outbox.
      }
    },
  };
}

/** One state change in progress: its transaction, its time, and what it records alongside. */
export interface WriteScope {
  tx: StoreTx;
  tenantId: string;
  actor: Actor;
  /** Epoch ms of this change; every timestamp it writes derives from it. */
  now: number;
  /** `now` as an ISO string. */
  at: string;
  audit(draft: AuditDraft): void;
  publish(draft: OutboxDraft): void;
  /** Run after a successful commit (metrics); skipped on rollback. */
  afterCommit(effect: () => void): void;
}

/**
 * Run `fn` in one store transaction and record its audit and outbox drafts in that same
 * transaction; after commit, notify the listener and run the after-commit effects.
 * A throw anywhere rolls everything back and propagates unchanged.
 */
export async function writeTransaction<T>(
  ctx: GovernorContext,
  actor: Actor,
  fn: (scope: WriteScope) => Promise<T>,
  now: number = ctx.clock(),
): Promise<T> {
  let committedEvents: OutboxEvent[] = [];
  let effects: (() => void)[] = [];
  const result = await ctx.store.transaction(async (tx) => {
    const audit: AuditDraft[] = [];
    const outbox: OutboxDraft[] = [];
    const pending: (() => void)[] = [];
    const scope: WriteScope = {
      tx,
      tenantId: actor.tenantId,
      actor,
      now,
      at: new Date(now).toISOString(),
      audit: (draft) => audit.push(draft),
      publish: (draft) => outbox.push(draft),
      afterCommit: (effect) => pending.push(effect),
    };
    const value = await fn(scope);
    committedEvents = await recordEvents(tx, actor.tenantId, actor, { audit, outbox }, now);
    effects = pending;
    return value;
  });
  ctx.notify(committedEvents);
  runEffects(effects);
  return result;
}

function runEffects(effects: readonly (() => void)[]): void {
  for (const effect of effects) {
    try {
      effect();
    } catch {
      // Metrics are best effort: a collector that throws must not fail a committed change.
    }
  }
}

/** The actor of changes nobody asked for (approval expiry). */
export function systemActor(tenantId: string): Actor {
  return { tenantId, id: "system", name: "system", kind: "system" };
}

export function notFound(what: string, id: string): IntendedOpsError {
  return new IntendedOpsError("NOT_FOUND", `${what} not found: ${id}`, { id });
}
