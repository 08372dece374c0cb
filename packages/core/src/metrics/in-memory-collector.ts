import {
  DEFAULT_DURATION_BUCKETS,
  METRIC_DEFINITIONS,
  type MetricDefinition,
  type MetricType,
} from "./metric-definitions";
import { type GaugeSample, type Labels, type MetricSnapshot, MetricsCollector } from "./metrics-collector";
import {
  renderBucketBounds,
  renderHistogramSeries,
  renderLabelPairs,
  renderMetricHeader,
  renderScalarSeries,
} from "./prometheus-text";

/** Options of the built-in collector. */
export interface InMemoryMetricsCollectorOptions {
  /** Metrics listed (with HELP/TYPE) even before their first sample; default: the guide's 17. */
  definitions?: Readonly<Record<string, MetricDefinition>>;
  /**
   * Histogram bucket upper bounds in seconds; default DEFAULT_DURATION_BUCKETS. Finite and distinct
   * (`RangeError` otherwise): the `+Inf` bucket is always added, and a bound given twice would
   * expose the same series twice, which makes Prometheus refuse the whole scrape.
   */
  buckets?: readonly number[];
  /**
   * Cap on distinct label sets per metric (default 10 000). Label values such as agent ids come
   * from users; past the cap new series are dropped (counted in `droppedSamples`) instead of
   * growing memory without bound.
   */
  maxSeriesPerMetric?: number;
  /**
   * Cap on the samples the collector exposes across every metric (default 50 000): a scalar series
   * is one sample, a histogram series one per bucket plus `+Inf`, `_sum` and `_count` (22 with the
   * default buckets). Past it new series are dropped (counted in `droppedSamples`), like past
   * `maxSeriesPerMetric`. The per-metric cap alone let the guide's 17 metrics reach about 500 000
   * samples: some 70 MB held and a 78 MB text rendered at every scrape, which ended a server
   * running with `--max-old-space-size=128` once agents × intent types reached a few thousand.
   */
  maxSamples?: number;
  /**
   * Cap on the samples, counted as for `maxSamples`, of the series labelled with one `tenantId`
   * (default a fifth of `maxSamples`, rounded up; `Infinity` turns it off). Past it that tenant's
   * new series are dropped (counted in `droppedSamples` and `droppedSamplesByTenant`) while other
   * tenants keep getting theirs until the shared caps: without it one tenant with many agents or
   * intent types used the whole budget and other tenants' new series went missing from the scrape.
   * Series without a `tenantId` label count against the shared caps only. A number `>= 0`
   * (`RangeError` otherwise).
   */
  maxSamplesPerTenant?: number;
  /**
   * Cap on the distinct label sets of one metric labelled with one `tenantId` (default a fifth of
   * `maxSeriesPerMetric`, rounded up; `Infinity` turns it off). Past it that tenant's new series of
   * that metric are dropped (counted like `maxSamplesPerTenant`'s) while other tenants keep getting
   * theirs: without it one tenant with 10,000 agents filled `intendedops_trust_score` up to
   * `maxSeriesPerMetric`, within its sample share, and every other tenant's trust scores went
   * missing from the scrape. A number `>= 0` (`RangeError` otherwise).
   */
  maxSeriesPerMetricPerTenant?: number;
  /** Monotonic clock in milliseconds for timers; default performance.now. */
  now?: () => number;
}

interface ScalarSeries {
  labels: Readonly<Record<string, string>>;
  /** The labels as Prometheus text, rendered at the first scrape that shows the series. */
  pairs?: string;
  value: number;
}

interface HistogramSeries {
  labels: Readonly<Record<string, string>>;
  pairs?: string;
  /** Per-bucket (non-cumulative) counts; the last slot is the +Inf overflow. */
  counts: number[];
  sum: number;
  count: number;
}

interface Family<S> {
  name: string;
  type: MetricType;
  help: string;
  /** Canonical (sorted) label key → series. */
  series: Map<string, S>;
  /**
   * Label name → value → … in the caller's key order, ending at the series: a cache that skips
   * sorting and string building on the hot path (label strings hash once, then lookups are cheap).
   */
  paths: PathNode<S>;
  pathCount: number;
  /** Series per tenant (`tenantId` label value); a tenant with none has no entry. */
  tenantSeries: Map<string, number>;
}

interface PathNode<S> {
  series?: S;
  next?: Map<string, Map<string | number, PathNode<S>>>;
}

/** Default `maxSamples`: about 8 MB of text per scrape, and as many held series as fit in ~10 MB. */
export const DEFAULT_MAX_SAMPLES = 50_000;

/**
 * The default `maxSamplesPerTenant` is `maxSamples` divided by this (and the default
 * `maxSeriesPerMetricPerTenant` is `maxSeriesPerMetric` divided by it): a shared cap runs out only
 * once five tenants are at their share (or through series of no tenant), so one tenant alone
 * cannot use it up.
 */
const TENANTS_PER_BUDGET = 5;

/** The label whose value names the tenant a series belongs to (see `maxSamplesPerTenant`). */
const TENANT_LABEL = "tenantId";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * The default collector: keeps every series in memory and renders Prometheus text.
 * Series are found by walking the caller's labels in their own key order through cached maps,
 * so the common case costs a few Map lookups and no sorting or string building.
 */
export class InMemoryMetricsCollector extends MetricsCollector {
  private readonly families = new Map<string, Family<ScalarSeries> | Family<HistogramSeries>>();
  private readonly buckets: readonly number[];
  /** The bucket bounds as `le` label values, rendered once. */
  private readonly les: readonly string[];
  private readonly maxSeries: number;
  private readonly maxSamples: number;
  private readonly maxSamplesPerTenant: number;
  private readonly maxTenantSeries: number;
  private readonly now: () => number;
  private dropped = 0;
  /** Samples the series held now expose (see `maxSamples`). */
  private samples = 0;
  /** Samples held per tenant (`tenantId` label value); a tenant holding none has no entry. */
  private readonly tenantSamples = new Map<string, number>();
  /**
   * Per tenant, the samples dropped because it had used its share (also counted in `dropped`):
   * one entry per tenant that ever reached its share, until `reset`.
   */
  private readonly tenantDropped = new Map<string, number>();

  constructor(options: InMemoryMetricsCollectorOptions = {}) {
    super();
    this.buckets = checkedBuckets(options.buckets ?? DEFAULT_DURATION_BUCKETS);
    this.les = renderBucketBounds(this.buckets);
    this.maxSeries = options.maxSeriesPerMetric ?? 10_000;
    this.maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
    this.maxSamplesPerTenant =
      options.maxSamplesPerTenant === undefined
        ? Math.ceil(this.maxSamples / TENANTS_PER_BUDGET)
        : checkedTenantShare("maxSamplesPerTenant", options.maxSamplesPerTenant);
    this.maxTenantSeries =
      options.maxSeriesPerMetricPerTenant === undefined
        ? Math.ceil(this.maxSeries / TENANTS_PER_BUDGET)
        : checkedTenantShare("maxSeriesPerMetricPerTenant", options.maxSeriesPerMetricPerTenant);
    this.now = options.now ?? (() => performance.now());
    for (const [name, definition] of Object.entries(options.definitions ?? METRIC_DEFINITIONS)) {
      this.createFamily(name, definition.type, definition.help);
    }
  }

  /**
   * Samples dropped because a metric reached `maxSeriesPerMetric`, the collector `maxSamples`, or
   * a tenant its `maxSamplesPerTenant` or `maxSeriesPerMetricPerTenant`.
   */
  get droppedSamples(): number {
    return this.dropped;
  }

  /**
   * Per tenant, the samples dropped because that tenant had used `maxSamplesPerTenant` or
   * `maxSeriesPerMetricPerTenant` (a copy; included in `droppedSamples`). Tenants that lost nothing
   * to their share are absent.
   */
  get droppedSamplesByTenant(): ReadonlyMap<string, number> {
    return new Map(this.tenantDropped);
  }

  increment(name: string, labels?: Labels, value = 1): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) {
      throw new RangeError(`metric ${name}: a counter only goes up by a finite amount (got ${value})`);
    }
    const series = this.scalar(name, "counter", labels);
    if (series) series.value += value;
  }

  setGauge(name: string, value: number, labels?: Labels): void {
    const series = this.scalar(name, "gauge", labels);
    if (series) series.value = value;
  }

  incGauge(name: string, labels?: Labels, value = 1): void {
    const series = this.scalar(name, "gauge", labels);
    if (series) series.value += value;
  }

  decGauge(name: string, labels?: Labels, value = 1): void {
    const series = this.scalar(name, "gauge", labels);
    if (series) series.value -= value;
  }

  /** Drops every series of the gauge, then sets `samples` (a label set given twice keeps its last value). */
  replaceGauge(name: string, samples: readonly GaugeSample[]): void {
    const family = this.family(name, "gauge");
    // The path cache leads to the old series objects: clear it with them.
    for (const series of family.series.values()) this.release(family, series.labels);
    family.series.clear();
    family.paths = {};
    family.pathCount = 0;
    for (const sample of samples) this.setGauge(name, sample.value, sample.labels);
  }

  observe(name: string, value: number, labels?: Labels): void {
    if (Number.isNaN(value)) {
      throw new RangeError(`metric ${name}: cannot observe NaN`);
    }
    // Prometheus reserves `le` for the bucket bound: a second `le` label makes the text unparsable.
    if (labels?.le !== undefined) {
      throw new TypeError(`metric ${name}: "le" is reserved for histogram buckets and cannot be a label`);
    }
    const family = this.family(name, "histogram") as Family<HistogramSeries>;
    const series = this.lookup(family, labels, (l) => ({
      labels: l,
      counts: new Array<number>(this.buckets.length + 1).fill(0),
      sum: 0,
      count: 0,
    }));
    if (!series) return;
    let slot = 0;
    while (slot < this.buckets.length && value > this.buckets[slot]!) slot++;
    series.counts[slot]! += 1;
    series.sum += value;
    series.count += 1;
  }

  startTimer(name: string, labels?: Labels): () => number {
    const start = this.now();
    let elapsed: number | undefined;
    return () => {
      // A second stop returns the first measurement instead of observing twice.
      if (elapsed === undefined) {
        elapsed = (this.now() - start) / 1000;
        this.observe(name, elapsed, labels);
      }
      return elapsed;
    };
  }

  getMetrics(): MetricSnapshot[] {
    const snapshots: MetricSnapshot[] = [];
    for (const family of this.families.values()) {
      const { name, type, help } = family;
      if (type === "histogram") {
        const values = [...(family as Family<HistogramSeries>).series.values()].map((s) => ({
          labels: { ...s.labels },
          buckets: this.cumulative(s.counts),
          sum: s.sum,
          count: s.count,
        }));
        snapshots.push({ name, type, help, values });
      } else {
        const values = [...(family as Family<ScalarSeries>).series.values()].map((s) => ({
          labels: { ...s.labels },
          value: s.value,
        }));
        snapshots.push({ name, type, help, values });
      }
    }
    return snapshots;
  }

  /**
   * The Prometheus text exposition (0.0.4) of every metric: the same text as
   * `renderPrometheusText(getMetrics())`, written from the series themselves without copying them
   * into snapshots first (a scrape is the collector's largest allocation).
   */
  renderPrometheus(): string {
    const parts: string[] = [];
    for (const family of this.families.values()) {
      parts.push(renderMetricHeader(family.name, family.help, family.type));
      if (family.type === "histogram") {
        for (const s of (family as Family<HistogramSeries>).series.values()) {
          s.pairs ??= renderLabelPairs(s.labels);
          parts.push(renderHistogramSeries(family.name, s.pairs, this.les, s.counts, s.sum, s.count));
        }
      } else {
        for (const s of (family as Family<ScalarSeries>).series.values()) {
          s.pairs ??= renderLabelPairs(s.labels);
          parts.push(renderScalarSeries(family.name, s.pairs, s.value));
        }
      }
    }
    return parts.join("");
  }

  render(): string {
    return this.renderPrometheus();
  }

  /** Forgets every sample (metrics stay listed). */
  reset(): void {
    for (const family of this.families.values()) {
      family.series.clear();
      family.paths = {};
      family.pathCount = 0;
      family.tenantSeries.clear();
    }
    this.dropped = 0;
    this.samples = 0;
    this.tenantSamples.clear();
    this.tenantDropped.clear();
  }

  private cumulative(counts: readonly number[]): { le: number; count: number }[] {
    let running = 0;
    return this.buckets.map((le, i) => {
      running += counts[i]!;
      return { le, count: running };
    });
  }

  private scalar(
    name: string,
    type: "counter" | "gauge",
    labels: Labels | undefined,
  ): ScalarSeries | undefined {
    const family = this.family(name, type) as Family<ScalarSeries>;
    return this.lookup(family, labels, (l) => ({ labels: l, value: 0 }));
  }

  private family(name: string, type: MetricType): Family<ScalarSeries> | Family<HistogramSeries> {
    const family = this.families.get(name) ?? this.createFamily(name, type, name);
    if (family.type !== type) {
      throw new TypeError(`metric ${name} is a ${family.type}, not a ${type}`);
    }
    return family;
  }

  private createFamily(name: string, type: MetricType, help: string): Family<ScalarSeries> {
    if (!METRIC_NAME.test(name)) {
      throw new TypeError(`invalid metric name: ${JSON.stringify(name)}`);
    }
    const family: Family<ScalarSeries> = {
      name,
      type,
      help,
      series: new Map(),
      paths: {},
      pathCount: 0,
      tenantSeries: new Map(),
    };
    this.families.set(name, family);
    return family;
  }

  private lookup<S>(
    family: Family<S>,
    labels: Labels | undefined,
    create: (labels: Readonly<Record<string, string>>) => S,
  ): S | undefined {
    let node: PathNode<S> | undefined = family.paths;
    if (labels !== undefined) {
      for (const name in labels) {
        const value = labels[name];
        if (value === undefined) continue;
        node = node.next?.get(name)?.get(value);
        if (node === undefined) break;
      }
    }
    return node?.series ?? this.resolve(family, labels, create);
  }

  /** Samples one series of the family exposes (see `maxSamples`). */
  private costOf(family: Family<unknown>): number {
    return family.type === "histogram" ? this.buckets.length + 3 : 1;
  }

  /** Gives back the budget of a series of `family` that goes away, to its tenant's share too. */
  private release(family: Family<unknown>, labels: Readonly<Record<string, string>>): void {
    const cost = this.costOf(family);
    this.samples -= cost;
    const tenant = labels[TENANT_LABEL];
    if (tenant === undefined) return;
    const series = (family.tenantSeries.get(tenant) ?? 0) - 1;
    if (series > 0) family.tenantSeries.set(tenant, series);
    else family.tenantSeries.delete(tenant);
    const held = (this.tenantSamples.get(tenant) ?? 0) - cost;
    // Tenants come and go: forget the ones that hold nothing, so the map stays as small as the series.
    if (held > 0) this.tenantSamples.set(tenant, held);
    else this.tenantSamples.delete(tenant);
  }

  /** Slow path: find or create the series by its canonical key, then remember the caller's path to it. */
  private resolve<S>(
    family: Family<S>,
    labels: Labels | undefined,
    create: (labels: Readonly<Record<string, string>>) => S,
  ): S | undefined {
    const normalized = normalizeLabels(labels);
    const canonical = canonicalKey(normalized);
    let series = family.series.get(canonical);
    if (series === undefined) {
      const cost = this.costOf(family);
      const tenant = normalized[TENANT_LABEL];
      const tenantHeld = tenant === undefined ? 0 : (this.tenantSamples.get(tenant) ?? 0);
      const tenantSeries = tenant === undefined ? 0 : (family.tenantSeries.get(tenant) ?? 0);
      if (
        tenant !== undefined &&
        (tenantHeld + cost > this.maxSamplesPerTenant || tenantSeries >= this.maxTenantSeries)
      ) {
        this.dropped += 1;
        this.tenantDropped.set(tenant, (this.tenantDropped.get(tenant) ?? 0) + 1);
        return undefined;
      }
      if (family.series.size >= this.maxSeries || this.samples + cost > this.maxSamples) {
        this.dropped += 1;
        return undefined;
      }
      series = create(normalized);
      family.series.set(canonical, series);
      this.samples += cost;
      if (tenant !== undefined) {
        this.tenantSamples.set(tenant, tenantHeld + cost);
        family.tenantSeries.set(tenant, tenantSeries + 1);
      }
    }
    // Paths are only a cache; bound them like the series they lead to.
    if (family.pathCount >= this.maxSeries * 4) {
      family.paths = {};
      family.pathCount = 0;
    }
    let node = family.paths;
    if (labels !== undefined) {
      for (const name in labels) {
        const value = labels[name];
        if (value === undefined) continue;
        node.next ??= new Map();
        let byValue = node.next.get(name);
        if (byValue === undefined) {
          byValue = new Map();
          node.next.set(name, byValue);
        }
        let child = byValue.get(value);
        if (child === undefined) {
          child = {};
          byValue.set(value, child);
        }
        node = child;
      }
    }
    node.series = series;
    family.pathCount += 1;
    return series;
  }
}

/** Bucket bounds in ascending order; refuses bounds Prometheus could not expose once each. */
function checkedBuckets(bounds: readonly number[]): number[] {
  const sorted = [...bounds].sort((a, b) => a - b);
  sorted.forEach((bound, i) => {
    if (!Number.isFinite(bound)) {
      throw new RangeError(`histogram bucket bounds must be finite (+Inf is always added), got ${bound}`);
    }
    if (i > 0 && bound === sorted[i - 1]) {
      throw new RangeError(`histogram bucket bound ${bound} is given twice`);
    }
  });
  return sorted;
}

/** A tenant's share as given; refuses values that would silently turn it off or make it meaningless. */
function checkedTenantShare(option: string, share: number): number {
  if (!(share >= 0)) {
    throw new RangeError(`${option} must be a number >= 0 (Infinity for no share), got ${share}`);
  }
  return share;
}

/** An injective key for normalized (sorted, string-valued) labels. */
function canonicalKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels));
}

/** Sorted label names with string values; rejects names Prometheus cannot expose. */
function normalizeLabels(labels: Labels | undefined): Readonly<Record<string, string>> {
  const normalized: Record<string, string> = {};
  if (labels === undefined) return normalized;
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name];
    if (value === undefined) continue;
    if (!LABEL_NAME.test(name) || name.startsWith("__")) {
      throw new TypeError(`invalid label name: ${JSON.stringify(name)}`);
    }
    normalized[name] = String(value);
  }
  return Object.freeze(normalized);
}
