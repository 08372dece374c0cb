import type { DataElementRef } from "../model/intent";
import type { EvaluationIntent, IntentionMatch, IntentionMatcher } from "../policy/evaluation-types";
import { compileGlobList, type StringTest } from "../policy/glob";
import type { Intention } from "./intention-schema";

type Matched = Extract<IntentionMatch, { kind: "matched" }>;

interface CompiledIntention {
  readonly intention: Intention;
  /** Position in (fewest data elements, oldest, label) order: lower is preferred. */
  readonly rank: number;
  readonly covers: StringTest;
  /** data_source_id → allowed paths. */
  readonly elements: ReadonlyMap<string, ReadonlySet<string>>;
  readonly auto: Matched;
  readonly named: Matched;
}

const AMBIENT: IntentionMatch = Object.freeze({ kind: "ambient" });
const NO_ELEMENTS: readonly DataElementRef[] = Object.freeze([]);

/**
 * Compile a tenant's intentions (only `active` ones count) into a matcher. An intent naming an
 * active intention that covers its type gets that one; otherwise the narrowest active intention
 * covering the type whose data elements include every requested one (one without `intent_types`
 * only when the intent requests some); otherwise it is ambient.
 * See docs/intentions.md for the full rule.
 */
export function compileIntentions(intentions: readonly Intention[]): IntentionMatcher {
  const statusByLabel = new Map(intentions.map((i) => [i.label, i.status]));
  const active = intentions
    .filter((i) => i.status === "active")
    .map((i) => ({ intention: i, width: distinctElements(i) }))
    .sort(preference)
    .map((ranked) => ranked.intention);
  const compiled = active.map(compileIntention);
  const byLabel = new Map(compiled.map((c) => [c.intention.label, c]));
  const exact = new Map<string, CompiledIntention[]>();
  const wildcard = new Map<string, CompiledIntention[]>();
  const universal: CompiledIntention[] = [];
  for (const c of compiled) {
    if (c.intention.intent_types.length === 0) universal.push(c);
    for (const pattern of new Set(c.intention.intent_types)) {
      const wild = pattern.endsWith(".*");
      const map = wild ? wildcard : exact;
      const key = wild ? pattern.slice(0, -2) : pattern;
      const list = map.get(key);
      if (list) list.push(c);
      else map.set(key, [c]);
    }
  }

  return {
    match(intent: EvaluationIntent): IntentionMatch {
      const requested = intent.dataElements ?? NO_ELEMENTS;
      let note: string | undefined;
      if (intent.intention !== undefined) {
        const named = byLabel.get(intent.intention);
        if (named?.covers(intent.type)) {
          const disallowed = outside(named, requested);
          return disallowed.length === 0 ? named.named : { ...named.named, disallowed };
        }
        note = namedMiss(
          intent.intention,
          intent.type,
          named !== undefined,
          statusByLabel.get(intent.intention),
        );
      }
      const domain = typeDomain(intent);
      let best = firstCovering(exact.get(intent.type), requested);
      best = better(best, firstCovering(wildcard.get(domain), requested));
      // An intention scoped by data elements alone is picked only for an intent that requests
      // some: with none requested there is nothing to match it on, and it took every intent of
      // the tenant (a "Customer Support Lookup" governed billing writes and minted their tokens).
      if (requested.length > 0) best = better(best, firstCovering(universal, requested));
      if (best === null) return note === undefined ? AMBIENT : { kind: "ambient", note: `${note}; ambient` };
      return note === undefined
        ? best.auto
        : { ...best.auto, note: `${note}; matched by the auto-match rule instead` };
    },
  };
}

function compileIntention(intention: Intention, rank: number): CompiledIntention {
  const elements = new Map<string, Set<string>>();
  for (const el of intention.data_elements) {
    const paths = elements.get(el.data_source_id);
    if (paths) paths.add(el.path);
    else elements.set(el.data_source_id, new Set([el.path]));
  }
  // No intent_types means the intention is scoped by data elements alone and covers every type
  // (auto-match picks it only for an intent that requests data elements).
  const covers = intention.intent_types.length === 0 ? () => true : compileGlobList(intention.intent_types);
  const result = (named: boolean): Matched =>
    Object.freeze({ kind: "matched", intention, named, disallowed: NO_ELEMENTS as DataElementRef[] });
  return { intention, rank, covers, elements, auto: result(false), named: result(true) };
}

interface Ranked {
  intention: Intention;
  /** How many distinct elements the intention allows: "narrowest" counts what it allows, not what it lists. */
  width: number;
}

function preference(a: Ranked, b: Ranked): number {
  return (
    a.width - b.width ||
    compareTime(a.intention.created_at, b.intention.created_at) ||
    (a.intention.label < b.intention.label ? -1 : a.intention.label > b.intention.label ? 1 : 0)
  );
}

function distinctElements(intention: Intention): number {
  // JSON of the pair: no separator character can be confused with part of an id or path.
  return new Set(intention.data_elements.map((el) => JSON.stringify([el.data_source_id, el.path]))).size;
}

function compareTime(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a < b ? -1 : a > b ? 1 : 0;
  return ta - tb;
}

function allows(c: CompiledIntention, ref: DataElementRef): boolean {
  return c.elements.get(ref.dataSourceId)?.has(ref.path) === true;
}

/** The requested elements the intention does not allow, each once (an agent may repeat one). */
function outside(c: CompiledIntention, requested: readonly DataElementRef[]): DataElementRef[] {
  const disallowed: DataElementRef[] = [];
  for (const ref of requested) {
    if (allows(c, ref)) continue;
    if (disallowed.some((d) => d.dataSourceId === ref.dataSourceId && d.path === ref.path)) continue;
    disallowed.push(ref);
  }
  return disallowed;
}

/** The first (most preferred) intention of a list whose allowlist holds every requested element. */
function firstCovering(
  list: readonly CompiledIntention[] | undefined,
  requested: readonly DataElementRef[],
): CompiledIntention | null {
  if (list === undefined) return null;
  for (const c of list) {
    let all = true;
    for (const ref of requested) {
      if (!allows(c, ref)) {
        all = false;
        break;
      }
    }
    if (all) return c;
  }
  return null;
}

function better(a: CompiledIntention | null, b: CompiledIntention | null): CompiledIntention | null {
  if (a === null) return b;
  if (b === null) return a;
  return b.rank < a.rank ? b : a;
}

function typeDomain(intent: EvaluationIntent): string {
  const { type, domain } = intent;
  if (type.length > domain.length && type.charCodeAt(domain.length) === 46 && type.startsWith(domain))
    return domain;
  const dot = type.indexOf(".");
  return dot === -1 ? type : type.slice(0, dot);
}

/** Why the named intention did not apply; the caller says what matched instead. */
function namedMiss(label: string, type: string, isActive: boolean, status: string | undefined): string {
  if (isActive) return `Named intention ${label} does not cover type ${type}`;
  const state = status === undefined ? "does not exist" : `is ${status}, not active`;
  return `Named intention ${label} ${state}`;
}
