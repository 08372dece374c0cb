import type { MetricType } from "./metric-definitions";

/** Label values by label name; an undefined value means the label is absent. */
export type Labels = Readonly<Record<string, string | number | undefined>>;

/** One counter or gauge series. */
export interface SampleValue {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** One gauge series to set: its labels and its value. */
export interface GaugeSample {
  labels: Labels;
  value: number;
}

/** One histogram series; `buckets` are cumulative and exclude +Inf (which equals `count`). */
export interface HistogramValue {
  labels: Readonly<Record<string, string>>;
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

/** A structured view of one metric family, for export or inspection. */
export type MetricSnapshot =
  | { name: string; type: Exclude<MetricType, "histogram">; help: string; values: SampleValue[] }
  | { name: string; type: "histogram"; help: string; values: HistogramValue[] };

/**
 * Where IntendedOps sends its metrics. Implement it to plug in your monitoring system
 * (`class MyCollector implements MetricsCollector`) and install it with `setMetricsCollector`.
 *
 * Declared as an abstract class rather than an interface so that the guide's
 * `import { MetricsCollector } from "@intendedops/core"` also works as a value import
 * under `verbatimModuleSyntax` and in plain JavaScript.
 */
export abstract class MetricsCollector {
  /** Adds `value` (default 1, never negative) to a counter. */
  abstract increment(name: string, labels?: Labels, value?: number): void;
  /** Sets a gauge. */
  abstract setGauge(name: string, value: number, labels?: Labels): void;
  /** Raises a gauge by `value` (default 1). */
  abstract incGauge(name: string, labels?: Labels, value?: number): void;
  /** Lowers a gauge by `value` (default 1). */
  abstract decGauge(name: string, labels?: Labels, value?: number): void;
  /**
   * Replaces every series of a gauge with `samples` (series left out disappear), for gauges
   * recounted from a source of truth such as the store. Optional: without it, core sets each
   * sample and sets the series left out to 0 (see `replaceGauge`).
   */
  abstract replaceGauge?(name: string, samples: readonly GaugeSample[]): void;
  /** Records one observation in a histogram. */
  abstract observe(name: string, value: number, labels?: Labels): void;
  /** Starts a timer; the returned stop function observes the elapsed seconds in the histogram and returns them. */
  abstract startTimer(name: string, labels?: Labels): () => number;
  /** Every metric with its current values. */
  abstract getMetrics(): MetricSnapshot[];
  /** The Prometheus text exposition (0.0.4) of every metric, when the collector can render it synchronously. */
  abstract render?(): string;
}
