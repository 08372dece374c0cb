import { describe, expect, it } from "vitest";
import { InMemoryMetricsCollector } from "./in-memory-collector";
import { DEFAULT_DURATION_BUCKETS, IntendedOps_METRICS, METRIC_DEFINITIONS } from "./metric-definitions";
import type { MetricSnapshot } from "./metrics-collector";

const M = IntendedOps_METRICS;

function find(collector: InMemoryMetricsCollector, name: string): MetricSnapshot {
  const snapshot = collector.getMetrics().find((m) => m.name === name);
  if (!snapshot) throw new Error(`no metric ${name}`);
  return snapshot;
}

function fakeClock(...readings: number[]): () => number {
  return () => readings.shift() ?? Number.NaN;
}

describe("InMemoryMetricsCollector", () => {
  it("lists all 17 guide metrics with their types when nothing was recorded", () => {
    const snapshots = new InMemoryMetricsCollector().getMetrics();
    expect(snapshots.map((s) => s.name).sort()).toEqual(Object.values(M).sort());
    for (const s of snapshots) {
      expect(s.type).toBe(METRIC_DEFINITIONS[s.name as keyof typeof METRIC_DEFINITIONS].type);
      expect(s.values).toEqual([]);
    }
  });

  it("adds up counter increments when labels are given in different key orders", () => {
    const c = new InMemoryMetricsCollector();
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1", domain: "billing" });
    c.increment(M.INTENTS_SUBMITTED, { domain: "billing", tenantId: "t1" }, 2);
    c.increment(M.INTENTS_SUBMITTED, { domain: "billing", tenantId: "t1" });
    c.increment(M.INTENTS_SUBMITTED, { domain: "support", tenantId: "t1" });
    expect(find(c, M.INTENTS_SUBMITTED).values).toEqual([
      { labels: { domain: "billing", tenantId: "t1" }, value: 4 },
      { labels: { domain: "support", tenantId: "t1" }, value: 1 },
    ]);
  });

  it("treats an undefined label as absent when recording", () => {
    const c = new InMemoryMetricsCollector();
    c.increment(M.INTENTS_BLOCKED, { tenantId: "t1", agentId: undefined });
    c.increment(M.INTENTS_BLOCKED, { tenantId: "t1" });
    expect(find(c, M.INTENTS_BLOCKED).values).toEqual([{ labels: { tenantId: "t1" }, value: 2 }]);
  });

  it("keeps label values apart when they contain separators or quotes", () => {
    const c = new InMemoryMetricsCollector();
    c.increment("custom_total", { a: "x\u0000b", b: "y" });
    c.increment("custom_total", { a: "x", b: "b\u0000y" });
    c.increment("custom_total", { a: '"x"' });
    c.increment("custom_total", { a: "x" });
    expect(find(c, "custom_total").values.map((v) => v.labels)).toEqual([
      { a: "x\u0000b", b: "y" },
      { a: "x", b: "b\u0000y" },
      { a: '"x"' },
      { a: "x" },
    ]);
  });

  it("merges a number and a string label value when they print the same", () => {
    const c = new InMemoryMetricsCollector();
    c.increment("custom_total", { code: 200 });
    c.increment("custom_total", { code: "200" });
    expect(find(c, "custom_total").values).toEqual([{ labels: { code: "200" }, value: 2 }]);
  });

  it("records an unlabelled series when no labels are given", () => {
    const c = new InMemoryMetricsCollector();
    c.increment(M.JOBS_PROCESSED);
    c.increment(M.JOBS_PROCESSED, {});
    expect(find(c, M.JOBS_PROCESSED).values).toEqual([{ labels: {}, value: 2 }]);
  });

  it("throws when a counter would go down or by a non-finite amount", () => {
    const c = new InMemoryMetricsCollector();
    expect(() => c.increment(M.JOBS_FAILED, {}, -1)).toThrow(RangeError);
    expect(() => c.increment(M.JOBS_FAILED, {}, Number.NaN)).toThrow(RangeError);
    expect(() => c.increment(M.JOBS_FAILED, {}, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("throws when a metric is used as another type than it was defined with", () => {
    const c = new InMemoryMetricsCollector();
    expect(() => c.increment(M.TRUST_SCORE)).toThrow(/is a gauge, not a counter/);
    expect(() => c.observe(M.INTENTS_SUBMITTED, 1)).toThrow(/is a counter, not a histogram/);
    c.setGauge("custom_gauge", 1);
    expect(() => c.increment("custom_gauge")).toThrow(TypeError);
  });

  it("throws when a metric or label name cannot be exposed to Prometheus", () => {
    const c = new InMemoryMetricsCollector();
    expect(() => c.increment("bad-name")).toThrow(/invalid metric name/);
    expect(() => c.increment("custom_total", { "bad-label": "x" })).toThrow(/invalid label name/);
    expect(() => c.increment("custom_total", { __reserved: "x" })).toThrow(/invalid label name/);
  });

  it("sets, raises and lowers gauges when asked", () => {
    const c = new InMemoryMetricsCollector();
    c.setGauge(M.INTENTS_PENDING_APPROVAL, 5, { tenantId: "t1" });
    c.incGauge(M.INTENTS_PENDING_APPROVAL, { tenantId: "t1" });
    c.incGauge(M.INTENTS_PENDING_APPROVAL, { tenantId: "t1" }, 3);
    c.decGauge(M.INTENTS_PENDING_APPROVAL, { tenantId: "t1" }, 2);
    c.decGauge(M.INTENTS_PENDING_APPROVAL, { tenantId: "t2" });
    expect(find(c, M.INTENTS_PENDING_APPROVAL).values).toEqual([
      { labels: { tenantId: "t1" }, value: 7 },
      { labels: { tenantId: "t2" }, value: -1 },
    ]);
  });

  it("keeps only the given series when a gauge is replaced, and restarts a dropped one from 0", () => {
    const c = new InMemoryMetricsCollector();
    c.setGauge(M.INTENTS_PENDING_APPROVAL, 5, { tenantId: "gone" });
    c.incGauge(M.INTENTS_PENDING_APPROVAL, { tenantId: "kept" });
    c.replaceGauge(M.INTENTS_PENDING_APPROVAL, [
      { labels: { tenantId: "kept" }, value: 3 },
      { labels: { tenantId: "new" }, value: 1 },
    ]);
    expect(find(c, M.INTENTS_PENDING_APPROVAL).values).toEqual([
      { labels: { tenantId: "kept" }, value: 3 },
      { labels: { tenantId: "new" }, value: 1 },
    ]);
    // The cached path to the dropped series must not lead back to its old value.
    c.incGauge(M.INTENTS_PENDING_APPROVAL, { tenantId: "gone" });
    expect(find(c, M.INTENTS_PENDING_APPROVAL).values).toContainEqual({
      labels: { tenantId: "gone" },
      value: 1,
    });
    expect(() => c.replaceGauge(M.INTENTS_SUBMITTED, [])).toThrow(TypeError);
  });

  it("counts observations into cumulative buckets when values fall on and between bounds", () => {
    const c = new InMemoryMetricsCollector({ buckets: [1, 0.1, 0.5] });
    for (const v of [0.05, 0.1, 0.3, 0.5, 2]) c.observe("latency_seconds", v, { route: "a" });
    expect(find(c, "latency_seconds")).toEqual({
      name: "latency_seconds",
      type: "histogram",
      help: "latency_seconds",
      values: [
        {
          labels: { route: "a" },
          buckets: [
            { le: 0.1, count: 2 },
            { le: 0.5, count: 4 },
            { le: 1, count: 4 },
          ],
          sum: 2.95,
          count: 5,
        },
      ],
    });
  });

  it('refuses bucket bounds that are not finite or repeat, which would expose le="+Inf" or a bound twice', () => {
    for (const buckets of [
      [0.1, Number.POSITIVE_INFINITY],
      [Number.NaN],
      [0.5, 1, 0.5],
      [Number.NEGATIVE_INFINITY, 1],
    ]) {
      expect(() => new InMemoryMetricsCollector({ buckets }), String(buckets)).toThrow(RangeError);
    }
    const text = new InMemoryMetricsCollector({ buckets: [] });
    text.observe("latency_seconds", 3);
    expect(text.render()).toContain('latency_seconds_bucket{le="+Inf"} 1\n');
  });

  it("refuses an le label on a histogram, which Prometheus reserves for bucket bounds", () => {
    const c = new InMemoryMetricsCollector();
    expect(() => c.observe(M.INTENT_EXECUTION_DURATION, 1, { le: "0.5" })).toThrow(TypeError);
    expect(() => c.startTimer(M.INTENT_EXECUTION_DURATION, { le: 1 })()).toThrow(TypeError);
    c.observe(M.INTENT_EXECUTION_DURATION, 1, { le: undefined, agentId: "a" });
    expect(c.render().match(/le="/g)).toHaveLength(DEFAULT_DURATION_BUCKETS.length + 1);
  });

  it("throws when a histogram observation is NaN", () => {
    expect(() => new InMemoryMetricsCollector().observe("x_seconds", Number.NaN)).toThrow(RangeError);
  });

  it("observes the elapsed seconds once when a timer is stopped twice", () => {
    const c = new InMemoryMetricsCollector({ now: fakeClock(1000, 1250, 9999) });
    const stop = c.startTimer(M.INTENT_EXECUTION_DURATION, { agentId: "a" });
    expect(stop()).toBe(0.25);
    expect(stop()).toBe(0.25);
    const [series] = find(c, M.INTENT_EXECUTION_DURATION).values;
    expect(series).toMatchObject({ count: 1, sum: 0.25 });
  });

  it("drops new series and counts them when a metric reaches its series cap", () => {
    const c = new InMemoryMetricsCollector({ maxSeriesPerMetric: 2 });
    for (const agentId of ["a", "b", "c", "d"]) c.increment(M.INTENTS_EXECUTED, { agentId });
    c.increment(M.INTENTS_EXECUTED, { agentId: "a" });
    expect(find(c, M.INTENTS_EXECUTED).values).toEqual([
      { labels: { agentId: "a" }, value: 2 },
      { labels: { agentId: "b" }, value: 1 },
    ]);
    expect(c.droppedSamples).toBe(2);
  });

  it("keeps one series when callers use many key orders and the path cache is rebuilt", () => {
    const c = new InMemoryMetricsCollector({ maxSeriesPerMetric: 1 });
    const orders = [
      { a: "1", b: "2", c: "3" },
      { a: "1", c: "3", b: "2" },
      { b: "2", a: "1", c: "3" },
      { b: "2", c: "3", a: "1" },
      { c: "3", a: "1", b: "2" },
      { c: "3", b: "2", a: "1" },
    ];
    for (let round = 0; round < 3; round++) for (const labels of orders) c.increment("custom_total", labels);
    expect(find(c, "custom_total").values).toEqual([{ labels: { a: "1", b: "2", c: "3" }, value: 18 }]);
    expect(c.droppedSamples).toBe(0);
  });

  it("forgets samples but keeps the metric list when reset", () => {
    const c = new InMemoryMetricsCollector();
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1" });
    c.reset();
    expect(find(c, M.INTENTS_SUBMITTED).values).toEqual([]);
    expect(c.getMetrics()).toHaveLength(17);
  });

  it("returns snapshots the caller cannot use to change the collector", () => {
    const c = new InMemoryMetricsCollector();
    c.increment(M.INTENTS_SUBMITTED, { tenantId: "t1" });
    const snapshot = find(c, M.INTENTS_SUBMITTED);
    (snapshot.values[0]!.labels as Record<string, string>).tenantId = "changed";
    expect(find(c, M.INTENTS_SUBMITTED).values[0]?.labels).toEqual({ tenantId: "t1" });
  });

  it("lists only the given definitions when constructed with custom ones", () => {
    const c = new InMemoryMetricsCollector({
      definitions: { app_requests_total: { type: "counter", help: "Requests", labelNames: [] } },
    });
    expect(c.getMetrics()).toEqual([
      { name: "app_requests_total", type: "counter", help: "Requests", values: [] },
    ]);
  });
});
