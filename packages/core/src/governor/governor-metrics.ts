import { metrics } from "../metrics/metrics-helpers";
import type { Agent } from "../model/agent";
import { tierRank } from "../model/enums";
import type { Intent } from "../model/intent";
import type { Value } from "../model/value";
import type { AgentTrustScore, TenantPendingCount, TierCount } from "../storage/storage-port";
import type { TrustChangeDraft } from "../trust/trust-progression";

/** The stored state behind the gauges, as counted across tenants by `Governor.refreshGauges`. */
export interface GaugeCounts {
  pendingApprovals: readonly TenantPendingCount[];
  agentsByTier: readonly TierCount[];
  trustScores: readonly AgentTrustScore[];
}

/**
 * The lifecycle's metric points, named for what happened; the governor calls them after commit.
 * Each metric always gets the same label names, because label-strict collectors (prom-client)
 * fix a metric's labels at its first use.
 */
export interface GovernorMetrics {
  /** False when the governor records no metrics: callers may skip work done only for them. */
  readonly enabled: boolean;
  intentDecided(intent: Intent, evaluationSeconds: number): void;
  /**
   * A pending approval appeared (+1) or was resolved (-1): keeps this process's gauge moving
   * between recounts; `gaugesRecounted` replaces it with the stored count.
   */
  pendingApprovalsMoved(tenantId: string, delta: 1 | -1): void;
  /** The stored state's gauges, recounted from the store: replaces every series of each. */
  gaugesRecounted(counts: GaugeCounts): void;
  /** A completed intent; `approvedAt` (ISO) starts its execution time, `completedAt` ends it. */
  intentCompleted(intent: Intent, value: Value | null, approvedAt: string): void;
  /** A failed intent; its execution time runs from `approvedAt` to `completedAt`, as for completions. */
  intentFailed(intent: Intent, approvedAt: string): void;
  /** Trust moved (an outcome or an override): score gauge, plus a progression or demotion when the tier moved. */
  trustChanged(agent: Agent, change: TrustChangeDraft): void;
  /** The score gauge only (a newly registered agent). */
  trustScoreSet(agent: Agent): void;
}

const noop = (): void => {};

const DISABLED: GovernorMetrics = {
  enabled: false,
  intentDecided: noop,
  pendingApprovalsMoved: noop,
  gaugesRecounted: noop,
  intentCompleted: noop,
  intentFailed: noop,
  trustChanged: noop,
  trustScoreSet: noop,
};

/** The guide's metrics through the global `metrics` helpers, or no-ops when disabled. */
export function createGovernorMetrics(enabled: boolean): GovernorMetrics {
  if (!enabled) return DISABLED;
  return {
    enabled: true,
    intentDecided(intent, evaluationSeconds) {
      const labels = intentLabels(intent);
      const withTier = { ...labels, trustTier: intent.decision.trustTier };
      metrics.intentSubmitted(labels);
      metrics.intentEvaluated(withTier);
      metrics.observeEvaluationDuration(evaluationSeconds, labels);
      metrics.governanceDecision({ ...withTier, status: intent.decision.outcome });
      if (intent.status === "blocked") metrics.intentBlocked(withTier);
    },
    pendingApprovalsMoved(tenantId, delta) {
      if (delta > 0) metrics.incPendingApprovals({ tenantId });
      else metrics.decPendingApprovals({ tenantId });
    },
    gaugesRecounted(counts) {
      metrics.replacePendingApprovals(
        counts.pendingApprovals.map(({ tenantId, count }) => ({ labels: { tenantId }, value: count })),
      );
      metrics.replaceAgentsByTier(
        counts.agentsByTier.map(({ tenantId, trustTier, count }) => ({
          labels: { tenantId, trustTier },
          value: count,
        })),
      );
      metrics.replaceTrustScores(
        counts.trustScores.map(({ tenantId, agentId, trustScore }) => ({
          labels: { tenantId, agentId },
          value: trustScore,
        })),
      );
    },
    intentCompleted(intent, value, approvedAt) {
      const labels = intentLabels(intent);
      metrics.intentExecuted({ ...labels, status: intent.status });
      metrics.observeExecutionDuration(executionSeconds(intent, approvedAt), labels);
      if (value === null) return;
      metrics.valueGenerated(value.cents, labels);
      metrics.valueByType(value.cents, {
        tenantId: intent.tenantId,
        domain: intent.domain,
        category: value.category,
      });
    },
    intentFailed(intent, approvedAt) {
      metrics.observeExecutionDuration(executionSeconds(intent, approvedAt), intentLabels(intent));
    },
    trustScoreSet(agent) {
      metrics.setTrustScore(agent.trustScore, { tenantId: agent.tenantId, agentId: agent.id });
    },
    trustChanged(agent, change) {
      const labels = { tenantId: agent.tenantId, agentId: agent.id };
      metrics.setTrustScore(change.toScore, labels);
      if (change.toTier === change.fromTier) return;
      const tierLabels = { ...labels, trustTier: change.toTier };
      if (tierRank(change.toTier) > tierRank(change.fromTier)) metrics.trustProgression(tierLabels);
      else metrics.trustDemotion(tierLabels);
    },
  };
}

/**
 * Seconds from approval to the reported outcome. Never negative: the instance that approved and
 * the one that records the outcome may read clocks a little apart.
 */
function executionSeconds(intent: Intent, approvedAt: string): number {
  const end = Date.parse(intent.completedAt ?? intent.updatedAt);
  return Math.max(0, (end - Date.parse(approvedAt)) / 1000);
}

function intentLabels(intent: Intent): {
  tenantId: string;
  agentId: string;
  domain: string;
  intentType: string;
} {
  return {
    tenantId: intent.tenantId,
    agentId: intent.agentId,
    domain: intent.domain,
    intentType: intent.type,
  };
}
