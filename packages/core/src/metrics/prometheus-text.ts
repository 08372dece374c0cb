import type { HistogramValue, MetricSnapshot, SampleValue } from "./metrics-collector";

/** The Content-Type of the Prometheus text exposition format this module writes. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Renders snapshots in the Prometheus text exposition format 0.0.4 (HELP and TYPE even for metrics without samples). */
export function renderPrometheusText(snapshots: readonly MetricSnapshot[]): string {
  let out = "";
  for (const snapshot of snapshots) {
    out += renderMetricHeader(snapshot.name, snapshot.help, snapshot.type);
    out +=
      snapshot.type === "histogram"
        ? renderHistogram(snapshot.name, snapshot.values)
        : renderSamples(snapshot.name, snapshot.values);
  }
  return out;
}

function renderSamples(name: string, values: readonly SampleValue[]): string {
  let out = "";
  for (const sample of values) {
    out += `${name}${renderLabels(sample.labels)} ${formatNumber(sample.value)}\n`;
  }
  return out;
}

function renderHistogram(name: string, values: readonly HistogramValue[]): string {
  let out = "";
  for (const series of values) {
    const labels = renderLabelPairs(series.labels);
    const prefix = labels === "" ? "" : `${labels},`;
    for (const bucket of series.buckets) {
      out += `${name}_bucket{${prefix}le="${formatNumber(bucket.le)}"} ${formatNumber(bucket.count)}\n`;
    }
    out += histogramTail(name, labels, series.sum, series.count);
  }
  return out;
}

function histogramTail(name: string, labels: string, sum: number, count: number): string {
  const prefix = labels === "" ? "" : `${labels},`;
  return (
    `${name}_bucket{${prefix}le="+Inf"} ${formatNumber(count)}\n` +
    `${name}_sum${wrap(labels)} ${formatNumber(sum)}\n` +
    `${name}_count${wrap(labels)} ${formatNumber(count)}\n`
  );
}

/** `# HELP` and `# TYPE` of one metric (for collectors that render their own series). */
export function renderMetricHeader(name: string, help: string, type: string): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}

/** One counter or gauge sample line, as `renderPrometheusText` writes it. */
export function renderScalarSeries(
  name: string,
  labels: Readonly<Record<string, string>>,
  value: number,
): string {
  return `${name}${renderLabels(labels)} ${formatNumber(value)}\n`;
}

/**
 * One histogram series from per-bucket (non-cumulative) `counts`, the last slot being the `+Inf`
 * overflow: the same lines `renderPrometheusText` writes for its cumulative snapshot.
 */
export function renderHistogramSeries(
  name: string,
  labels: Readonly<Record<string, string>>,
  bounds: readonly number[],
  counts: readonly number[],
  sum: number,
  count: number,
): string {
  const pairs = renderLabelPairs(labels);
  const prefix = pairs === "" ? "" : `${pairs},`;
  let out = "";
  let running = 0;
  for (let i = 0; i < bounds.length; i++) {
    running += counts[i]!;
    out += `${name}_bucket{${prefix}le="${formatNumber(bounds[i]!)}"} ${formatNumber(running)}\n`;
  }
  return out + histogramTail(name, pairs, sum, count);
}

function renderLabels(labels: Readonly<Record<string, string>>): string {
  return wrap(renderLabelPairs(labels));
}

function wrap(pairs: string): string {
  return pairs === "" ? "" : `{${pairs}}`;
}

function renderLabelPairs(labels: Readonly<Record<string, string>>): string {
  let out = "";
  for (const key of Object.keys(labels)) {
    if (out !== "") out += ",";
    out += `${key}="${escapeLabelValue(labels[key] ?? "")}"`;
  }
  return out;
}

/** Label values escape backslash, double quote and line feed (exposition format 0.0.4). */
function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** HELP text escapes backslash and line feed only. */
function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
