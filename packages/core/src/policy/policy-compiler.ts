import { IntendedOpsError } from "../errors";
import type { ApprovalSettings, TraceEntry } from "../model/decision";
import { type Outcome, type RiskLevel, type TrustTier, tierRank } from "../model/enums";
import { compileCondition, deepEqual } from "./condition-compiler";
import { compileGlobList, globDomain, type StringTest } from "./glob";
import type { Condition, Policy } from "./policy-schema";

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
  return indexPolicies(
    policies,
    policies.map((p, i) => compilePolicy(p, i)),
  );
}

/**
 * `compilePolicies` for a rules cache, on stored policies (see `compileStoredPolicy`): every policy
 * equal (`deepEqual`) to the one it was compiled from into `previous` is reused instead of compiled
 * again. A tenant at 1,000 policies otherwise recompiles all of them (and their regexes, about 60 µs
 * each) after each change: 10–25 ms on the event loop. The cache must own `policies` (the store's
 * copies): each is kept, unmodified, to compare the next list with.
 */
export function recompilePolicies(
  policies: readonly Policy[],
  previous?: CompiledPolicies,
): CompiledPolicies {
  const reusable = previous && new Map(previous.policies.map((p) => [p.id, p]));
  const compiled = policies.map((p, i) => {
    const earlier = reusable?.get(p.id);
    const source = earlier && sources.get(earlier);
    if (earlier === undefined || source === undefined || !deepEqual(source, p)) {
      const fresh = compileStoredPolicy(p, i);
      sources.set(fresh, p);
      return fresh;
    }
    if (earlier.order === i) return earlier;
    const moved: CompiledPolicy = { ...earlier, order: i };
    sources.set(moved, source);
    return moved;
  });
  return indexPolicies(policies, compiled);
}

function indexPolicies(policies: readonly Policy[], compiled: CompiledPolicy[]): CompiledPolicies {
  const keys = policies.map(indexKeys);
  const global = compiled.filter((_, i) => keys[i] === null);
  const byDomain = new Map<string, CompiledPolicy[]>();
  for (const domain of new Set(keys.flatMap((k) => k ?? []))) {
    byDomain.set(
      domain,
      compiled.filter((_, i) => keys[i] === null || keys[i]!.includes(domain)),
    );
  }
  const result: CompiledPolicies = {
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
  openPlans.set(result, { count: 0, byDomain: new Map() });
  return result;
}

/** The policy each compiled policy of `recompilePolicies` was compiled from, to tell what changed. */
const sources = new WeakMap<CompiledPolicy, Policy>();

/**
 * Per compiled set, per intent domain and type: the positions in `candidates(domain, type)` of the
 * policies that domain and type leave open (enabled, domain and type tests passed). Every other
 * candidate is unmatched whatever the intent's agent, tier, risk and params.
 */
const openPlans = new WeakMap<
  CompiledPolicies,
  { count: number; byDomain: Map<string, Map<string, Int32Array>> }
>();

/** Most (domain, type) plans kept per compiled set; the catalog's 75 types need 75. */
const MAX_OPEN_PLANS = 256;

/**
 * The positions in `policies.candidates(domain, type)` of the candidates that are enabled and whose
 * domain and type tests pass for this domain and type, ascending; undefined for a set that neither
 * `compilePolicies` nor `recompilePolicies` built, or past MAX_OPEN_PLANS pairs. `evaluate` checks only these once
 * the trace lists no more unmatched policies: a tenant at 1,000 policies has about 250 candidates
 * per domain, most of them for other types of it.
 */
export function openCandidates(
  policies: CompiledPolicies,
  domain: string,
  type: string,
): Int32Array | undefined {
  const plans = openPlans.get(policies);
  if (plans === undefined) return undefined;
  let byType = plans.byDomain.get(domain);
  const known = byType?.get(type);
  if (known !== undefined) return known;
  if (plans.count >= MAX_OPEN_PLANS) return undefined;
  const candidates = policies.candidates(domain, type);
  const open: number[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const p = candidates[i]!;
    if (!p.enabled) continue;
    if (p.domainTest !== null && !p.domainTest(domain)) continue;
    if (p.typeTest !== null && !p.typeTest(type)) continue;
    open.push(i);
  }
  const plan = Int32Array.from(open);
  if (byType === undefined) {
    byType = new Map();
    plans.byDomain.set(domain, byType);
  }
  byType.set(type, plan);
  plans.count += 1;
  return plan;
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

/**
 * `compilePolicy` for a stored policy. A `matches` pattern with lookaround or a backreference was
 * accepted before patterns ran on re2js, and no longer compiles: failing the tenant's whole rule set
 * made every submission of the tenant, whatever its type, a VALIDATION_ERROR about a pattern the
 * caller never sent. Such a policy keeps its scope instead and decides nothing it cannot evaluate:
 * enforced, each intent it is consulted on for its params fails with INVALID_STATE naming it (so no
 * intent it governs is decided without it); in shadow mode it counts as unmatched. Every other
 * intent is decided as before. Writing such a policy is still a VALIDATION_ERROR (`compilePolicy`).
 */
function compileStoredPolicy(policy: Policy, order: number): CompiledPolicy {
  try {
    return compilePolicy(policy, order);
  } catch (error) {
    const params = policy.match?.params;
    const problem = params === undefined ? undefined : conditionProblem(params);
    if (problem === undefined) throw error;
    const compiled = compilePolicy({ ...policy, match: { ...policy.match, params: undefined } }, order);
    const refusal = `Policy '${policy.name}' (${policy.id}) can no longer be evaluated (${problem}). Rewrite or delete the policy; until then it refuses the intents it applies to`;
    const paramsTest = compiled.shadow
      ? () => false
      : () => {
          throw new IntendedOpsError("INVALID_STATE", refusal, { policyId: policy.id });
        };
    const notEvaluated = Object.freeze({ ...compiled.entries.params, why: `Not evaluated (${problem})` });
    return { ...compiled, paramsTest, entries: Object.freeze({ ...compiled.entries, params: notEvaluated }) };
  }
}

/** Why a params condition does not compile (the compiler's message), or undefined when it does. */
function conditionProblem(condition: Condition): string | undefined {
  try {
    compileCondition(condition, ["match", "params"]);
    return undefined;
  } catch (error) {
    return error instanceof IntendedOpsError ? error.message : String(error);
  }
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
