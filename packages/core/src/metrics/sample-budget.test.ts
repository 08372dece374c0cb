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

/** The series of `name` that belong to `tenantId`, by their labels. */
function seriesOf(c: InMemoryMetricsCollector, name: string, tenantId: string): Record<string, string>[] {
  const family = c.getMetrics().find((m) => m.name === name);
  return (family?.values ?? []).map((v) => v.labels).filter((labels) => labels.tenantId === tenantId);
}

describe("InMemoryMetricsCollector per-tenant share", () => {
  it("drops a tenant's new series past its share while another tenant's new series are kept", () => {
    const c = new InMemoryMetricsCollector({ maxSamples: 100, maxSamplesPerTenant: 2 });
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", agentId: "a" });
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", agentId: "b" });
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", agentId: "c" });
    c.setGauge(M.TRUST_SCORE, 50, { tenantId: "t1", agentId: "c" });
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t2", agentId: "d" });
    c.setGauge(M.TRUST_SCORE, 60, { tenantId: "t2", agentId: "d" });
    // Series the tenant already holds keep counting.
    c.increment(M.INTENTS_SUBMITTED, { agentId: "a", tenantId: "t1" });
    expect(c.droppedSamples).toBe(2);
    expect(c.droppedSamplesByTenant).toEqual(new Map([["t1", 2]]));
    expect(seriesOf(c, M.INTENTS_SUBMITTED, "t1").map((l) => l.agentId)).toEqual(["a", "b"]);
    expect(seriesOf(c, M.INTENTS_SUBMITTED, "t2").map((l) => l.agentId)).toEqual(["d"]);
    expect(seriesOf(c, M.TRUST_SCORE, "t2")).toHaveLength(1);
    expect(c.getMetrics().find((m) => m.name === M.INTENTS_SUBMITTED)?.values[0]).toEqual({
      labels: { agentId: "a", tenantId: "t1" },
      value: 2,
    });
  });

  it("counts a tenant's histogram series as every line it exposes when checking its share", () => {
    const c = new InMemoryMetricsCollector({ maxSamplesPerTenant: HISTOGRAM_SAMPLES });
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", agentId: "a" });
    c.observe(M.INTENT_EVALUATION_DURATION, 0.1, { tenantId: "t1", agentId: "a" });
    c.observe(M.INTENT_EVALUATION_DURATION, 0.1, { tenantId: "t2", agentId: "b" });
    expect(c.droppedSamplesByTenant).toEqual(new Map([["t1", 1]]));
    expect(seriesOf(c, M.INTENT_EVALUATION_DURATION, "t1")).toEqual([]);
    expect(seriesOf(c, M.INTENT_EVALUATION_DURATION, "t2")).toHaveLength(1);
    // t2 used its whole share on the histogram: not even a counter fits any more.
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t2", agentId: "b" });
    expect(c.droppedSamplesByTenant).toEqual(
      new Map([
        ["t1", 1],
        ["t2", 1],
      ]),
    );
  });

  it("gives a tenant its share back when its gauge series are replaced or the collector is reset", () => {
    const c = new InMemoryMetricsCollector({ maxSamplesPerTenant: 2 });
    c.replaceGauge(M.TRUST_SCORE, [
      { labels: { tenantId: "t1", agentId: "a" }, value: 1 },
      { labels: { tenantId: "t1", agentId: "b" }, value: 2 },
    ]);
    c.replaceGauge(M.TRUST_SCORE, [
      { labels: { tenantId: "t1", agentId: "c" }, value: 3 },
      { labels: { tenantId: "t1", agentId: "d" }, value: 4 },
    ]);
    expect(c.droppedSamples).toBe(0);
    // Still at its share: the replaced series count, the ones replaced no longer do.
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1" });
    expect(c.droppedSamplesByTenant).toEqual(new Map([["t1", 1]]));
    c.replaceGauge(M.TRUST_SCORE, [{ labels: { tenantId: "t1", agentId: "e" }, value: 5 }]);
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1" });
    expect(seriesOf(c, M.INTENTS_SUBMITTED, "t1")).toHaveLength(1);
    expect(c.droppedSamples).toBe(1);
    expect(c.renderPrometheus()).toBe(renderPrometheusText(c.getMetrics()));

    c.reset();
    expect(c.droppedSamplesByTenant).toEqual(new Map());
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", agentId: "a" });
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", agentId: "b" });
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", agentId: "c" });
    expect(c.droppedSamples).toBe(1);
  });

  it("counts series without a tenantId against the shared caps only", () => {
    const c = new InMemoryMetricsCollector({ maxSamples: 6, maxSamplesPerTenant: 1 });
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1" });
    for (const job of ["expiry", "webhooks", "outbox", "anchors"]) c.increment(M.JOBS_PROCESSED, { job });
    c.increment(M.INTENTS_EXECUTED, { tenantId: "t1" });
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t2" });
    expect(c.getMetrics().find((m) => m.name === M.JOBS_PROCESSED)?.values).toHaveLength(4);
    expect(seriesOf(c, M.INTENTS_SUBMITTED, "t2")).toHaveLength(1);
    expect(c.droppedSamplesByTenant).toEqual(new Map([["t1", 1]]));
    // The shared budget (6) is full: a series of no tenant is dropped there, and named for no tenant.
    c.increment(M.JOBS_FAILED, { job: "expiry" });
    expect(c.droppedSamples).toBe(2);
    expect(c.droppedSamplesByTenant).toEqual(new Map([["t1", 1]]));
  });

  it("gives each tenant a fifth of maxSamples by default, and no share with Infinity", () => {
    const shared = new InMemoryMetricsCollector({ maxSamples: 10 });
    const unlimited = new InMemoryMetricsCollector({
      maxSamples: 10,
      maxSamplesPerTenant: Number.POSITIVE_INFINITY,
    });
    for (const c of [shared, unlimited]) {
      for (const agentId of ["a", "b", "c"]) c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", agentId });
    }
    expect(shared.droppedSamplesByTenant).toEqual(new Map([["t1", 1]]));
    expect(unlimited.droppedSamples).toBe(0);
  });

  it("refuses a maxSamplesPerTenant below 0 or not a number", () => {
    expect(() => new InMemoryMetricsCollector({ maxSamplesPerTenant: -1 })).toThrow(RangeError);
    expect(() => new InMemoryMetricsCollector({ maxSamplesPerTenant: Number.NaN })).toThrow(RangeError);
    expect(new InMemoryMetricsCollector({ maxSamplesPerTenant: 0 }).droppedSamples).toBe(0);
  });

  it("drops a tenant's new series of one metric past its share of that metric while other tenants and metrics keep theirs", () => {
    const c = new InMemoryMetricsCollector({ maxSeriesPerMetric: 4, maxSeriesPerMetricPerTenant: 2 });
    for (const agentId of ["a", "b", "c"]) c.setGauge(M.TRUST_SCORE, 50, { tenantId: "t1", agentId });
    for (const agentId of ["d", "e"]) c.setGauge(M.TRUST_SCORE, 60, { tenantId: "t2", agentId });
    // The same tenant still gets series of other metrics.
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", agentId: "c" });
    expect(seriesOf(c, M.TRUST_SCORE, "t1").map((l) => l.agentId)).toEqual(["a", "b"]);
    expect(seriesOf(c, M.TRUST_SCORE, "t2").map((l) => l.agentId)).toEqual(["d", "e"]);
    expect(seriesOf(c, M.INTENTS_SUBMITTED, "t1")).toHaveLength(1);
    expect(c.droppedSamplesByTenant).toEqual(new Map([["t1", 1]]));
    // A recount that lists fewer of its series gives the tenant its share of the metric back.
    c.replaceGauge(M.TRUST_SCORE, [
      { labels: { tenantId: "t1", agentId: "c" }, value: 70 },
      { labels: { tenantId: "t2", agentId: "d" }, value: 60 },
    ]);
    c.setGauge(M.TRUST_SCORE, 80, { tenantId: "t1", agentId: "f" });
    expect(seriesOf(c, M.TRUST_SCORE, "t1").map((l) => l.agentId)).toEqual(["c", "f"]);
    c.reset();
    for (const agentId of ["a", "b"]) c.setGauge(M.TRUST_SCORE, 1, { tenantId: "t1", agentId });
    expect(c.droppedSamples).toBe(0);
  });

  it("keeps every tenant's trust scores when one tenant has 10,000 agents under the default options (regression: one or two large tenants filled the metric's series cap)", () => {
    const c = new InMemoryMetricsCollector();
    const scores = (tenantId: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({ labels: { tenantId, agentId: `agent-${i}` }, value: 50 }));
    c.replaceGauge(M.TRUST_SCORE, [
      ...scores("big-1", 10_000),
      ...scores("big-2", 10_000),
      ...scores("small", 3),
    ]);
    expect(seriesOf(c, M.TRUST_SCORE, "small")).toHaveLength(3);
    expect(seriesOf(c, M.TRUST_SCORE, "big-1")).toHaveLength(2_000);
    expect(c.droppedSamplesByTenant.get("big-1")).toBe(8_000);
  });

  it("refuses a maxSeriesPerMetricPerTenant below 0 or not a number", () => {
    expect(() => new InMemoryMetricsCollector({ maxSeriesPerMetricPerTenant: -1 })).toThrow(
      /maxSeriesPerMetricPerTenant/,
    );
    expect(() => new InMemoryMetricsCollector({ maxSeriesPerMetricPerTenant: Number.NaN })).toThrow(
      RangeError,
    );
    const unlimited = new InMemoryMetricsCollector({
      maxSeriesPerMetric: 3,
      maxSeriesPerMetricPerTenant: Number.POSITIVE_INFINITY,
    });
    for (const agentId of ["a", "b", "c"]) unlimited.setGauge(M.TRUST_SCORE, 1, { tenantId: "t1", agentId });
    expect(unlimited.droppedSamples).toBe(0);
  });

  it("keeps another tenant's series when one tenant records thousands of agents under the default options (regression: one tenant could push the others out of /metrics)", () => {
    const c = new InMemoryMetricsCollector();
    for (let i = 0; i < 2000; i++) recordIntent(c, i * 20);
    recordIntent(c, 1);
    for (const metric of c.getMetrics()) {
      if (metric.values.some((v) => v.labels.tenantId === "t0")) {
        expect(seriesOf(c, metric.name, "t1"), metric.name).toHaveLength(1);
      }
    }
    expect(c.droppedSamplesByTenant.get("t0")).toBeGreaterThan(0);
    expect(c.droppedSamplesByTenant.has("t1")).toBe(false);
  });
});
