import { InMemoryMetricsCollector } from "./in-memory-collector";
import type { MetricsCollector } from "./metrics-collector";

let current: MetricsCollector = new InMemoryMetricsCollector();

/** The collector every `metrics` helper writes to; by default a built-in InMemoryMetricsCollector. */
export function getMetricsCollector(): MetricsCollector {
  return current;
}

/** Replaces the global collector (e.g. with a prom-client one); helpers pick it up on their next call. */
export function setMetricsCollector(collector: MetricsCollector): void {
  current = collector;
}
