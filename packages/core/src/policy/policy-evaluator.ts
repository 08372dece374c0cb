import type { Intention } from "../intentions/intention-schema";
import type { ApprovalSettings, Decision, TraceEntry } from "../model/decision";
import { RISK_LEVELS, type RiskLevel, TRUST_TIERS, type TrustTier } from "../model/enums";
import {
  DEFAULT_READ_ONLY_CLASS_RULE,
  DEFAULT_TIER_MATRIX,
  type MatrixVerdict,
  type ReadOnlyClassRule,
  readOnlyRuleRequiresApproval,
  type TierMatrix,
} from "../trust/tier-matrix";
import type { EvaluationAgent, EvaluationIntent, IntentionMatcher } from "./evaluation-types";
import { matchesGlob } from "./glob";
import {
  type CompiledPolicies,
  type CompiledPolicy,
  openCandidates,
  RISK_BIT,
  TIER_INDEX,
} from "./policy-compiler";

/** Everything `evaluate` decides from; build it per call, compile policies and intentions once. */
export interface EvaluationContext {
  agent: EvaluationAgent;
  policies: CompiledPolicies;
  intentions?: IntentionMatcher;
  /** Epoch milliseconds; becomes `decision.evaluatedAt`. */
  now: number;
  /** Defaults to DEFAULT_TIER_MATRIX. */
  matrix?: TierMatrix;
  /** Defaults to DEFAULT_READ_ONLY_CLASS_RULE (T0 acts alone only on lookup, reporting, analysis). */
  readOnlyRule?: ReadOnlyClassRule;
  /** Full trace (default true); false keeps only the entries that decided the outcome. */
  explain?: boolean;
  /**
   * With `explain`, at most this many entries for policies in scope that did not match (default:
   * all of them); the rest are counted in one closing entry. Matched policies are always listed.
   */
  unmatchedPolicyEntries?: number;
}

/**
 * Decide an intent: `block` beats `require_approval` beats `allow`. A suspended or undeclared agent
 * is blocked outright; then the named or matched intention, the tenant's enforced policies, and —
 * when no enforced policy matches — the trust tier × risk matrix. Critical risk needs a human
 * unless an enforced allow policy lists `critical` explicitly. Pure and synchronous.
 * @example evaluate(intent, { agent, policies: compilePolicies(list), now: Date.now() }).outcome
 */
export function evaluate(intent: EvaluationIntent, ctx: EvaluationContext): Decision {
  const { agent } = ctx;
  const explain = ctx.explain !== false;
  const evaluatedAt = new Date(ctx.now).toISOString();

  if (agent.status !== "active") {
    const why = `Agent ${agent.id} is ${agent.status}`;
    const entry: TraceEntry = {
      rule: "Agent status",
      kind: "agent_status",
      matched: true,
      effect: "block",
      why,
    };
    return precheckBlock(intent, ctx, why, [entry], evaluatedAt);
  }
  const undeclared = declarationProblem(agent, intent);
  if (undeclared !== null) {
    const entry: TraceEntry = {
      rule: "Agent declaration",
      kind: "declaration",
      matched: true,
      effect: "block",
      why: undeclared,
    };
    return precheckBlock(intent, ctx, undeclared, explain ? [ACTIVE_ENTRY, entry] : [entry], evaluatedAt);
  }

  const trace: TraceEntry[] = explain ? [ACTIVE_ENTRY, DECLARED_ENTRY] : [];
  const t = new Tally();

  let intention = "ambient";
  if (ctx.intentions !== undefined) intention = applyIntention(ctx.intentions, intent, t, trace, explain);

  const tier = TIER_INDEX[agent.trustTier];
  const riskBit = RISK_BIT[intent.riskLevel];
  const shadow: Decision["shadow"] = [];
  const unmatchedLimit = ctx.unmatchedPolicyEntries ?? Number.POSITIVE_INFINITY;
  let unmatched = 0;
  const candidates = ctx.policies.candidates(intent.domain, intent.type);
  const open = openCandidates(ctx.policies, intent.domain, intent.type);
  let i = 0;
  // Every candidate while the trace still lists unmatched ones (all of them without a plan)…
  for (; i < candidates.length && (open === undefined || (explain && unmatched < unmatchedLimit)); i++) {
    const policy = candidates[i]!;
    const entry = checkPolicy(policy, intent, agent.id, tier, riskBit);
    if (explain && (entry.matched || unmatched < unmatchedLimit)) trace.push(entry);
    if (!entry.matched) {
      unmatched += 1;
      continue;
    }
    if (policy.shadow) shadow.push({ policyId: policy.id, effect: policy.effect });
    else t.addPolicy(policy, entry);
  }
  if (open !== undefined) {
    // …then only those the intent's domain and type leave open: the others are unmatched whatever
    // the agent, tier, risk and params, and past the listed entries they are only counted.
    let k = 0;
    while (k < open.length && open[k]! < i) k++;
    for (; k < open.length; k++) {
      const at = open[k]!;
      unmatched += at - i;
      i = at + 1;
      const policy = candidates[at]!;
      const entry = checkOpenPolicy(policy, intent, agent.id, tier, riskBit);
      if (!entry.matched) {
        unmatched += 1;
        continue;
      }
      if (explain) trace.push(entry);
      if (policy.shadow) shadow.push({ policyId: policy.id, effect: policy.effect });
      else t.addPolicy(policy, entry);
    }
    unmatched += candidates.length - i;
  }

  if (explain && unmatched > unmatchedLimit) {
    const more = unmatched - unmatchedLimit;
    trace.push({
      rule: `${more} more ${more === 1 ? "policy" : "policies"}`,
      kind: "policy",
      matched: false,
      why: "Did not match this intent (POST /v1/policies/simulate lists each policy)",
    });
  }

  if (t.blockReasons.length === 0) {
    if (t.approvalIds.length === 0 && t.allowPolicies.length === 0) {
      applyMatrix(
        intent,
        agent.trustTier,
        ctx.matrix ?? DEFAULT_TIER_MATRIX,
        ctx.readOnlyRule,
        t,
        trace,
        explain,
      );
    }
    if (intent.riskLevel === "critical") applyCriticalGuard(t, trace, explain);
  }
  return t.decision(intent, agent.trustTier, intention, shadow, explain ? trace : null, evaluatedAt);
}

/** Accumulates what each rule contributed, by effect. */
class Tally {
  blockReasons: string[] = [];
  blockIds: string[] = [];
  blockEntries: TraceEntry[] = [];
  approvalReasons: string[] = [];
  approvalIds: string[] = [];
  approvalEntries: TraceEntry[] = [];
  approvers = 1;
  expiresInSeconds: number | undefined = undefined;
  allowPolicies: CompiledPolicy[] = [];
  allowReasons: string[] = [];
  allowEntries: TraceEntry[] = [];

  addPolicy(policy: CompiledPolicy, entry: TraceEntry): void {
    if (policy.effect === "block") {
      this.blockReasons.push(policy.reason);
      this.blockIds.push(policy.id);
      this.blockEntries.push(entry);
    } else if (policy.effect === "require_approval") {
      this.approvalReasons.push(policy.reason);
      this.approvalIds.push(policy.id);
      this.approvalEntries.push(entry);
      const settings = policy.approval;
      if (settings !== undefined) {
        if (settings.approvers > this.approvers) this.approvers = settings.approvers;
        const expiry = settings.expiresInSeconds;
        if (expiry !== undefined && (this.expiresInSeconds === undefined || expiry < this.expiresInSeconds)) {
          this.expiresInSeconds = expiry;
        }
      }
    } else {
      this.allowPolicies.push(policy);
      this.allowReasons.push(policy.reason);
      this.allowEntries.push(entry);
    }
  }

  decision(
    intent: EvaluationIntent,
    trustTier: TrustTier,
    intention: string,
    shadow: Decision["shadow"],
    trace: TraceEntry[] | null,
    evaluatedAt: string,
  ): Decision {
    const riskLevel = intent.riskLevel;
    if (this.blockReasons.length > 0) {
      return {
        outcome: "block",
        reasons: this.blockReasons,
        riskLevel,
        trustTier,
        matchedPolicies: this.blockIds,
        shadow,
        intention,
        trace: trace ?? this.blockEntries,
        evaluatedAt,
      };
    }
    if (this.approvalReasons.length > 0) {
      const approval: ApprovalSettings =
        this.expiresInSeconds === undefined
          ? { approvers: this.approvers }
          : { approvers: this.approvers, expiresInSeconds: this.expiresInSeconds };
      return {
        outcome: "require_approval",
        reasons: this.approvalReasons,
        riskLevel,
        trustTier,
        matchedPolicies: this.approvalIds,
        shadow,
        approval,
        intention,
        trace: trace ?? this.approvalEntries,
        evaluatedAt,
      };
    }
    return {
      outcome: "allow",
      reasons: this.allowReasons,
      riskLevel,
      trustTier,
      matchedPolicies: this.allowPolicies.map((p) => p.id),
      shadow,
      intention,
      trace: trace ?? this.allowEntries,
      evaluatedAt,
    };
  }
}

function checkPolicy(
  p: CompiledPolicy,
  intent: EvaluationIntent,
  agentId: string,
  tier: number,
  riskBit: number,
): TraceEntry {
  const e = p.entries;
  if (!p.enabled) return e.disabled;
  if (p.domainTest !== null && !p.domainTest(intent.domain)) return e.domain;
  if (p.typeTest !== null && !p.typeTest(intent.type)) return e.type;
  if (p.agentIds !== null && !p.agentIds.has(agentId)) return e.agent;
  if (tier < p.tierMin || tier > p.tierMax) return e.tier;
  if ((p.riskMask & riskBit) === 0) return e.risk;
  if (p.paramsTest !== null && !p.paramsTest(intent.params)) return e.params;
  return e.matched;
}

/** `checkPolicy` for a policy `openCandidates` listed: enabled, and its domain and type tests pass. */
function checkOpenPolicy(
  p: CompiledPolicy,
  intent: EvaluationIntent,
  agentId: string,
  tier: number,
  riskBit: number,
): TraceEntry {
  const e = p.entries;
  if (p.agentIds !== null && !p.agentIds.has(agentId)) return e.agent;
  if (tier < p.tierMin || tier > p.tierMax) return e.tier;
  if ((p.riskMask & riskBit) === 0) return e.risk;
  if (p.paramsTest !== null && !p.paramsTest(intent.params)) return e.params;
  return e.matched;
}

const ACTIVE_ENTRY: TraceEntry = Object.freeze({
  rule: "Agent status",
  kind: "agent_status",
  matched: false,
  why: "Agent is active",
});
const DECLARED_ENTRY: TraceEntry = Object.freeze({
  rule: "Agent declaration",
  kind: "declaration",
  matched: false,
  why: "Domain and intent type are declared by the agent",
});

/**
 * The agent's own state blocks the intent before any rule is weighed. The intention it matches is
 * still resolved, only to label the decision: every evaluation matches an active intention or falls
 * into the ambient cluster, and an intent that names and fits an intention is not ambient traffic
 * just because its agent may not send it.
 */
function precheckBlock(
  intent: EvaluationIntent,
  ctx: EvaluationContext,
  reason: string,
  trace: TraceEntry[],
  evaluatedAt: string,
): Decision {
  const intention =
    ctx.intentions === undefined ? "ambient" : applyIntention(ctx.intentions, intent, new Tally(), [], false);
  return {
    outcome: "block",
    reasons: [reason],
    riskLevel: intent.riskLevel,
    trustTier: ctx.agent.trustTier,
    matchedPolicies: [],
    shadow: [],
    intention,
    trace,
    evaluatedAt,
  };
}

/** Why the agent may not submit this intent, or null when it is declared for it. */
function declarationProblem(agent: EvaluationAgent, intent: EvaluationIntent): string | null {
  const { type, domain } = intent;
  if (!(type.length > domain.length && type.charCodeAt(domain.length) === 46 && type.startsWith(domain))) {
    return `Intent type ${type} does not belong to domain ${domain}`;
  }
  if (agent.domains.length === 0) return `Agent ${agent.id} declares no domains`;
  if (!anyGlob(agent.domains, domain)) return `Agent ${agent.id} is not declared for domain ${domain}`;
  // No declared intent types means every type of the declared domains.
  if (agent.intentTypes.length > 0 && !anyGlob(agent.intentTypes, type)) {
    return `Agent ${agent.id} is not declared for intent type ${type}`;
  }
  return null;
}

function anyGlob(patterns: readonly string[], value: string): boolean {
  for (const pattern of patterns) if (matchesGlob(pattern, value)) return true;
  return false;
}

function applyIntention(
  matcher: IntentionMatcher,
  intent: EvaluationIntent,
  t: Tally,
  trace: TraceEntry[],
  explain: boolean,
): string {
  const match = matcher.match(intent);
  if (explain && match.note !== undefined) {
    trace.push({ rule: `Intention ${intent.intention}`, kind: "intention", matched: false, why: match.note });
  }
  if (match.kind === "ambient") {
    if (explain) trace.push(AMBIENT_ENTRY);
    return "ambient";
  }
  const label = match.intention.label;
  const entries = intentionEntries(match.intention);
  if (match.disallowed.length > 0) {
    const names = match.disallowed.map((ref) => `${ref.dataSourceId}:${ref.path}`);
    for (const name of names) t.blockReasons.push(`Intention ${label} does not allow ${name}`);
    const entry: TraceEntry = {
      rule: entries.rule,
      kind: "intention",
      matched: true,
      effect: "block",
      why: `Requested data outside the intention's allowlist: ${names.join(", ")}`,
    };
    t.blockEntries.push(entry);
    if (explain) trace.push(entry);
  } else if (match.intention.approval_required) {
    const entry = match.named ? entries.namedApproval : entries.autoApproval;
    t.approvalReasons.push(entries.approvalReason);
    t.approvalEntries.push(entry);
    if (explain) trace.push(entry);
  } else if (explain) {
    trace.push(match.named ? entries.named : entries.auto);
  }
  return label;
}

const AMBIENT_ENTRY: TraceEntry = Object.freeze({
  rule: "Intentions",
  kind: "intention",
  matched: false,
  why: "No active intention covers this intent: ambient",
});

interface IntentionEntries {
  rule: string;
  approvalReason: string;
  named: TraceEntry;
  auto: TraceEntry;
  namedApproval: TraceEntry;
  autoApproval: TraceEntry;
}

/** Trace entries per intention object, built on first use; compiled intentions are reused across calls. */
const intentionEntryCache = new WeakMap<Intention, IntentionEntries>();

function intentionEntries(intention: Intention): IntentionEntries {
  const cached = intentionEntryCache.get(intention);
  if (cached !== undefined) return cached;
  const rule = `Intention ${intention.label}`;
  const named = "Named by the intent and covers its type";
  const auto = `Narrowest active intention covering the type and the requested data (${intention.data_elements.length} ${intention.data_elements.length === 1 ? "element" : "elements"})`;
  const approval = (why: string): TraceEntry =>
    Object.freeze({
      rule,
      kind: "intention",
      matched: true,
      effect: "require_approval",
      why: `${why}; approval required`,
    });
  const entries: IntentionEntries = {
    rule,
    approvalReason: `Intention ${intention.label} requires approval`,
    named: Object.freeze({ rule, kind: "intention", matched: true, why: named }),
    auto: Object.freeze({ rule, kind: "intention", matched: true, why: auto }),
    namedApproval: approval(named),
    autoApproval: approval(auto),
  };
  intentionEntryCache.set(intention, entries);
  return entries;
}

type MatrixTable = Record<
  TrustTier,
  Record<RiskLevel, Record<MatrixVerdict, { reason: string; entry: TraceEntry }>>
>;

/** Reasons and trace entries for every tier × risk × verdict, built once. */
const MATRIX_TEXT: MatrixTable = buildMatrixText();

function buildMatrixText(): MatrixTable {
  const table = {} as MatrixTable;
  for (const tier of TRUST_TIERS) {
    table[tier] = {} as MatrixTable[TrustTier];
    for (const risk of RISK_LEVELS) {
      const rule = `Tier matrix ${tier} × ${risk}`;
      const allow = `Trust tier ${tier} allows ${risk} risk`;
      const approve = `Trust tier ${tier} requires approval for ${risk} risk`;
      table[tier][risk] = {
        allow: {
          reason: allow,
          entry: Object.freeze({ rule, kind: "matrix", matched: true, effect: "allow", why: allow }),
        },
        require_approval: {
          reason: approve,
          entry: Object.freeze({
            rule,
            kind: "matrix",
            matched: true,
            effect: "require_approval",
            why: approve,
          }),
        },
      };
    }
  }
  return table;
}

function applyMatrix(
  intent: EvaluationIntent,
  tier: TrustTier,
  matrix: TierMatrix,
  rule: ReadOnlyClassRule | undefined,
  t: Tally,
  trace: TraceEntry[],
  explain: boolean,
): void {
  const verdict = matrix[tier][intent.riskLevel];
  if (
    verdict === "allow" &&
    readOnlyRuleRequiresApproval(rule ?? DEFAULT_READ_ONLY_CLASS_RULE, tier, intent.intentClass)
  ) {
    const classes = (rule ?? DEFAULT_READ_ONLY_CLASS_RULE).readOnlyClasses.join(", ");
    const why = `Trust tier ${tier} requires approval for ${intent.intentClass ?? "unclassified"} intents (acts alone only on ${classes})`;
    const entry: TraceEntry = {
      rule: `Tier matrix ${tier} × ${intent.riskLevel}`,
      kind: "matrix",
      matched: true,
      effect: "require_approval",
      why,
    };
    t.approvalReasons.push(why);
    t.approvalEntries.push(entry);
    if (explain) trace.push(entry);
    return;
  }
  const text = MATRIX_TEXT[tier][intent.riskLevel][verdict];
  if (verdict === "allow") {
    t.allowReasons.push(text.reason);
    t.allowEntries.push(text.entry);
  } else {
    t.approvalReasons.push(text.reason);
    t.approvalEntries.push(text.entry);
  }
  if (explain) trace.push(text.entry);
}

const CRITICAL_RULE = "Critical risk guard";
const CRITICAL_FORCED: TraceEntry = Object.freeze({
  rule: CRITICAL_RULE,
  kind: "critical_guard",
  matched: true,
  effect: "require_approval",
  why: "Critical risk needs a human unless an enforced allow policy lists critical in its risk levels",
});
const CRITICAL_ALREADY: TraceEntry = Object.freeze({
  rule: CRITICAL_RULE,
  kind: "critical_guard",
  matched: false,
  why: "A human is already required",
});
const CRITICAL_REASON = "Critical-risk intents always require human approval";

function applyCriticalGuard(t: Tally, trace: TraceEntry[], explain: boolean): void {
  if (t.approvalReasons.length > 0) {
    if (explain) trace.push(CRITICAL_ALREADY);
    return;
  }
  const explicit = t.allowPolicies.find((p) => p.allowsCritical);
  if (explicit !== undefined) {
    if (explain) {
      trace.push({
        rule: CRITICAL_RULE,
        kind: "critical_guard",
        matched: false,
        why: `Explicitly allowed by policy '${explicit.name}'`,
      });
    }
    return;
  }
  t.approvalReasons.push(CRITICAL_REASON);
  t.approvalEntries.push(CRITICAL_FORCED);
  if (explain) trace.push(CRITICAL_FORCED);
  // The allow policies no longer decide the outcome.
  t.allowPolicies = [];
}
