import type { Outcome } from "../src/model/enums";
import { RISK_LEVELS, TRUST_TIERS } from "../src/model/enums";
import type { EvaluationAgent, EvaluationIntent } from "../src/policy/evaluation-types";
import type { Condition, Policy } from "../src/policy/policy-schema";
import type { ReadOnlyClassRule, TierMatrix } from "../src/trust/tier-matrix";

/**
 * Translate our policy set, tier matrix and declaration/status checks into an equivalent Cedar
 * policy set, so Cedar answers the same three-way question from one authorization call:
 * `permit` = allow policies and allowing matrix cells; `forbid` = block and require_approval
 * policies (told apart by id afterwards); Cedar's deny with a blocking forbid = block, any other
 * deny = require_approval. Shadow and disabled policies never change outcomes, so they are left out.
 */
export interface CedarTranslation {
  policies: Record<string, string>;
  /** Ids of forbids that mean "block" (the rest of the forbids mean "require approval"). */
  blockingIds: Set<string>;
}

const RISK = Object.fromEntries(RISK_LEVELS.map((r, i) => [r, i])) as Record<string, number>;
const TIER = Object.fromEntries(TRUST_TIERS.map((t, i) => [t, i])) as Record<string, number>;

export function translatePolicies(
  policies: readonly Policy[],
  matrix: TierMatrix,
  rule: ReadOnlyClassRule,
): CedarTranslation {
  const out: Record<string, string> = {
    status: "forbid (principal, action, resource) unless { principal.active };",
    declaration:
      "forbid (principal, action, resource) unless { principal.domains.contains(context.domain) };",
  };
  const blockingIds = new Set(["status", "declaration"]);
  for (const policy of policies) {
    if (!policy.enabled || policy.mode === "shadow") continue;
    const conditions = matchConditions(policy);
    const explicitCritical = policy.match.riskLevels?.includes("critical") === true;
    // The critical guard: an allow only permits critical intents when it names critical explicitly.
    if (policy.effect === "allow" && !explicitCritical) conditions.push(`context.risk != ${RISK.critical}`);
    const head = policy.effect === "allow" ? "permit" : "forbid";
    out[policy.id] = `${head} (principal, action, resource) when { ${conditions.join(" && ") || "true"} };`;
    if (policy.effect === "block") blockingIds.add(policy.id);
  }
  for (const tier of TRUST_TIERS) {
    for (const risk of RISK_LEVELS) {
      if (matrix[tier][risk] !== "allow" || risk === "critical") continue;
      const parts = [`context.tier == ${TIER[tier]}`, `context.risk == ${RISK[risk]}`];
      if (rule.tiers.includes(tier))
        parts.push(`${JSON.stringify(rule.readOnlyClasses)}.contains(context.intentClass)`);
      out[`matrix_${tier}_${risk}`] = `permit (principal, action, resource) when { ${parts.join(" && ")} };`;
    }
  }
  return { policies: out, blockingIds };
}

function matchConditions(policy: Policy): string[] {
  const m = policy.match;
  const parts: string[] = [];
  if (m.types) parts.push(anyOf(m.types.map((g) => globExpr("context.type", g))));
  if (m.domains) parts.push(anyOf(m.domains.map((g) => globExpr("context.domain", g))));
  if (m.agentIds) parts.push(anyOf(m.agentIds.map((id) => `principal == Agent::${JSON.stringify(id)}`)));
  if (m.tiers?.min) parts.push(`context.tier >= ${TIER[m.tiers.min]}`);
  if (m.tiers?.max) parts.push(`context.tier <= ${TIER[m.tiers.max]}`);
  if (m.riskLevels) parts.push(`${JSON.stringify(m.riskLevels.map((r) => RISK[r]))}.contains(context.risk)`);
  if (m.params) parts.push(conditionExpr(m.params));
  return parts;
}

const anyOf = (parts: string[]) => (parts.length === 1 ? parts[0]! : `(${parts.join(" || ")})`);

function globExpr(target: string, glob: string): string {
  return glob.includes("*")
    ? `${target} like ${JSON.stringify(glob)}`
    : `${target} == ${JSON.stringify(glob)}`;
}

function conditionExpr(c: Condition): string {
  if ("all" in c) return `(${c.all.map(conditionExpr).join(" && ")})`;
  if ("any" in c) return `(${c.any.map(conditionExpr).join(" || ")})`;
  if ("not" in c) return `!(${conditionExpr(c.not)})`;
  const segments = c.field.split(".");
  let path = "context.params";
  const guards: string[] = [];
  for (const s of segments) {
    guards.push(`${path} has ${s}`);
    path = `${path}.${s}`;
  }
  const guard = guards.join(" && ");
  const v = literal(c.value);
  switch (c.op) {
    case "eq":
      return `(${guard} && ${path} == ${v})`;
    case "neq":
      return `!(${guard} && ${path} == ${v})`;
    case "gt":
      return `(${guard} && ${path} > ${v})`;
    case "gte":
      return `(${guard} && ${path} >= ${v})`;
    case "lt":
      return `(${guard} && ${path} < ${v})`;
    case "lte":
      return `(${guard} && ${path} <= ${v})`;
    case "in":
      return `(${guard} && ${v}.contains(${path}))`;
    case "not_in":
      return `!(${guard} && ${v}.contains(${path}))`;
    case "exists":
      return c.value === false ? `!(${guard})` : `(${guard})`;
    case "matches":
      return `(${guard} && ${path} like ${JSON.stringify(regexToLike(String(c.value)))})`;
  }
}

function literal(value: unknown): string {
  if (typeof value === "number" && !Number.isInteger(value)) throw new Error(`Cedar longs only: ${value}`);
  return JSON.stringify(value);
}

/** The anchored-literal regexes the fixture uses, as Cedar `like` patterns. */
function regexToLike(re: string): string {
  const start = re.startsWith("^");
  const end = re.endsWith("$") && !re.endsWith("\\$");
  const body = re.slice(start ? 1 : 0, end ? -1 : undefined).replace(/\\\./g, ".");
  if (/[\\[\](){}*+?|^$]/.test(body)) throw new Error(`Pattern not translatable to Cedar like: ${re}`);
  return `${start ? "" : "*"}${body}${end ? "" : "*"}`;
}

/** Cedar request parts for one intent, built ahead of timing (as our intents are). */
export function cedarRequest(intent: EvaluationIntent, agent: EvaluationAgent) {
  return {
    principal: { type: "Agent", id: agent.id },
    action: { type: "Action", id: "submit" },
    resource: { type: "Intent", id: intent.type },
    context: {
      type: intent.type,
      domain: intent.domain,
      tier: TIER[agent.trustTier]!,
      risk: RISK[intent.riskLevel]!,
      intentClass: intent.intentClass ?? "other",
      params: intent.params as Record<string, never>,
    },
    entities: [
      {
        uid: { type: "Agent", id: agent.id },
        attrs: { active: agent.status === "active", domains: [...agent.domains] },
        parents: [],
      },
    ],
  };
}

/** Our three-way outcome from Cedar's decision and its determining policies. */
export function cedarOutcome(
  decision: "allow" | "deny",
  reasons: readonly string[],
  blocking: Set<string>,
): Outcome {
  if (decision === "allow") return "allow";
  for (const id of reasons) if (blocking.has(id)) return "block";
  return "require_approval";
}
