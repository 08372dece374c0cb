import { describe, expect, it } from "vitest";
import { InMemoryMetricsCollector } from "./in-memory-collector";
import { IntendedOps_METRICS } from "./metric-definitions";
import { renderPrometheusText } from "./prometheus-text";

describe("renderPrometheusText", () => {
  it("renders the exact 0.0.4 text when given a counter, a gauge and a histogram", () => {
    const c = new InMemoryMetricsCollector({
      definitions: {
        app_requests_total: { type: "counter", help: "Requests served", labelNames: ["route"] },
        app_queue_depth: { type: "gauge", help: "Queue depth", labelNames: [] },
        app_latency_seconds: { type: "histogram", help: "Latency", labelNames: ["route"] },
        app_idle_total: { type: "counter", help: "Never used", labelNames: [] },
      },
      buckets: [0.1, 1],
    });
    c.increment("app_requests_total", { route: "/v1/intents", code: 201 });
    c.increment("app_requests_total", { route: "/v1/intents", code: 201 });
    c.setGauge("app_queue_depth", 3);
    c.observe("app_latency_seconds", 0.05, { route: "a" });
    c.observe("app_latency_seconds", 0.5, { route: "a" });
    c.observe("app_latency_seconds", 7);
    expect(c.renderPrometheus()).toBe(
      [
        "# HELP app_requests_total Requests served",
        "# TYPE app_requests_total counter",
        'app_requests_total{code="201",route="/v1/intents"} 2',
        "# HELP app_queue_depth Queue depth",
        "# TYPE app_queue_depth gauge",
        "app_queue_depth 3",
        "# HELP app_latency_seconds Latency",
        "# TYPE app_latency_seconds histogram",
        'app_latency_seconds_bucket{route="a",le="0.1"} 1',
        'app_latency_seconds_bucket{route="a",le="1"} 2',
        'app_latency_seconds_bucket{route="a",le="+Inf"} 2',
        'app_latency_seconds_sum{route="a"} 0.55',
        'app_latency_seconds_count{route="a"} 2',
        'app_latency_seconds_bucket{le="0.1"} 0',
        'app_latency_seconds_bucket{le="1"} 0',
        'app_latency_seconds_bucket{le="+Inf"} 1',
        "app_latency_seconds_sum 7",
        "app_latency_seconds_count 1",
        "# HELP app_idle_total Never used",
        "# TYPE app_idle_total counter",
        "",
      ].join("\n"),
    );
  });

  it("escapes backslash, quote and newline in label values and backslash and newline in help when present", () => {
    const text = renderPrometheusText([
      {
        name: "x_total",
        type: "counter",
        help: 'Path C:\\tmp\nsecond "line"',
        values: [{ labels: { path: 'C:\\dir\n"quoted"' }, value: 1 }],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP x_total Path C:\\\\tmp\\nsecond "line"',
        "# TYPE x_total counter",
        'x_total{path="C:\\\\dir\\n\\"quoted\\""} 1',
        "",
      ].join("\n"),
    );
  });

  it("writes the same escaped text as the snapshot renderer at every scrape when the collector keeps rendered labels", () => {
    const c = new InMemoryMetricsCollector({
      definitions: {
        x_total: { type: "counter", help: "x", labelNames: ["path"] },
        y_seconds: { type: "histogram", help: "y", labelNames: ["path"] },
      },
      buckets: [0.5],
    });
    const labels = { path: 'C:\\dir\n"quoted"', plain: "a" };
    c.increment("x_total", labels);
    c.observe("y_seconds", 0.1, labels);
    const first = c.renderPrometheus();
    expect(first).toBe(renderPrometheusText(c.getMetrics()));
    expect(first).toContain('x_total{path="C:\\\\dir\\n\\"quoted\\"",plain="a"} 1\n');
    // The labels are rendered once; the values must still be read at each scrape.
    c.increment("x_total", labels, 2);
    c.observe("y_seconds", 2, labels);
    const second = c.renderPrometheus();
    expect(second).toBe(renderPrometheusText(c.getMetrics()));
    expect(second).toContain('x_total{path="C:\\\\dir\\n\\"quoted\\"",plain="a"} 3\n');
    expect(second).toContain('y_seconds_bucket{path="C:\\\\dir\\n\\"quoted\\"",plain="a",le="+Inf"} 2\n');
  });

  it("writes special values as Prometheus spells them when a gauge is NaN or infinite", () => {
    const text = renderPrometheusText([
      {
        name: "g",
        type: "gauge",
        help: "g",
        values: [
          { labels: { k: "nan" }, value: Number.NaN },
          { labels: { k: "pos" }, value: Number.POSITIVE_INFINITY },
          { labels: { k: "neg" }, value: Number.NEGATIVE_INFINITY },
          { labels: { k: "small" }, value: 1e-7 },
        ],
      },
    ]);
    expect(text).toContain('g{k="nan"} NaN\ng{k="pos"} +Inf\ng{k="neg"} -Inf\ng{k="small"} 1e-7\n');
  });

  it("returns an empty string when given no snapshots", () => {
    expect(renderPrometheusText([])).toBe("");
  });

  it("includes HELP and TYPE for all 17 guide metrics when the default collector is empty", () => {
    const text = new InMemoryMetricsCollector().render();
    for (const name of Object.values(IntendedOps_METRICS)) {
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S.*$`, "m"));
      expect(text).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, "m"));
    }
    expect(text).toContain("# TYPE intendedops_intent_evaluation_duration_seconds histogram\n");
    expect(text).toContain(
      "# HELP intendedops_value_by_type_cents_total Value by type (efficiency, revenue, etc.)\n",
    );
  });
});
