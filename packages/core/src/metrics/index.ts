export { getMetricsCollector, setMetricsCollector } from "./global-collector";
export { InMemoryMetricsCollector, type InMemoryMetricsCollectorOptions } from "./in-memory-collector";
export {
  DEFAULT_DURATION_BUCKETS,
  IntendedOps_METRICS,
  type LabelsOf,
  METRIC_DEFINITIONS,
  type MetricDefinition,
  type MetricName,
  type MetricType,
  metricDefinition,
} from "./metric-definitions";
export {
  type GaugeSample,
  type HistogramValue,
  type Labels,
  type MetricSnapshot,
  MetricsCollector,
  type SampleValue,
} from "./metrics-collector";
export { metrics } from "./metrics-helpers";
export { PROMETHEUS_CONTENT_TYPE, renderPrometheusText } from "./prometheus-text";
export { replaceGauge } from "./replace-gauge";
