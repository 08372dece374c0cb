/**
 * The API guide's prom-client collector, completed: `increment` is the guide's code unchanged
 * (plus one line feeding the snapshot mirror), the other methods follow the same pattern.
 *
 * Usage:
 *   setMetricsCollector(new PrometheusCollector());
 *   app.get("/metrics", async (c) => c.text(await collector.metrics(), 200, { "content-type": collector.contentType }));
 */
import {
  DEFAULT_DURATION_BUCKETS,
  InMemoryMetricsCollector,
  type Labels,
  type MetricSnapshot,
  type MetricsCollector,
  metricDefinition,
} from "@intendedops/core";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class PrometheusCollector implements MetricsCollector {
  private registry = new Registry();
  private counters = new Map<string, Counter>();
  private gauges = new Map<string, Gauge>();
  private histograms = new Map<string, Histogram>();
  // prom-client reads its values asynchronously only; this mirror answers the synchronous getMetrics().
  private mirror = new InMemoryMetricsCollector();

  increment(name: string, labels = {}, value = 1) {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({ name, help: name, labelNames: Object.keys(labels) });
      this.registry.registerMetric(counter);
      this.counters.set(name, counter);
    }
    counter.inc(labels, value);
    this.mirror.increment(name, labels, value);
  }

  setGauge(name: string, value: number, labels: Labels = {}) {
    this.gauge(name, labels).set(present(labels), value);
    this.mirror.setGauge(name, value, labels);
  }

  incGauge(name: string, labels: Labels = {}, value = 1) {
    this.gauge(name, labels).inc(present(labels), value);
    this.mirror.incGauge(name, labels, value);
  }

  decGauge(name: string, labels: Labels = {}, value = 1) {
    this.gauge(name, labels).dec(present(labels), value);
    this.mirror.decGauge(name, labels, value);
  }

  observe(name: string, value: number, labels: Labels = {}) {
    this.histogram(name, labels).observe(present(labels), value);
    this.mirror.observe(name, value, labels);
  }

  startTimer(name: string, labels: Labels = {}): () => number {
    const start = performance.now();
    let elapsed: number | undefined;
    return () => {
      if (elapsed === undefined) {
        elapsed = (performance.now() - start) / 1000;
        this.observe(name, elapsed, labels);
      }
      return elapsed;
    };
  }

  getMetrics(): MetricSnapshot[] {
    return this.mirror.getMetrics();
  }

  /** prom-client's exposition of everything recorded, for a `/metrics` endpoint. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private gauge(name: string, labels: Labels): Gauge {
    let gauge = this.gauges.get(name);
    if (!gauge) {
      gauge = new Gauge({ name, ...describe(name, labels) });
      this.registry.registerMetric(gauge);
      this.gauges.set(name, gauge);
    }
    return gauge;
  }

  private histogram(name: string, labels: Labels): Histogram {
    let histogram = this.histograms.get(name);
    if (!histogram) {
      histogram = new Histogram({ name, ...describe(name, labels), buckets: [...DEFAULT_DURATION_BUCKETS] });
      this.registry.registerMetric(histogram);
      this.histograms.set(name, histogram);
    }
    return histogram;
  }
}

/** HELP and label names from the guide's definitions; unknown metrics fall back to the first call's labels. */
function describe(name: string, labels: Labels): { help: string; labelNames: string[] } {
  const definition = metricDefinition(name);
  return definition
    ? { help: definition.help, labelNames: [...definition.labelNames] }
    : { help: name, labelNames: Object.keys(labels) };
}

/** prom-client rejects undefined label values; IntendedOps treats them as absent. */
function present(labels: Labels): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(labels)) if (value !== undefined) out[key] = value;
  return out;
}
