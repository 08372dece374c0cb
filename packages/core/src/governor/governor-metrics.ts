import { metrics } from "../metrics/metrics-helpers";
import type { Agent } from "../model/agent";
import { tierRank } from "../model/enums";
import type { Intent } from "../model/intent";
import type { Value } from "../model/value";
import type { TrustChangeDraft } from "../trust/trust-progression";

/**
 * The lifecycle's metric points, named for what happened; the governor calls them after commit.
 * Each metric always gets the same label names, because label-strict collectors (prom-client)
 * fix a metric's labels at its first use.
 */
export interface GovernorMetrics {
  intentDecided(intent: Intent, evaluationSeconds: number): void;
  /** A pending approval appeared (+1) or was resolved (-1). */
  pendingApprovalsMoved(tenantId: string, delta: 1 | -1): void;
  /** The exact pending count, when a caller has just read it. */
  pendingApprovalsCounted(tenantId: string, count: number): void;
  intentCompleted(intent: Intent, value: Value | null): void;
  /** An outcome moved trust: score gauge, plus a progression or demotion when the tier moved. */
  trustChanged(agent: Agent, change: TrustChangeDraft): void;
  /** The score gauge only (admin overrides). */
  trustScoreSet(agent: Agent): void;
}

const noop = (): void => {};

const DISABLED: GovernorMetrics = {
  intentDecided: noop,
  pendingApprovalsMoved: noop,
  pendingApprovalsCounted: noop,
  intentCompleted: noop,
  trustChanged: noop,
  trustScoreSet: noop,
};

/** The guide's metrics through the global `metrics` helpers, or no-ops when disabled. */
export function createGovernorMetrics(enabled: boolean): GovernorMetrics {
  if (!enabled) return DISABLED;
  return {
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
    pendingApprovalsCounted(tenantId, count) {
      metrics.setPendingApprovals(count, { tenantId });
    },
    intentCompleted(intent, value) {
      const labels = intentLabels(intent);
      metrics.intentExecuted({ ...labels, status: intent.status });
      if (value === null) return;
      metrics.valueGenerated(value.cents, labels);
      metrics.valueByType(value.cents, {
        tenantId: intent.tenantId,
        domain: intent.domain,
        category: value.category,
      });
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
