import fc from "fast-check";
import type { RiskLevel, TrustTier } from "../model/enums";
import type { EvaluationAgent, EvaluationIntent } from "./evaluation-types";
import { type Condition, type Policy, type PolicyInput, PolicySchema } from "./policy-schema";

/** Fixed clock for decisions: 2026-01-15T10:30:00.000Z. */
export const NOW = Date.UTC(2026, 0, 15, 10, 30);

let seq = 0;

/** A stored policy from an input (validated through PolicySchema, so defaults apply). */
export function makePolicy(input: PolicyInput & { id?: string }): Policy {
  seq += 1;
  return PolicySchema.parse({
    id: input.id ?? `pol_${String(seq).padStart(4, "0")}`,
    tenantId: "tenant_test",
    version: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...input,
  });
}

/** An active billing agent at the given tier, declared for all billing types. */
export function makeAgent(overrides: Partial<EvaluationAgent> = {}): EvaluationAgent {
  return {
    id: "billing-agent",
    trustTier: "T2",
    status: "active",
    domains: ["billing"],
    intentTypes: [],
    ...overrides,
  };
}

/** A billing refund intent of the given risk and params. */
export function makeIntent(overrides: Partial<EvaluationIntent> = {}): EvaluationIntent {
  return {
    type: "billing.process_refund",
    domain: "billing",
    agentId: "billing-agent",
    params: { amount: 120, currency: "USD" },
    riskLevel: "medium" satisfies RiskLevel,
    intentClass: "write",
    ...overrides,
  };
}

export const TIERS: readonly TrustTier[] = ["T0", "T1", "T2", "T3", "T4"];

/** Condition trees (`all`, `any`, `not`, a few levels deep) over the given comparisons, for property tests. */
export function conditionTree(comparison: fc.Arbitrary<Condition>): fc.Arbitrary<Condition> {
  return fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      comparison,
      fc.record({ all: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }),
      fc.record({ any: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie("c") }),
    ),
  })).c;
}
