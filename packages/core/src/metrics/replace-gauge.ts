import type { GaugeSample, Labels, MetricsCollector } from "./metrics-collector";

/**
 * Replaces every series of a gauge with `samples`: the collector's own `replaceGauge` when it has
 * one, otherwise each sample is set and every other series of the gauge is set to 0 (the
 * `MetricsCollector` contract has no way to delete a series).
 *
 * @example
 * replaceGauge(getMetricsCollector(), IntendedOps_METRICS.INTENTS_PENDING_APPROVAL, [{ labels: { tenantId: "acme" }, value: 2 }]);
 */
export function replaceGauge(
  collector: MetricsCollector,
  name: string,
  samples: readonly GaugeSample[],
): void {
  if (collector.replaceGauge) {
    collector.replaceGauge(name, samples);
    return;
  }
  const kept = new Set<string>();
  for (const sample of samples) {
    collector.setGauge(name, sample.value, sample.labels);
    kept.add(labelKey(sample.labels));
  }
  const family = collector.getMetrics().find((metric) => metric.name === name);
  if (family === undefined || family.type === "histogram") return;
  for (const series of family.values) {
    if (!kept.has(labelKey(series.labels))) collector.setGauge(name, 0, series.labels);
  }
}

/** The same key for labels whatever their key order or value type (undefined means absent). */
function labelKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .filter((name) => labels[name] !== undefined)
      .sort()
      .map((name) => [name, String(labels[name])]),
  );
}
