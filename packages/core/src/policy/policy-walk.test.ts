import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RISK_LEVELS, TRUST_TIERS, type TrustTier, tierRank } from "../model/enums";
import type { EvaluationAgent, EvaluationIntent } from "./evaluation-types";
import { type CompiledPolicies, compilePolicies, recompilePolicies } from "./policy-compiler";
import { type EvaluationContext, evaluate } from "./policy-evaluator";
import type { Condition, Policy } from "./policy-schema";
import { conditionTree, makePolicy, NOW } from "./test-fixtures";

/**
 * Differential tests for the two shortcuts a tenant at 1,000 policies relies on: `evaluate` skips,
 * past the listed trace entries, the candidates the intent's domain and type rule out
 * (`openCandidates`), and the rules cache recompiles only changed policies (`recompilePolicies`).
 * Each is compared with the plain path it replaces on generated policies and intents.
 */

const TYPES = [
  "billing.process_refund",
  "billing.send_invoice",
  "billing.delete_card",
  "support.create_ticket",
  "support.delete_ticket",
  "sales.export_report",
  "sales.update_deal",
];
const TYPE_GLOBS = ["billing.*", "support.*", "*.delete_*", "*_report", "sales.up*", "bill*.send_*", "*"];
const AGENTS = ["agent-1", "agent-2", "agent-3"];

const scalar = fc.oneof(
  fc.integer({ min: -10, max: 2_000 }),
  fc.constantFrom("USD", "EUR", "gold"),
  fc.boolean(),
  fc.constant(null),
);
const comparison: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    field: fc.constantFrom("amount", "currency", "missing"),
    op: fc.constantFrom("eq", "neq" as const),
    value: scalar,
  }),
  fc.record({
    field: fc.constantFrom("amount", "currency"),
    op: fc.constantFrom("gt", "gte", "lt", "lte" as const),
    value: fc.oneof(fc.integer({ min: -10, max: 2_000 }), fc.constantFrom("EUR", "m")),
  }),
  fc.record({
    field: fc.constantFrom("amount", "currency", "customer.tier"),
    op: fc.constantFrom("in", "not_in" as const),
    value: fc.array(scalar, { maxLength: 3 }),
  }),
  fc.record({
    field: fc.constantFrom("customer.tier", "missing"),
    op: fc.constant("exists" as const),
    value: fc.boolean(),
  }),
  fc.record({
    field: fc.constantFrom("currency"),
    op: fc.constant("matches" as const),
    value: fc.constantFrom("^E", "U"),
  }),
);
const condition = conditionTree(comparison);

const tierArb = fc.option(fc.constantFrom(...TRUST_TIERS), { nil: undefined });

/** `arb` in `weight` cases out of `of`, else null. */
const sometimes = <T>(weight: number, of: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: of - weight }, { arbitrary: arb, weight });

function sortedTiers(
  a: TrustTier | undefined,
  b: TrustTier | undefined,
): { min?: TrustTier; max?: TrustTier } {
  if (a !== undefined && b !== undefined && tierRank(a) > tierRank(b)) return { min: b, max: a };
  return { ...(a && { min: a }), ...(b && { max: b }) };
}

/** A policy of the mix a large tenant holds: mostly exact types, some globs, domains, agents, tiers, risk, params. */
const policyBody = fc.record({
  effect: fc.constantFrom("allow", "require_approval", "block" as const),
  mode: fc.constantFrom("enforce", "enforce", "enforce", "shadow" as const),
  enabled: fc.constantFrom(true, true, true, true, false),
  // Types on five policies of six (mostly exact, some globs); each other field on one in three.
  types: sometimes(
    5,
    6,
    fc.oneof(
      { arbitrary: fc.subarray(TYPES, { minLength: 1, maxLength: 3 }), weight: 3 },
      { arbitrary: fc.subarray(TYPE_GLOBS, { minLength: 1, maxLength: 2 }), weight: 1 },
    ),
  ),
  domains: sometimes(1, 3, fc.subarray(["billing", "support", "sales", "s*"], { minLength: 1 })),
  agentIds: sometimes(1, 3, fc.subarray(AGENTS, { minLength: 1 })),
  tiers: sometimes(1, 3, fc.tuple(tierArb, tierArb)),
  riskLevels: sometimes(1, 3, fc.subarray([...RISK_LEVELS], { minLength: 1 })),
  params: sometimes(1, 2, condition),
  approvers: fc.integer({ min: 1, max: 4 }),
  expires: fc.option(fc.integer({ min: 60, max: 86_400 })),
});
type PolicyBody = typeof policyBody extends fc.Arbitrary<infer T> ? T : never;

function toPolicy(r: PolicyBody, id?: string, version = 1): Policy {
  const tiers = r.tiers && sortedTiers(r.tiers[0], r.tiers[1]);
  return makePolicy({
    ...(id !== undefined && { id }),
    version,
    name: `random ${r.effect}`,
    effect: r.effect,
    mode: r.mode,
    enabled: r.enabled,
    ...(r.effect === "require_approval" && {
      approval: { approvers: r.approvers, ...(r.expires !== null && { expiresInSeconds: r.expires }) },
    }),
    match: {
      ...(r.types && { types: r.types }),
      ...(r.domains && { domains: r.domains }),
      ...(r.agentIds && { agentIds: r.agentIds }),
      ...(tiers && { tiers }),
      ...(r.riskLevels && { riskLevels: r.riskLevels }),
      ...(r.params && { params: r.params }),
    },
  } as Parameters<typeof makePolicy>[0]);
}

const policyArb = policyBody.map((r) => toPolicy(r));

const intentArb: fc.Arbitrary<EvaluationIntent> = fc
  .record({
    type: fc.constantFrom(...TYPES),
    // Now and then a domain the type does not belong to (blocked before any policy).
    domainOverride: sometimes(1, 8, fc.constantFrom("billing", "support", "sales")),
    riskLevel: fc.constantFrom(...RISK_LEVELS),
    agentId: fc.constantFrom(...AGENTS),
    params: fc.record(
      {
        amount: fc.integer({ min: -10, max: 2_000 }),
        currency: fc.constantFrom("USD", "EUR"),
        customer: fc.record({ tier: fc.constantFrom("gold", "silver") }),
      },
      { requiredKeys: [] },
    ),
  })
  .map(({ domainOverride, ...i }) => ({
    ...i,
    domain: domainOverride ?? i.type.slice(0, i.type.indexOf(".")),
    intentClass: "write" as const,
  }));

const agentFor = (intent: EvaluationIntent, tier: TrustTier): EvaluationAgent => ({
  id: intent.agentId,
  trustTier: tier,
  status: "active",
  domains: ["billing", "support", "sales"],
  intentTypes: [],
});

/** The same compiled set without its plans: `evaluate` then walks every candidate, as before plans. */
const plainWalk = (compiled: CompiledPolicies): CompiledPolicies => ({
  size: compiled.size,
  policies: compiled.policies,
  candidates: (domain, type) => compiled.candidates(domain, type),
});

const optionsArb = fc.record({
  explain: fc.boolean(),
  unmatchedPolicyEntries: fc.constantFrom(undefined, 0, 1, 3, 20),
});

function decide(
  intent: EvaluationIntent,
  tier: TrustTier,
  policies: CompiledPolicies,
  options: Partial<EvaluationContext>,
) {
  const { unmatchedPolicyEntries, ...rest } = options;
  return evaluate(intent, {
    agent: agentFor(intent, tier),
    policies,
    now: NOW,
    ...rest,
    ...(unmatchedPolicyEntries !== undefined && { unmatchedPolicyEntries }),
  });
}

describe("evaluate past the listed trace entries (open-candidate plans)", () => {
  it("decides exactly as the plain candidate walk: outcome, reasons, ids, approval, shadow and trace", () => {
    fc.assert(
      fc.property(
        fc.array(policyArb, { maxLength: 120 }),
        // Several intents per compiled set, so plans are built and then reused.
        fc.array(fc.tuple(intentArb, fc.constantFrom(...TRUST_TIERS), optionsArb), {
          minLength: 1,
          maxLength: 8,
        }),
        (policies, cases) => {
          const compiled = compilePolicies(policies);
          const plain = plainWalk(compiled);
          for (const [intent, tier, options] of cases) {
            expect(decide(intent, tier, compiled, options)).toEqual(decide(intent, tier, plain, options));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("decides exactly as the plain walk for a tenant at 1,000 policies, with the stored trace's bound of 20", () => {
    const policies = fc.sample(policyArb, { numRuns: 1_000, seed: 1000 });
    const intents = fc.sample(fc.tuple(intentArb, fc.constantFrom(...TRUST_TIERS)), {
      numRuns: 500,
      seed: 7,
    });
    const compiled = compilePolicies(policies);
    const plain = plainWalk(compiled);
    let truncated = 0;
    for (const [intent, tier] of intents) {
      for (const options of [{ unmatchedPolicyEntries: 20 }, {}, { explain: false }]) {
        const decision = decide(intent, tier, compiled, options);
        expect(decision).toEqual(decide(intent, tier, plain, options));
        if (decision.trace.some((e) => / more polic(y|ies)$/.test(e.rule))) truncated += 1;
      }
    }
    // The bound was reached, so the skipping path ran.
    expect(truncated).toBeGreaterThan(400);
  });
});

/** Random edits to a stored policy list: updates (version + 1), same-version rewrites, deletions, insertions, moves. */
const editsArb = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant("update" as const), at: fc.nat(), body: policyBody }),
    fc.record({ kind: fc.constant("rewrite" as const), at: fc.nat(), body: policyBody }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), body: policyBody }),
    fc.record({ kind: fc.constant("move" as const), at: fc.nat(), to: fc.nat() }),
  ),
  { maxLength: 6 },
);

type EditList = typeof editsArb extends fc.Arbitrary<infer T> ? T : never;

let nextId = 0;
function applyEdits(list: Policy[], edits: EditList): Policy[] {
  // Fresh objects, as a store's list returns.
  const out = list.map((p) => structuredClone(p));
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % out.length;
    if (edit.kind === "insert") out.splice(at, 0, toPolicy(edit.body, `pol_new_${nextId++}`));
    else if (out.length === 0) continue;
    else if (edit.kind === "delete") out.splice(at, 1);
    else if (edit.kind === "move") out.splice(edit.to % out.length, 0, ...out.splice(at, 1));
    else {
      const old = out[at]!;
      // A "rewrite" keeps id and version: only the content says it changed.
      out[at] = toPolicy(edit.body, old.id, edit.kind === "update" ? old.version + 1 : old.version);
    }
  }
  return out;
}

describe("recompilePolicies (the rules cache after a policy change)", () => {
  it("decides exactly as compiling the new list from scratch, after any edits", () => {
    fc.assert(
      fc.property(
        fc.array(policyBody, { maxLength: 60 }),
        editsArb,
        editsArb,
        fc.array(fc.tuple(intentArb, fc.constantFrom(...TRUST_TIERS)), { minLength: 1, maxLength: 6 }),
        (bodies, edits, moreEdits, cases) => {
          const first = bodies.map((b) => toPolicy(b, `pol_old_${nextId++}`));
          const second = applyEdits(first, edits);
          const third = applyEdits(second, moreEdits);
          let cached = recompilePolicies(first.map((p) => structuredClone(p)));
          for (const list of [second, third]) {
            cached = recompilePolicies(list, cached);
            const fresh = compilePolicies(list.map((p) => structuredClone(p)));
            expect(cached.policies.map((p) => [p.id, p.order, p.version])).toEqual(
              fresh.policies.map((p) => [p.id, p.order, p.version]),
            );
            for (const [intent, tier] of cases) {
              expect(decide(intent, tier, cached, {})).toEqual(decide(intent, tier, fresh, {}));
              expect(decide(intent, tier, cached, { unmatchedPolicyEntries: 3 })).toEqual(
                decide(intent, tier, fresh, { unmatchedPolicyEntries: 3 }),
              );
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reuses the compiled form of unchanged policies and recompiles one whose content changed under the same version", () => {
    const a = makePolicy({ id: "pol_a", name: "a", effect: "allow", match: { types: ["billing.*"] } });
    const b = makePolicy({
      id: "pol_b",
      name: "b",
      effect: "block",
      match: { params: { field: "currency", op: "matches", value: "^E" } },
    });
    const first = recompilePolicies([a, b]);
    const rewritten = {
      ...structuredClone(b),
      match: { params: { field: "currency", op: "matches" as const, value: "^U" } },
    };
    const second = recompilePolicies([structuredClone(a), rewritten], first);
    expect(second.policies[0]).toBe(first.policies[0]);
    expect(second.policies[1]).not.toBe(first.policies[1]);
    const intent: EvaluationIntent = {
      type: "billing.send_invoice",
      domain: "billing",
      agentId: "agent-1",
      params: { currency: "USD" },
      riskLevel: "low",
    };
    expect(decide(intent, "T2", first, {}).outcome).toBe("allow");
    expect(decide(intent, "T2", second, {}).outcome).toBe("block");
    // A moved policy keeps its compiled tests and takes its new position.
    const third = recompilePolicies([structuredClone(rewritten), structuredClone(a)], second);
    expect(third.policies.map((p) => [p.id, p.order])).toEqual([
      ["pol_b", 0],
      ["pol_a", 1],
    ]);
    expect(third.policies[1]!.typeTest).toBe(first.policies[0]!.typeTest);
  });
});
