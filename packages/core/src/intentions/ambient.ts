import type { IntentClass } from "../model/enums";
import type { DataElementRef } from "../model/intent";
import { sha256Hex } from "../sha256";
import { compileIntentions } from "./intention-matcher";
import type { Intention } from "./intention-schema";

/** The label an intent records when no active intention matched it. */
export const AMBIENT = "ambient";

/** A data element in the intention contract's snake_case shape. */
interface Element {
  data_source_id: string;
  path: string;
}

/** Where an ambient intent belongs: its cluster id and the canonical text of its element set. */
export interface AmbientPlacement {
  /** `amb_` + 16 hex characters, stable for the same domain, type and element set. */
  clusterId: string;
  /** Canonical JSON of the sorted, de-duplicated elements (see `canonicalElements`). */
  elementsKey: string;
}

/** What a store aggregates per cluster; `dataElements` is the cluster's canonical element set. */
export interface AmbientClusterStats {
  id: string;
  domain: string;
  type: string;
  dataElements: Element[];
  count: number;
  /** Agent ids, sorted. */
  agents: string[];
  firstSeenAt: string;
  lastSeenAt: string;
}

/** The draft intention a cluster suggests; creating it is what "generalize" does. */
export interface SuggestedIntention {
  label: string;
  display_name: string;
  description: string;
  intent_class: IntentClass;
  intent_types: string[];
  data_elements: Element[];
}

/** One cluster of ambient traffic, as the API shows it (snake_case, like intentions). */
export interface AmbientCluster {
  id: string;
  domain: string;
  intent_type: string;
  data_elements: Element[];
  count: number;
  agents: string[];
  first_seen_at: string;
  last_seen_at: string;
  /** The active intention that would match this traffic now, or null while nothing covers it. */
  covered_by: string | null;
  suggested: SuggestedIntention;
}

const LABEL_MAX = 100;
/** Room kept for a `_<n>` suffix when the base label is taken. */
const BASE_LABEL_MAX = LABEL_MAX - 8;

/** The requested elements as a set: sorted by data source then path, duplicates dropped. */
export function canonicalElements(refs: readonly DataElementRef[]): Element[] {
  const sorted = refs
    .map((ref) => ({ data_source_id: ref.dataSourceId, path: ref.path }))
    .sort((a, b) => compare(a.data_source_id, b.data_source_id) || compare(a.path, b.path));
  return sorted.filter(
    (el, i) =>
      i === 0 || el.data_source_id !== sorted[i - 1]?.data_source_id || el.path !== sorted[i - 1]?.path,
  );
}

/**
 * Recently computed cluster ids. Every ambient submission needs its id and traffic repeats the
 * same few combinations, so a hash per submission is mostly avoidable; cleared when full.
 */
const recentIds = new Map<string, string>();
const RECENT_IDS_MAX = 4096;

/** The cluster id of a domain, type and canonical elements key: `amb_` + 16 hex of a SHA-256. */
export function ambientClusterId(domain: string, type: string, elementsKey: string): string {
  // Domain and type are restricted to [a-z0-9_.], so "|" cannot occur inside them.
  const input = `${domain}|${type}|${elementsKey}`;
  const known = recentIds.get(input);
  if (known !== undefined) return known;
  const id = `amb_${sha256Hex(input).slice(0, 16)}`;
  if (recentIds.size >= RECENT_IDS_MAX) recentIds.clear();
  recentIds.set(input, id);
  return id;
}

/**
 * The cluster an intent falls into, or null when it matched an intention.
 * @example ambientPlacement({ intention: "ambient", domain: "support", type: "support.send_response", dataElements: [] })
 */
export function ambientPlacement(intent: {
  intention: string;
  domain: string;
  type: string;
  dataElements: readonly DataElementRef[];
}): AmbientPlacement | null {
  if (intent.intention !== AMBIENT) return null;
  const elementsKey = JSON.stringify(canonicalElements(intent.dataElements));
  return { clusterId: ambientClusterId(intent.domain, intent.type, elementsKey), elementsKey };
}

/**
 * A snake_case label for a type that no existing label takes: `support.send_response` →
 * `support_send_response`, then `support_send_response_2`, … when taken.
 */
export function suggestLabel(type: string, taken: ReadonlySet<string>): string {
  const base = type.replaceAll(".", "_").slice(0, BASE_LABEL_MAX);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `support.send_response` → "Support Send Response". */
export function displayNameOf(type: string): string {
  return type
    .split(/[._]/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join(" ");
}

/**
 * Describe clusters: which active intention covers each one's traffic now (if any) and the draft
 * that would declare it, with a label no intention of `intentions` takes.
 */
export function describeAmbientClusters(
  clusters: readonly AmbientClusterStats[],
  context: { intentClassOf: (type: string) => IntentClass; intentions: readonly Intention[] },
): AmbientCluster[] {
  const coverage = compileCoverage(context.intentions);
  return clusters.map((stats) => describeWith(stats, context.intentClassOf(stats.type), coverage));
}

interface Coverage {
  taken: ReadonlySet<string>;
  coveredBy(stats: AmbientClusterStats): string | null;
}

function compileCoverage(intentions: readonly Intention[]): Coverage {
  const matcher = compileIntentions(intentions);
  return {
    taken: new Set(intentions.map((i) => i.label)),
    coveredBy(stats) {
      const match = matcher.match({
        type: stats.type,
        domain: stats.domain,
        agentId: stats.agents[0] ?? "",
        params: {},
        riskLevel: "low",
        intentClass: "other",
        dataElements: stats.dataElements.map((el) => ({ dataSourceId: el.data_source_id, path: el.path })),
      });
      return match.kind === "matched" ? match.intention.label : null;
    },
  };
}

function describeWith(
  stats: AmbientClusterStats,
  intentClass: IntentClass,
  coverage: Coverage,
): AmbientCluster {
  const times = stats.count === 1 ? "1 intent" : `${stats.count} intents`;
  return {
    id: stats.id,
    domain: stats.domain,
    intent_type: stats.type,
    data_elements: stats.dataElements,
    count: stats.count,
    agents: stats.agents,
    first_seen_at: stats.firstSeenAt,
    last_seen_at: stats.lastSeenAt,
    covered_by: coverage.coveredBy(stats),
    suggested: {
      label: suggestLabel(stats.type, coverage.taken),
      display_name: displayNameOf(stats.type),
      description: `Drafted from ambient cluster ${stats.id}: ${times} of ${stats.type} by ${agentList(stats.agents)}`,
      intent_class: intentClass,
      intent_types: [stats.type],
      data_elements: stats.dataElements,
    },
  };
}

/** At most three names, so a busy cluster still fits an intention's description. */
function agentList(agents: readonly string[]): string {
  if (agents.length <= 3) return agents.join(", ");
  return `${agents.slice(0, 3).join(", ")} and ${agents.length - 3} more`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
