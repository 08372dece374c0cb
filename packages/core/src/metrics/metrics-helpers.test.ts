import { afterEach, describe, expect, it } from "vitest";
import { getMetricsCollector, setMetricsCollector } from "./global-collector";
import { InMemoryMetricsCollector } from "./in-memory-collector";
import { IntendedOps_METRICS as M } from "./metric-definitions";
import { metrics } from "./metrics-helpers";

const original = getMetricsCollector();
afterEach(() => setMetricsCollector(original));

function install(): InMemoryMetricsCollector {
  const collector = new InMemoryMetricsCollector({
    now: (() => {
      let t = 0;
      return () => (t += 40);
    })(),
  });
  setMetricsCollector(collector);
  return collector;
}

function valuesOf(collector: InMemoryMetricsCollector, name: string): unknown[] {
  return collector.getMetrics().find((m) => m.name === name)?.values ?? [];
}

describe("metrics", () => {
  it("writes every counter helper to its guide metric when called", () => {
    const c = install();
    const t = { tenantId: "t1" };
    const cases: [() => void, string, number][] = [
      [() => metrics.intentSubmitted(t), M.INTENTS_SUBMITTED, 1],
      [() => metrics.intentEvaluated(t), M.INTENTS_EVALUATED, 1],
      [() => metrics.intentExecuted(t), M.INTENTS_EXECUTED, 1],
      [() => metrics.intentBlocked(t), M.INTENTS_BLOCKED, 1],
      [() => metrics.trustProgression(t), M.TRUST_PROGRESSIONS, 1],
      [() => metrics.trustDemotion(t), M.TRUST_DEMOTIONS, 1],
      [() => metrics.valueGenerated(9900, t), M.VALUE_GENERATED, 9900],
      [() => metrics.valueByType(500, t), M.VALUE_BY_TYPE, 500],
      [() => metrics.jobProcessed({ job: "expire" }), M.JOBS_PROCESSED, 1],
      [() => metrics.jobFailed({ job: "expire" }), M.JOBS_FAILED, 1],
      [() => metrics.webhookReceived(t), M.WEBHOOKS_RECEIVED, 1],
      [() => metrics.governanceDecision({ ...t, status: "allow" }), M.GOVERNANCE_DECISIONS, 1],
    ];
    for (const [call, name, expected] of cases) {
      call();
      expect([name, valuesOf(c, name)]).toEqual([name, [expect.objectContaining({ value: expected })]]);
    }
  });

  it("writes gauges when the pending, trust score and tier helpers are called", () => {
    const c = install();
    metrics.setPendingApprovals(4, { tenantId: "t1" });
    metrics.incPendingApprovals({ tenantId: "t1" });
    metrics.decPendingApprovals({ tenantId: "t1" }, 2);
    metrics.setTrustScore(612, { tenantId: "t1", agentId: "a" });
    metrics.setAgentsByTier(3, { tenantId: "t1", trustTier: "T1" });
    expect(valuesOf(c, M.INTENTS_PENDING_APPROVAL)).toEqual([{ labels: { tenantId: "t1" }, value: 3 }]);
    expect(valuesOf(c, M.TRUST_SCORE)).toEqual([{ labels: { agentId: "a", tenantId: "t1" }, value: 612 }]);
    expect(valuesOf(c, M.AGENTS_BY_TIER)).toEqual([
      { labels: { tenantId: "t1", trustTier: "T1" }, value: 3 },
    ]);
  });

  it("observes the duration histograms when the duration helpers and startTimer are called", () => {
    const c = install();
    metrics.observeEvaluationDuration(0.0002, { domain: "billing" });
    metrics.observeExecutionDuration(1.5, { domain: "billing" });
    const stop = metrics.startTimer(M.INTENT_EXECUTION_DURATION, { domain: "billing" });
    expect(stop()).toBe(0.04);
    expect(valuesOf(c, M.INTENT_EVALUATION_DURATION)).toEqual([
      expect.objectContaining({ count: 1, sum: 0.0002 }),
    ]);
    expect(valuesOf(c, M.INTENT_EXECUTION_DURATION)).toEqual([
      expect.objectContaining({ count: 2, sum: 1.54 }),
    ]);
  });

  it("adds the processed count when a job run reports how many items it handled", () => {
    const c = install();
    metrics.jobProcessed({ job: "expire-approvals" }, 7);
    metrics.jobProcessed({ job: "expire-approvals" });
    expect(valuesOf(c, M.JOBS_PROCESSED)).toEqual([{ labels: { job: "expire-approvals" }, value: 8 }]);
  });

  it("uses the collector installed at call time when the global collector changes", () => {
    const first = install();
    metrics.intentSubmitted();
    const second = install();
    metrics.intentSubmitted();
    metrics.intentSubmitted();
    expect(valuesOf(first, M.INTENTS_SUBMITTED)).toEqual([{ labels: {}, value: 1 }]);
    expect(valuesOf(second, M.INTENTS_SUBMITTED)).toEqual([{ labels: {}, value: 2 }]);
  });

  it("starts with a built-in in-memory collector when nothing was installed", () => {
    expect(original).toBeInstanceOf(InMemoryMetricsCollector);
  });
});
