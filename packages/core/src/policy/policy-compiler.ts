import { IntendedOpsError } from "../errors";
import type { ApprovalSettings, TraceEntry } from "../model/decision";
import { type Outcome, type RiskLevel, type TrustTier, tierRank } from "../model/enums";
import { compileCondition } from "./condition-compiler";
import { compileGlobList, globDomain, type StringTest } from "./glob";
import type { Policy } from "./policy-schema";

/** Bit per risk level, so a policy's risk filter is one AND. */
export const RISK_BIT: Readonly<Record<RiskLevel, number>> = { low: 1, medium: 2, high: 4, critical: 8 };
const ANY_RISK = 15;

/** Index of each tier, for range checks without a search. */
export const TIER_INDEX: Readonly<Record<TrustTier, number>> = { T0: 0, T1: 1, T2: 2, T3: 3, T4: 4 };

/** The frozen trace entries a policy can produce, built once at compile time and shared by every decision. */
export interface PolicyTraceEntries {
  readonly disabled: TraceEntry;
  readonly domain: TraceEntry;
  readonly type: TraceEntry;
  readonly agent: TraceEntry;
  readonly tier: TraceEntry;
  readonly risk: TraceEntry;
  readonly params: TraceEntry;
  readonly matched: TraceEntry;
}

/** One policy, ready for evaluation: globs, sets, bit masks and condition closures built once. */
export interface CompiledPolicy {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  /** Position in the source list; candidate lists keep this order. */
  readonly order: number;
  readonly enabled: boolean;
  readonly shadow: boolean;
  readonly effect: Outcome;
  readonly approval: ApprovalSettings | undefined;
  /** An enforced allow whose match.riskLevels lists "critical": the only way a critical intent auto-allows. */
  readonly allowsCritical: boolean;
  /** Sentence added to decision.reasons when this policy decides. */
  readonly reason: string;
  readonly domainTest: StringTest | null;
  readonly typeTest: StringTest | null;
  readonly agentIds: ReadonlySet<string> | null;
  readonly tierMin: number;
  readonly tierMax: number;
  readonly riskMask: number;
  readonly paramsTest: ((params: Readonly<Record<string, unknown>>) => boolean) | null;
  readonly entries: PolicyTraceEntries;
}

/** A tenant's policies compiled once and indexed by domain. */
export interface CompiledPolicies {
  readonly size: number;
  /** Every compiled policy, in source order. */
  readonly policies: readonly CompiledPolicy[];
  /** The policies that can apply to an intent of this domain and type, in source order. */
  candidates(domain: string, type: string): readonly CompiledPolicy[];
}

/**
 * Compile policies once into an indexed matcher for `evaluate`. Throws VALIDATION_ERROR (details
 * paths under `match`) for a policy that cannot be compiled, so call it when a policy is written too.
 * @example const compiled = compilePolicies(await store.policies.list(tenantId));
 */
export function compilePolicies(policies: readonly Policy[]): CompiledPolicies {
  const compiled = policies.map((p, i) => compilePolicy(p, i));
  const keys = policies.map(indexKeys);
  const global = compiled.filter((_, i) => keys[i] === null);
  const byDomain = new Map<string, CompiledPolicy[]>();
  for (const domain of new Set(keys.flatMap((k) => k ?? []))) {
    byDomain.set(
      domain,
      compiled.filter((_, i) => keys[i] === null || keys[i]!.includes(domain)),
    );
  }
  return {
    size: compiled.length,
    policies: compiled,
    candidates(domain, type) {
      // The index is keyed by domain; it is only sound when the type belongs to that domain.
      const consistent =
        type.length > domain.length && type.charCodeAt(domain.length) === 46 && type.startsWith(domain);
      if (!consistent) return compiled;
      return byDomain.get(domain) ?? global;
    },
  };
}

/** Compile one policy; `order` is its position in the tenant's list. */
export function compilePolicy(policy: Policy, order = 0): CompiledPolicy {
  const match = policy.match ?? {};
  const tierMin = match.tiers?.min === undefined ? 0 : tierRank(match.tiers.min);
  const tierMax = match.tiers?.max === undefined ? 4 : tierRank(match.tiers.max);
  if (tierMin > tierMax) throw invalid(["match", "tiers"], "Tier range min must not be above max");
  const riskMask = match.riskLevels ? match.riskLevels.reduce((m, r) => m | RISK_BIT[r], 0) : ANY_RISK;
  const condition = match.params ? compileCondition(match.params, ["match", "params"]) : null;
  const shadow = policy.mode === "shadow";
  const enabled = policy.enabled !== false;
  const rule = `Policy '${policy.name}' (${policy.id} v${policy.version})`;
  const entry = (matched: boolean, why: string): TraceEntry =>
    Object.freeze({ rule, kind: "policy", matched, effect: policy.effect, mode: policy.mode, why });
  const summary = [
    match.domains && `domain ${listText(match.domains, " or ")}`,
    match.types && `type ${listText(match.types, ", ")}`,
    match.agentIds && `agent ${listText(match.agentIds, ", ")}`,
    match.tiers && `tier ${tierRangeText(match.tiers)}`,
    match.riskLevels && `risk ${match.riskLevels.join(" or ")}`,
    condition && `params ${condition.text}`,
  ]
    .filter(Boolean)
    .join("; ");
  const matchedWhy = shadow
    ? `Matched (${summary || "every intent"}) in shadow mode: would ${SHADOW_VERB[policy.effect]}, not applied`
    : `Matched: ${summary || "every intent"}`;
  return {
    id: policy.id,
    name: policy.name,
    version: policy.version,
    order,
    enabled,
    shadow,
    effect: policy.effect,
    approval: policy.approval,
    allowsCritical:
      enabled && !shadow && policy.effect === "allow" && match.riskLevels?.includes("critical") === true,
    reason: `Policy '${policy.name}' ${EFFECT_VERB[policy.effect]}${policy.reason ? `: ${policy.reason}` : ""}`,
    domainTest: match.domains ? compileGlobList(match.domains) : null,
    typeTest: match.types ? compileGlobList(match.types) : null,
    agentIds: match.agentIds ? new Set(match.agentIds) : null,
    tierMin,
    tierMax,
    riskMask,
    paramsTest: condition?.test ?? null,
    entries: Object.freeze({
      disabled: entry(false, "Disabled"),
      domain: entry(false, `Domain is not ${listText(match.domains, " or ")}`),
      type: entry(false, `Type does not match ${listText(match.types, ", ")}`),
      agent: entry(false, `Agent is not ${listText(match.agentIds, " or ")}`),
      tier: entry(false, `Trust tier is outside ${match.tiers ? tierRangeText(match.tiers) : ""}`),
      risk: entry(false, `Risk level is not ${match.riskLevels?.join(" or ")}`),
      params: entry(false, `Params do not satisfy ${condition?.text ?? ""}`),
      matched: entry(true, matchedWhy),
    }),
  };
}

const EFFECT_VERB: Readonly<Record<Outcome, string>> = {
  allow: "allows this intent",
  require_approval: "requires approval",
  block: "blocks this intent",
};

/** The same verbs after "would", for the trace of a shadow policy. */
const SHADOW_VERB: Readonly<Record<Outcome, string>> = {
  allow: "allow this intent",
  require_approval: "require approval",
  block: "block this intent",
};

/** Lists longer than this are cut in trace text; the policy itself keeps every item. */
const TRACE_LIST_ITEMS = 10;

/**
 * A match list as trace text, cut after TRACE_LIST_ITEMS: the trace is stored with every intent the
 * policy is consulted for, so a policy listing 20,000 types must not add 300 KB to each of them.
 */
function listText(items: readonly string[] | undefined, separator: string): string {
  if (items === undefined) return "";
  if (items.length <= TRACE_LIST_ITEMS) return items.join(separator);
  return `${items.slice(0, TRACE_LIST_ITEMS).join(separator)} (and ${items.length - TRACE_LIST_ITEMS} more)`;
}

function tierRangeText(tiers: { min?: TrustTier; max?: TrustTier }): string {
  return `${tiers.min ?? "T0"}–${tiers.max ?? "T4"}`;
}

/** Domains a policy is confined to (null: it may apply to any domain). */
function indexKeys(policy: Policy): string[] | null {
  const match = policy.match ?? {};
  if (match.domains?.every((d) => !d.includes("*"))) return [...new Set(match.domains)];
  if (match.types) {
    const domains = match.types.map(globDomain);
    if (domains.every((d) => d !== null)) return [...new Set(domains as string[])];
  }
  return null;
}

function invalid(path: string[], message: string): IntendedOpsError {
  return new IntendedOpsError("VALIDATION_ERROR", `${path.join(".")}: ${message}`, [{ path, message }]);
}
