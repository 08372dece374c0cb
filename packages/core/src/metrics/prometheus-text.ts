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

/**
 * One counter or gauge sample line, as `renderPrometheusText` writes it, from label pairs already
 * rendered by `renderLabelPairs` (the collector keeps them per series: a scrape of 50 000 samples
 * otherwise spends most of its time escaping the same label values again).
 */
export function renderScalarSeries(name: string, pairs: string, value: number): string {
  return `${name}${wrap(pairs)} ${formatNumber(value)}\n`;
}

/** The `le` label values of histogram bounds, rendered once per collector. */
export function renderBucketBounds(bounds: readonly number[]): string[] {
  return bounds.map(formatNumber);
}

/**
 * One histogram series from per-bucket (non-cumulative) `counts`, the last slot being the `+Inf`
 * overflow: the same lines `renderPrometheusText` writes for its cumulative snapshot. `pairs` come
 * from `renderLabelPairs`, `les` from `renderBucketBounds`.
 */
export function renderHistogramSeries(
  name: string,
  pairs: string,
  les: readonly string[],
  counts: readonly number[],
  sum: number,
  count: number,
): string {
  const head = pairs === "" ? `${name}_bucket{le="` : `${name}_bucket{${pairs},le="`;
  let out = "";
  let running = 0;
  for (let i = 0; i < les.length; i++) {
    running += counts[i]!;
    out += `${head}${les[i]}"} ${formatNumber(running)}\n`;
  }
  return out + histogramTail(name, pairs, sum, count);
}

function renderLabels(labels: Readonly<Record<string, string>>): string {
  return wrap(renderLabelPairs(labels));
}

function wrap(pairs: string): string {
  return pairs === "" ? "" : `{${pairs}}`;
}

/** `a="1",b="2"`: label pairs in the labels' key order, values escaped. */
export function renderLabelPairs(labels: Readonly<Record<string, string>>): string {
  let out = "";
  for (const key of Object.keys(labels)) {
    if (out !== "") out += ",";
    out += `${key}="${escapeLabelValue(labels[key] ?? "")}"`;
  }
  return out;
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** Label values escape backslash, double quote and line feed (exposition format 0.0.4). */
function escapeLabelValue(value: string): string {
  // Almost no value needs escaping: test first rather than run a replacement on each.
  if (!NEEDS_ESCAPE.test(value)) return value;
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
