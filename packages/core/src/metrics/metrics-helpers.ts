import { getMetricsCollector } from "./global-collector";
import { type LabelsOf, IntendedOps_METRICS as M } from "./metric-definitions";
import type { Labels } from "./metrics-collector";
import { replaceGauge } from "./replace-gauge";

type IntentLabels = LabelsOf<typeof M.INTENTS_SUBMITTED>;

/** One series of a built-in gauge: its labels and value. */
interface Sample<L> {
  labels: L;
  value: number;
}

/**
 * One helper per built-in metric. Each call resolves the collector at call time, so
 * `setMetricsCollector` takes effect immediately.
 *
 * @example
 * metrics.intentSubmitted({ tenantId: "tenant_123", agentId: "billing-agent", domain: "billing", intentType: "billing.send_invoice" });
 */
export const metrics = {
  intentSubmitted(labels: IntentLabels = {}): void {
    getMetricsCollector().increment(M.INTENTS_SUBMITTED, labels);
  },
  intentEvaluated(labels: LabelsOf<typeof M.INTENTS_EVALUATED> = {}): void {
    getMetricsCollector().increment(M.INTENTS_EVALUATED, labels);
  },
  intentExecuted(labels: LabelsOf<typeof M.INTENTS_EXECUTED> = {}): void {
    getMetricsCollector().increment(M.INTENTS_EXECUTED, labels);
  },
  intentBlocked(labels: LabelsOf<typeof M.INTENTS_BLOCKED> = {}): void {
    getMetricsCollector().increment(M.INTENTS_BLOCKED, labels);
  },
  setPendingApprovals(count: number, labels: LabelsOf<typeof M.INTENTS_PENDING_APPROVAL> = {}): void {
    getMetricsCollector().setGauge(M.INTENTS_PENDING_APPROVAL, count, labels);
  },
  incPendingApprovals(labels: LabelsOf<typeof M.INTENTS_PENDING_APPROVAL> = {}, by = 1): void {
    getMetricsCollector().incGauge(M.INTENTS_PENDING_APPROVAL, labels, by);
  },
  decPendingApprovals(labels: LabelsOf<typeof M.INTENTS_PENDING_APPROVAL> = {}, by = 1): void {
    getMetricsCollector().decGauge(M.INTENTS_PENDING_APPROVAL, labels, by);
  },
  /** Replaces every pending-approval series with these counts: tenants left out drop out. */
  replacePendingApprovals(samples: readonly Sample<LabelsOf<typeof M.INTENTS_PENDING_APPROVAL>>[]): void {
    replaceGauge(getMetricsCollector(), M.INTENTS_PENDING_APPROVAL, samples);
  },
  observeEvaluationDuration(
    seconds: number,
    labels: LabelsOf<typeof M.INTENT_EVALUATION_DURATION> = {},
  ): void {
    getMetricsCollector().observe(M.INTENT_EVALUATION_DURATION, seconds, labels);
  },
  observeExecutionDuration(seconds: number, labels: LabelsOf<typeof M.INTENT_EXECUTION_DURATION> = {}): void {
    getMetricsCollector().observe(M.INTENT_EXECUTION_DURATION, seconds, labels);
  },
  trustProgression(labels: LabelsOf<typeof M.TRUST_PROGRESSIONS> = {}): void {
    getMetricsCollector().increment(M.TRUST_PROGRESSIONS, labels);
  },
  trustDemotion(labels: LabelsOf<typeof M.TRUST_DEMOTIONS> = {}): void {
    getMetricsCollector().increment(M.TRUST_DEMOTIONS, labels);
  },
  setTrustScore(score: number, labels: LabelsOf<typeof M.TRUST_SCORE> = {}): void {
    getMetricsCollector().setGauge(M.TRUST_SCORE, score, labels);
  },
  setAgentsByTier(count: number, labels: LabelsOf<typeof M.AGENTS_BY_TIER> = {}): void {
    getMetricsCollector().setGauge(M.AGENTS_BY_TIER, count, labels);
  },
  /** Replaces every trust-score series: agents left out drop out. */
  replaceTrustScores(samples: readonly Sample<LabelsOf<typeof M.TRUST_SCORE>>[]): void {
    replaceGauge(getMetricsCollector(), M.TRUST_SCORE, samples);
  },
  /** Replaces every agents-by-tier series: tenant and tier pairs left out drop out. */
  replaceAgentsByTier(samples: readonly Sample<LabelsOf<typeof M.AGENTS_BY_TIER>>[]): void {
    replaceGauge(getMetricsCollector(), M.AGENTS_BY_TIER, samples);
  },
  valueGenerated(cents: number, labels: LabelsOf<typeof M.VALUE_GENERATED> = {}): void {
    getMetricsCollector().increment(M.VALUE_GENERATED, labels, cents);
  },
  /** Value by category (`efficiency`, `revenue`, `risk_mitigation`, `cost_savings`) in the `category` label. */
  valueByType(cents: number, labels: LabelsOf<typeof M.VALUE_BY_TYPE> = {}): void {
    getMetricsCollector().increment(M.VALUE_BY_TYPE, labels, cents);
  },
  /** Counts work done by a background job: 1 per run by default, or the number of items a run processed. */
  jobProcessed(labels: LabelsOf<typeof M.JOBS_PROCESSED> = {}, count = 1): void {
    getMetricsCollector().increment(M.JOBS_PROCESSED, labels, count);
  },
  /** Counts the runs of a background job that failed. */
  jobFailed(labels: LabelsOf<typeof M.JOBS_FAILED> = {}): void {
    getMetricsCollector().increment(M.JOBS_FAILED, labels);
  },
  webhookReceived(labels: LabelsOf<typeof M.WEBHOOKS_RECEIVED> = {}): void {
    getMetricsCollector().increment(M.WEBHOOKS_RECEIVED, labels);
  },
  /** One decision; put the outcome (allow / require_approval / block) in `status`. */
  governanceDecision(labels: LabelsOf<typeof M.GOVERNANCE_DECISIONS> = {}): void {
    getMetricsCollector().increment(M.GOVERNANCE_DECISIONS, labels);
  },
  /** Starts a timer on a histogram; the returned function stops it and returns the elapsed seconds. */
  startTimer(name: string, labels: Labels = {}): () => number {
    return getMetricsCollector().startTimer(name, labels);
  },
};
