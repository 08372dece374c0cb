import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type IntentClass,
  RISK_LEVELS,
  type RiskLevel,
  TRUST_TIERS,
  type TrustTier,
  tierRank,
} from "../model/enums";
import { DEFAULT_TIER_MATRIX } from "../trust/tier-matrix";
import { compileCondition } from "./condition-compiler";
import type { EvaluationAgent, EvaluationIntent } from "./evaluation-types";
import { matchesGlob } from "./glob";
import { compilePolicies } from "./policy-compiler";
import { evaluate } from "./policy-evaluator";
import type { Condition, Policy } from "./policy-schema";
import { conditionTree, makePolicy, NOW } from "./test-fixtures";

const FIELDS = ["amount", "currency", "region", "flag", "customer.tier", "missing"];
const scalar = fc.oneof(
  fc.integer({ min: -10, max: 2_000 }),
  fc.constantFrom("USD", "EUR", "eu", "us", "gold", "2026-03-31"),
  fc.boolean(),
  fc.constant(null),
);

const comparison: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ field: fc.constantFrom(...FIELDS), op: fc.constantFrom("eq", "neq" as const), value: scalar }),
  fc.record({
    field: fc.constantFrom(...FIELDS),
    op: fc.constantFrom("gt", "gte", "lt", "lte" as const),
    value: fc.oneof(fc.integer({ min: -10, max: 2_000 }), fc.constantFrom("EUR", "m", "2026-01-01")),
  }),
  fc.record({
    field: fc.constantFrom(...FIELDS),
    op: fc.constantFrom("in", "not_in" as const),
    value: fc.array(scalar, { maxLength: 4 }),
  }),
  fc.record({ field: fc.constantFrom(...FIELDS), op: fc.constant("exists" as const), value: fc.boolean() }),
  fc.record({
    field: fc.constantFrom(...FIELDS),
    op: fc.constant("matches" as const),
    value: fc.constantFrom("^e", "U", "[0-9]+"),
  }),
);

const condition = conditionTree(comparison);

const params = fc.record(
  {
    amount: fc.oneof(fc.integer({ min: -10, max: 2_000 }), fc.constant("100")),
    currency: fc.constantFrom("USD", "EUR", 5),
    region: fc.constantFrom("eu", "us"),
    flag: fc.boolean(),
    customer: fc.record({ tier: fc.constantFrom("gold", "silver") }),
  },
  { requiredKeys: [] },
);

const TYPES = [
  "billing.process_refund",
  "billing.send_invoice",
  "support.create_ticket",
  "support.delete_ticket",
];

const intentArb: fc.Arbitrary<EvaluationIntent> = fc
  .record({
    type: fc.constantFrom(...TYPES),
    riskLevel: fc.constantFrom(...RISK_LEVELS),
    intentClass: fc.constantFrom<IntentClass>("lookup", "write", "admin", "reporting"),
    params,
  })
  .map((i) => ({ ...i, domain: i.type.slice(0, i.type.indexOf(".")), agentId: "agent-1" }));

const agentArb: fc.Arbitrary<EvaluationAgent> = fc.constantFrom(...TRUST_TIERS).map((trustTier) => ({
  id: "agent-1",
  trustTier,
  status: "active",
  domains: ["billing", "support"],
  intentTypes: [],
}));

const tierArb = fc.option(fc.constantFrom(...TRUST_TIERS), { nil: undefined });
const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    effect: fc.constantFrom("allow", "require_approval", "block" as const),
    mode: fc.constantFrom("enforce", "enforce", "shadow" as const),
    enabled: fc.constantFrom(true, true, true, false),
    types: fc.option(
      fc.subarray(["billing.*", "*.delete_*", "support.*", "billing.process_refund", "*"], { minLength: 1 }),
    ),
    domains: fc.option(fc.subarray(["billing", "support", "bill*"], { minLength: 1 })),
    agentIds: fc.option(fc.constantFrom<string[]>(["agent-1"], ["agent-2"])),
    tiers: fc.option(fc.tuple(tierArb, tierArb)),
    riskLevels: fc.option(fc.subarray([...RISK_LEVELS], { minLength: 1 })),
    params: fc.option(condition),
  })
  .map((r) => {
    const tiers = r.tiers && sortedTiers(r.tiers[0], r.tiers[1]);
    return makePolicy({
      name: "random",
      effect: r.effect,
      mode: r.mode,
      enabled: r.enabled,
      match: {
        ...(r.types && { types: r.types }),
        ...(r.domains && { domains: r.domains }),
        ...(r.agentIds && { agentIds: r.agentIds }),
        ...(tiers && { tiers }),
        ...(r.riskLevels && { riskLevels: r.riskLevels }),
        ...(r.params && { params: r.params }),
      },
    });
  });

function sortedTiers(
  a: TrustTier | undefined,
  b: TrustTier | undefined,
): { min?: TrustTier; max?: TrustTier } {
  if (a !== undefined && b !== undefined && tierRank(a) > tierRank(b)) return { min: b, max: a };
  return { ...(a && { min: a }), ...(b && { max: b }) };
}

/** A deliberately naive model of the documented rules, without compilation or indexing. */
function referenceOutcome(policies: Policy[], intent: EvaluationIntent, agent: EvaluationAgent): string {
  const matches = (p: Policy) => {
    const m = p.match;
    if (m.types && !m.types.some((g) => matchesGlob(g, intent.type))) return false;
    if (m.domains && !m.domains.some((g) => matchesGlob(g, intent.domain))) return false;
    if (m.agentIds && !m.agentIds.includes(agent.id)) return false;
    const rank = tierRank(agent.trustTier);
    if (m.tiers?.min && rank < tierRank(m.tiers.min)) return false;
    if (m.tiers?.max && rank > tierRank(m.tiers.max)) return false;
    if (m.riskLevels && !m.riskLevels.includes(intent.riskLevel)) return false;
    if (m.params && !compileCondition(m.params).test(intent.params)) return false;
    return true;
  };
  const enforced = policies.filter((p) => p.enabled && p.mode === "enforce" && matches(p));
  if (enforced.some((p) => p.effect === "block")) return "block";
  if (enforced.some((p) => p.effect === "require_approval")) return "require_approval";
  let outcome: string;
  if (enforced.length > 0) outcome = "allow";
  else {
    outcome = DEFAULT_TIER_MATRIX[agent.trustTier][intent.riskLevel as RiskLevel];
    const readOnly = ["lookup", "reporting", "analysis"].includes(intent.intentClass ?? "");
    if (agent.trustTier === "T0" && !readOnly) outcome = "require_approval";
  }
  const explicitCritical = enforced.some(
    (p) => p.effect === "allow" && p.match.riskLevels?.includes("critical"),
  );
  if (intent.riskLevel === "critical" && !explicitCritical) return "require_approval";
  return outcome;
}

const run = (policies: Policy[], intent: EvaluationIntent, agent: EvaluationAgent, explain = true) =>
  evaluate(intent, { agent, policies: compilePolicies(policies), now: NOW, explain });

describe("policy evaluation properties", () => {
  it("not(c) always negates c", () => {
    fc.assert(
      fc.property(condition, params, (c, p) => {
        expect(compileCondition({ not: c }).test(p)).toBe(!compileCondition(c).test(p));
      }),
      { numRuns: 500 },
    );
  });

  it("agrees with the naive reference model for random policy sets", () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 8 }), intentArb, agentArb, (policies, intent, agent) => {
        expect(run(policies, intent, agent).outcome).toBe(referenceOutcome(policies, intent, agent));
      }),
      { numRuns: 1_000 },
    );
  });

  it("is deterministic and independent of explain for the outcome, reasons and approval", () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 8 }), intentArb, agentArb, (policies, intent, agent) => {
        const a = run(policies, intent, agent);
        expect(run(policies, intent, agent)).toEqual(a);
        expect({ ...run(policies, intent, agent, false), trace: [] }).toEqual({ ...a, trace: [] });
      }),
      { numRuns: 300 },
    );
  });

  it("blocks whenever a matching enforced block is added, and never loosens when shadow copies are added", () => {
    const catchAllBlock = makePolicy({ name: "catch-all", effect: "block" });
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 8 }), intentArb, agentArb, (policies, intent, agent) => {
        expect(run([...policies, catchAllBlock], intent, agent).outcome).toBe("block");
        const shadows = policies.map((p) => ({ ...p, mode: "shadow" as const }));
        expect(run([...policies, ...shadows], intent, agent).outcome).toBe(
          run(policies, intent, agent).outcome,
        );
      }),
      { numRuns: 300 },
    );
  });
});
