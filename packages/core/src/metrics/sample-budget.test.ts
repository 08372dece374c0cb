import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_SAMPLES, InMemoryMetricsCollector } from "./in-memory-collector";
import { DEFAULT_DURATION_BUCKETS, IntendedOps_METRICS } from "./metric-definitions";
import { renderPrometheusText } from "./prometheus-text";

const M = IntendedOps_METRICS;
/** Samples one histogram series exposes: a bucket line per bound, `+Inf`, `_sum` and `_count`. */
const HISTOGRAM_SAMPLES = DEFAULT_DURATION_BUCKETS.length + 3;

/** What the governor records for one submitted and completed intent of an agent and type. */
function recordIntent(c: InMemoryMetricsCollector, i: number): void {
  const labels = {
    tenantId: `t${i % 20}`,
    agentId: `agent-${i}`,
    domain: "billing",
    intentType: "billing.x",
  };
  const withTier = { ...labels, trustTier: "T0" };
  c.increment(M.INTENTS_SUBMITTED, labels);
  c.increment(M.INTENTS_EVALUATED, withTier);
  c.observe(M.INTENT_EVALUATION_DURATION, 0.001, labels);
  c.increment(M.GOVERNANCE_DECISIONS, { ...withTier, status: "allow" });
  c.increment(M.INTENTS_EXECUTED, { ...labels, status: "completed" });
  c.observe(M.INTENT_EXECUTION_DURATION, 1, labels);
  c.increment(M.VALUE_GENERATED, labels, 100);
}

function sampleLines(text: string): number {
  return text.split("\n").filter((line) => line !== "" && !line.startsWith("#")).length;
}

describe("InMemoryMetricsCollector sample budget", () => {
  it("drops new series of any metric once the collector exposes maxSamples samples", () => {
    const c = new InMemoryMetricsCollector({ maxSamples: 3 });
    c.increment(M.INTENTS_SUBMITTED, { agentId: "a" });
    c.increment(M.INTENTS_EXECUTED, { agentId: "a" });
    c.setGauge(M.TRUST_SCORE, 50, { agentId: "a" });
    c.increment(M.INTENTS_BLOCKED, { agentId: "a" });
    c.increment(M.INTENTS_SUBMITTED, { agentId: "b" });
    // Series already held keep counting.
    c.increment(M.INTENTS_SUBMITTED, { agentId: "a" });
    expect(c.droppedSamples).toBe(2);
    expect(sampleLines(c.renderPrometheus())).toBe(3);
    expect(c.getMetrics().find((m) => m.name === M.INTENTS_SUBMITTED)?.values).toEqual([
      { labels: { agentId: "a" }, value: 2 },
    ]);
  });

  it("counts a histogram series as every line it exposes when checking the budget", () => {
    const c = new InMemoryMetricsCollector({ maxSamples: HISTOGRAM_SAMPLES + 1 });
    c.observe(M.INTENT_EVALUATION_DURATION, 0.1, { agentId: "a" });
    c.increment(M.INTENTS_SUBMITTED, { agentId: "a" });
    c.observe(M.INTENT_EVALUATION_DURATION, 0.1, { agentId: "b" });
    c.increment(M.INTENTS_SUBMITTED, { agentId: "b" });
    expect(c.droppedSamples).toBe(2);
    expect(sampleLines(c.renderPrometheus())).toBe(HISTOGRAM_SAMPLES + 1);
  });

  it("gives the budget back when a gauge is replaced or the collector is reset", () => {
    const c = new InMemoryMetricsCollector({ maxSamples: 2 });
    c.replaceGauge(M.TRUST_SCORE, [
      { labels: { agentId: "a" }, value: 1 },
      { labels: { agentId: "b" }, value: 2 },
    ]);
    c.replaceGauge(M.TRUST_SCORE, [
      { labels: { agentId: "c" }, value: 3 },
      { labels: { agentId: "d" }, value: 4 },
    ]);
    expect(c.droppedSamples).toBe(0);
    expect(sampleLines(c.renderPrometheus())).toBe(2);
    c.reset();
    c.increment(M.INTENTS_SUBMITTED, { agentId: "a" });
    c.increment(M.INTENTS_SUBMITTED, { agentId: "b" });
    expect(c.droppedSamples).toBe(0);
  });

  it("keeps a scrape of the default collector within the default budget however many agents record", () => {
    const c = new InMemoryMetricsCollector();
    // 1200 agents × the 7 intent metrics would be 58 800 samples; 10 000 would be the 490 000
    // (78 MB of text per scrape) that the per-metric cap alone allowed.
    for (let i = 0; i < 1200; i++) recordIntent(c, i);
    expect(sampleLines(c.renderPrometheus())).toBeLessThanOrEqual(DEFAULT_MAX_SAMPLES);
    expect(c.droppedSamples).toBeGreaterThan(0);
  });

  it("renders the same text as renderPrometheusText over its snapshots", () => {
    const c = new InMemoryMetricsCollector();
    for (let i = 0; i < 5; i++) recordIntent(c, i);
    c.observe(M.INTENT_EVALUATION_DURATION, 100, {});
    c.setGauge(M.INTENTS_PENDING_APPROVAL, 3, { tenantId: 'a"b\\c\nd' });
    expect(c.renderPrometheus()).toBe(renderPrometheusText(c.getMetrics()));
  });
});
