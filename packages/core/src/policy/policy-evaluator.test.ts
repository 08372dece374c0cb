import { describe, expect, it } from "vitest";
import { DecisionSchema } from "../model/decision";
import { RISK_LEVELS, type RiskLevel, type TrustTier } from "../model/enums";
import { DEFAULT_TIER_MATRIX, type TierMatrix } from "../trust/tier-matrix";
import type { EvaluationAgent, EvaluationIntent } from "./evaluation-types";
import { compilePolicies } from "./policy-compiler";
import { type EvaluationContext, evaluate } from "./policy-evaluator";
import type { Policy } from "./policy-schema";
import { makeAgent, makeIntent, makePolicy, NOW, TIERS } from "./test-fixtures";

function decide(
  policies: Policy[],
  intent: Partial<EvaluationIntent> = {},
  agent: Partial<EvaluationAgent> = {},
  extra: Partial<EvaluationContext> = {},
) {
  const decision = evaluate(makeIntent(intent), {
    agent: makeAgent(agent),
    policies: compilePolicies(policies),
    now: NOW,
    ...extra,
  });
  expect(DecisionSchema.safeParse(decision).success).toBe(true);
  return decision;
}

const blockAll = (name = "Block all") => makePolicy({ name, effect: "block" });
const approveAll = (name = "Approve all") => makePolicy({ name, effect: "require_approval" });
const allowAll = (name = "Allow all") => makePolicy({ name, effect: "allow" });

describe("evaluate", () => {
  describe("matching", () => {
    it("matches type globs when the type fits the pattern", () => {
      const refunds = makePolicy({
        name: "Billing writes",
        effect: "block",
        match: { types: ["billing.process_*"] },
      });
      const support = makePolicy({ name: "Support", effect: "block", match: { types: ["support.*"] } });
      expect(decide([refunds]).outcome).toBe("block");
      expect(decide([support]).outcome).toBe("allow");
    });

    it("matches cross-domain globs when the policy is not confined to a domain", () => {
      const anyRefund = makePolicy({
        name: "Any refund",
        effect: "block",
        match: { types: ["*.process_refund"] },
      });
      expect(decide([anyRefund]).outcome).toBe("block");
    });

    it("matches domains when the intent's domain is listed", () => {
      const billing = makePolicy({ name: "Billing", effect: "block", match: { domains: ["billing"] } });
      const sales = makePolicy({ name: "Sales", effect: "block", match: { domains: ["sales"] } });
      expect(decide([billing]).outcome).toBe("block");
      expect(decide([sales]).outcome).toBe("allow");
    });

    it("matches agent ids when the agent is listed", () => {
      const p = makePolicy({
        name: "Only one agent",
        effect: "block",
        match: { agentIds: ["billing-agent"] },
      });
      expect(decide([p]).outcome).toBe("block");
      expect(decide([p], {}, { id: "other-agent" }).outcome).toBe("allow");
    });

    it("matches tier ranges inclusively when the agent's tier is inside", () => {
      const p = makePolicy({
        name: "Mid tiers",
        effect: "block",
        match: { tiers: { min: "T1", max: "T3" } },
      });
      const outcomes = TIERS.map(
        (tier) => decide([p], { riskLevel: "low", intentClass: "lookup" }, { trustTier: tier }).outcome,
      );
      expect(outcomes).toEqual(["allow", "block", "block", "block", "allow"]);
    });

    it("matches open-ended tier ranges when only min or max is set", () => {
      const atLeastT3 = makePolicy({ name: "High tiers", effect: "block", match: { tiers: { min: "T3" } } });
      const atMostT1 = makePolicy({ name: "Low tiers", effect: "block", match: { tiers: { max: "T1" } } });
      expect(
        TIERS.map(
          (t) => decide([atLeastT3], { riskLevel: "low", intentClass: "lookup" }, { trustTier: t }).outcome,
        ),
      ).toEqual(["allow", "allow", "allow", "block", "block"]);
      expect(
        TIERS.map(
          (t) => decide([atMostT1], { riskLevel: "low", intentClass: "lookup" }, { trustTier: t }).outcome,
        ),
      ).toEqual(["block", "block", "allow", "allow", "allow"]);
    });

    it("matches risk levels when the intent's risk is listed", () => {
      const p = makePolicy({ name: "Risky", effect: "block", match: { riskLevels: ["high", "critical"] } });
      const outcomes = RISK_LEVELS.map((r) => decide([p], { riskLevel: r }, { trustTier: "T4" }).outcome);
      expect(outcomes).toEqual(["allow", "allow", "block", "block"]);
    });

    it("matches params conditions when the params satisfy them", () => {
      const p = makePolicy({
        name: "Large refunds",
        effect: "require_approval",
        match: { types: ["billing.process_refund"], params: { field: "amount", op: "gt", value: 500 } },
      });
      expect(decide([p], { params: { amount: 900 } }).outcome).toBe("require_approval");
      expect(decide([p], { params: { amount: 100 } }).outcome).toBe("allow");
      expect(decide([p], { params: {} }).outcome).toBe("allow");
    });

    it("requires every present match field when several are set", () => {
      const p = makePolicy({
        name: "Narrow",
        effect: "block",
        match: {
          types: ["billing.*"],
          riskLevels: ["medium"],
          tiers: { min: "T2" },
          agentIds: ["billing-agent"],
        },
      });
      expect(decide([p]).outcome).toBe("block");
      expect(decide([p], { riskLevel: "low" }).outcome).toBe("allow");
      expect(decide([p], {}, { trustTier: "T1", id: "billing-agent" }).outcome).not.toBe("block");
    });
  });

  describe("precedence", () => {
    it("blocks when block, require_approval and allow policies all match", () => {
      const d = decide([allowAll(), approveAll(), blockAll()]);
      expect(d.outcome).toBe("block");
      expect(d.reasons).toEqual(["Policy 'Block all' blocks this intent"]);
      expect(d.matchedPolicies).toHaveLength(1);
    });

    it("requires approval when require_approval and allow policies match", () => {
      const approve = approveAll();
      const d = decide([allowAll(), approve]);
      expect(d.outcome).toBe("require_approval");
      expect(d.matchedPolicies).toEqual([approve.id]);
    });

    it("allows when only an allow policy matches, even where the matrix would want a human", () => {
      const allow = allowAll();
      const d = decide([allow], { riskLevel: "high" }, { trustTier: "T0" });
      expect(d.outcome).toBe("allow");
      expect(d.matchedPolicies).toEqual([allow.id]);
      expect(d.reasons).toEqual(["Policy 'Allow all' allows this intent"]);
    });

    it("lists every matching policy of the winning effect in reasons and matchedPolicies", () => {
      const a = makePolicy({ name: "A", effect: "block", reason: "Refunds are frozen" });
      const b = makePolicy({ name: "B", effect: "block" });
      const d = decide([a, b]);
      expect(d.reasons).toEqual([
        "Policy 'A' blocks this intent: Refunds are frozen",
        "Policy 'B' blocks this intent",
      ]);
      expect(d.matchedPolicies).toEqual([a.id, b.id]);
    });
  });

  describe("shadow mode", () => {
    it("records a matching shadow policy without applying it", () => {
      const shadowBlock = makePolicy({ name: "Try block", effect: "block", mode: "shadow" });
      const d = decide([shadowBlock], { riskLevel: "low" });
      expect(d.outcome).toBe("allow");
      expect(d.shadow).toEqual([{ policyId: shadowBlock.id, effect: "block" }]);
      expect(d.matchedPolicies).toEqual([]);
      const entry = d.trace.find((e) => e.kind === "policy");
      expect(entry).toMatchObject({ matched: true, mode: "shadow", effect: "block" });
      expect(entry?.why).toContain("shadow mode");
    });

    it("does not record a shadow policy when it does not match", () => {
      const p = makePolicy({
        name: "Sales only",
        effect: "block",
        mode: "shadow",
        match: { types: ["sales.*"] },
      });
      expect(decide([p]).shadow).toEqual([]);
    });

    it("does not count a shadow allow as explicit permission when the risk is critical", () => {
      const p = makePolicy({
        name: "Shadow allow",
        effect: "allow",
        mode: "shadow",
        match: { riskLevels: ["critical"] },
      });
      expect(decide([p], { riskLevel: "critical" }, { trustTier: "T4" }).outcome).toBe("require_approval");
    });
  });

  describe("disabled policies", () => {
    it("skips a disabled policy and lists it as not matched: disabled", () => {
      const p = makePolicy({ name: "Off", effect: "block", enabled: false });
      const d = decide([p], { riskLevel: "low" });
      expect(d.outcome).toBe("allow");
      expect(d.trace.find((e) => e.kind === "policy")).toMatchObject({ matched: false, why: "Disabled" });
    });
  });

  describe("agent declaration and status", () => {
    it("blocks an intent outside the agent's declared domains", () => {
      const d = decide([allowAll()], { type: "support.create_ticket", domain: "support" });
      expect(d.outcome).toBe("block");
      expect(d.reasons).toEqual(["Agent billing-agent is not declared for domain support"]);
      expect(d.trace).toEqual([
        expect.objectContaining({ kind: "agent_status", matched: false }),
        expect.objectContaining({ kind: "declaration", matched: true, effect: "block" }),
      ]);
    });

    it("blocks an intent type the agent did not declare", () => {
      const d = decide([], { type: "billing.process_refund" }, { intentTypes: ["billing.send_invoice"] });
      expect(d.outcome).toBe("block");
      expect(d.reasons).toEqual([
        "Agent billing-agent is not declared for intent type billing.process_refund",
      ]);
    });

    it("accepts declared intent-type globs", () => {
      const d = decide([], { riskLevel: "low" }, { intentTypes: ["billing.process_*"] });
      expect(d.outcome).toBe("allow");
    });

    it("accepts every type of a declared domain when the agent declares no intent types", () => {
      expect(decide([], { riskLevel: "low" }, { intentTypes: [] }).outcome).toBe("allow");
    });

    it("blocks every intent when the agent declares no domains", () => {
      const d = decide([allowAll()], {}, { domains: [], intentTypes: [] });
      expect(d.outcome).toBe("block");
      expect(d.reasons).toEqual(["Agent billing-agent declares no domains"]);
    });

    it("blocks an intent whose type does not belong to its domain", () => {
      const d = decide(
        [],
        { type: "billing.process_refund", domain: "support" },
        { domains: ["billing", "support"] },
      );
      expect(d.outcome).toBe("block");
      expect(d.reasons[0]).toContain("does not belong to domain support");
    });

    it("blocks a suspended agent whatever the policies say", () => {
      const d = decide([allowAll()], { riskLevel: "low" }, { status: "suspended", trustTier: "T4" });
      expect(d.outcome).toBe("block");
      expect(d.reasons).toEqual(["Agent billing-agent is suspended"]);
      expect(d.trace[0]).toMatchObject({ kind: "agent_status", matched: true });
    });
  });

  describe("default tier matrix", () => {
    const expected: Record<TrustTier, Record<RiskLevel, string>> = {
      T0: {
        low: "allow",
        medium: "require_approval",
        high: "require_approval",
        critical: "require_approval",
      },
      T1: {
        low: "allow",
        medium: "require_approval",
        high: "require_approval",
        critical: "require_approval",
      },
      T2: { low: "allow", medium: "allow", high: "require_approval", critical: "require_approval" },
      T3: { low: "allow", medium: "allow", high: "allow", critical: "require_approval" },
      T4: { low: "allow", medium: "allow", high: "allow", critical: "require_approval" },
    };
    const cells = TIERS.flatMap((tier) =>
      RISK_LEVELS.map((risk) => [tier, risk, expected[tier][risk]] as const),
    );

    it.each(cells)(
      "decides %s × %s read-only intents as %s when no policy matches",
      (tier, risk, outcome) => {
        const d = decide([], { riskLevel: risk, intentClass: "lookup" }, { trustTier: tier });
        expect(d.outcome).toBe(outcome);
        expect(d.matchedPolicies).toEqual([]);
        expect(d.trace.some((e) => e.kind === "matrix")).toBe(true);
      },
    );

    it("gives the issue's reason sentence when the matrix wants a human", () => {
      const d = decide([], { type: "billing.send_invoice", riskLevel: "medium" }, { trustTier: "T0" });
      expect(d.outcome).toBe("require_approval");
      expect(d.reasons).toEqual(["Trust tier T0 requires approval for medium risk"]);
      expect(d.approval).toEqual({ approvers: 1 });
    });

    it("sends T0's low-risk writes to a human but lets T0 look things up alone", () => {
      expect(decide([], { riskLevel: "low", intentClass: "write" }, { trustTier: "T0" }).outcome).toBe(
        "require_approval",
      );
      expect(decide([], { riskLevel: "low", intentClass: "admin" }, { trustTier: "T0" }).outcome).toBe(
        "require_approval",
      );
      for (const cls of ["lookup", "reporting", "analysis"] as const) {
        expect(decide([], { riskLevel: "low", intentClass: cls }, { trustTier: "T0" }).outcome).toBe("allow");
      }
    });

    it("treats an unclassified low-risk intent at T0 as a write", () => {
      const d = decide([], { riskLevel: "low", intentClass: undefined }, { trustTier: "T0" });
      expect(d.outcome).toBe("require_approval");
      expect(d.reasons[0]).toContain("unclassified");
    });

    it("lets T1 act alone on low-risk writes, keeping T0 strictly below T1", () => {
      expect(decide([], { riskLevel: "low", intentClass: "write" }, { trustTier: "T1" }).outcome).toBe(
        "allow",
      );
    });

    it("uses a custom matrix when the context supplies one", () => {
      const strict: TierMatrix = {
        ...DEFAULT_TIER_MATRIX,
        T4: { ...DEFAULT_TIER_MATRIX.T4, high: "require_approval" },
      };
      expect(decide([], { riskLevel: "high" }, { trustTier: "T4" }, { matrix: strict }).outcome).toBe(
        "require_approval",
      );
    });
  });

  describe("critical risk", () => {
    const critical = { riskLevel: "critical" as const };

    it("needs a human at T4 when no policy allows critical explicitly", () => {
      const d = decide([], critical, { trustTier: "T4" });
      expect(d.outcome).toBe("require_approval");
    });

    it("needs a human when a matching allow policy does not list critical", () => {
      const d = decide([allowAll()], critical, { trustTier: "T4" });
      expect(d.outcome).toBe("require_approval");
      expect(d.reasons).toEqual(["Critical-risk intents always require human approval"]);
      expect(d.matchedPolicies).toEqual([]);
      expect(d.trace.at(-1)).toMatchObject({ kind: "critical_guard", matched: true });
    });

    it("allows when an enforced allow policy lists critical in its risk levels", () => {
      const p = makePolicy({ name: "Critical ok", effect: "allow", match: { riskLevels: ["critical"] } });
      const d = decide([p], critical, { trustTier: "T0" });
      expect(d.outcome).toBe("allow");
      expect(d.matchedPolicies).toEqual([p.id]);
      expect(d.trace.at(-1)).toMatchObject({ kind: "critical_guard", matched: false });
    });

    it("still needs a human when a require_approval policy matches besides the explicit allow", () => {
      const p = makePolicy({ name: "Critical ok", effect: "allow", match: { riskLevels: ["critical"] } });
      expect(decide([p, approveAll()], critical).outcome).toBe("require_approval");
    });

    it("ignores a disabled explicit allow", () => {
      const p = makePolicy({
        name: "Off",
        effect: "allow",
        enabled: false,
        match: { riskLevels: ["critical"] },
      });
      expect(decide([p], critical, { trustTier: "T4" }).outcome).toBe("require_approval");
    });

    it("needs a human even when a custom matrix would allow critical", () => {
      const lax: TierMatrix = {
        ...DEFAULT_TIER_MATRIX,
        T4: { ...DEFAULT_TIER_MATRIX.T4, critical: "allow" },
      };
      expect(decide([], critical, { trustTier: "T4" }, { matrix: lax }).outcome).toBe("require_approval");
    });

    it("still blocks when a block policy matches a critical intent", () => {
      const p = makePolicy({ name: "Critical ok", effect: "allow", match: { riskLevels: ["critical"] } });
      expect(decide([p, blockAll()], critical).outcome).toBe("block");
    });
  });

  describe("approval settings", () => {
    it("merges the largest approver count and the shortest expiry of matching require_approval policies", () => {
      const a = makePolicy({
        name: "A",
        effect: "require_approval",
        approval: { approvers: 2, expiresInSeconds: 3600 },
      });
      const b = makePolicy({ name: "B", effect: "require_approval", approval: { approvers: 3 } });
      const c = makePolicy({
        name: "C",
        effect: "require_approval",
        approval: { approvers: 1, expiresInSeconds: 600 },
      });
      expect(decide([a, b, c]).approval).toEqual({ approvers: 3, expiresInSeconds: 600 });
    });

    it("defaults to one approver and no expiry when no policy sets them", () => {
      expect(decide([approveAll()]).approval).toEqual({ approvers: 1 });
    });

    it("ignores approval settings of policies that did not match", () => {
      const a = makePolicy({ name: "A", effect: "require_approval", approval: { approvers: 2 } });
      const b = makePolicy({
        name: "B",
        effect: "require_approval",
        match: { types: ["sales.*"] },
        approval: { approvers: 5 },
      });
      expect(decide([a, b]).approval).toEqual({ approvers: 2 });
    });

    it("omits approval settings when the outcome is not require_approval", () => {
      expect(decide([allowAll()]).approval).toBeUndefined();
      expect(decide([blockAll()]).approval).toBeUndefined();
    });
  });

  describe("explain trace", () => {
    it("lists every consulted rule with why it matched or not", () => {
      const disabled = makePolicy({
        name: "Off",
        effect: "block",
        enabled: false,
        match: { types: ["billing.*"] },
      });
      const small = makePolicy({
        name: "Small refunds",
        effect: "allow",
        match: { types: ["billing.process_refund"], params: { field: "amount", op: "lte", value: 100 } },
      });
      const big = makePolicy({
        name: "Large refunds",
        effect: "require_approval",
        match: { types: ["billing.process_refund"], params: { field: "amount", op: "gt", value: 100 } },
      });
      const risky = makePolicy({
        name: "Risky",
        effect: "block",
        match: { domains: ["billing"], riskLevels: ["critical"] },
      });
      const d = decide([disabled, small, big, risky], { params: { amount: 120 } });
      expect(d.trace).toEqual([
        { rule: "Agent status", kind: "agent_status", matched: false, why: "Agent is active" },
        {
          rule: "Agent declaration",
          kind: "declaration",
          matched: false,
          why: "Domain and intent type are declared by the agent",
        },
        {
          rule: `Policy 'Off' (${disabled.id} v1)`,
          kind: "policy",
          matched: false,
          effect: "block",
          mode: "enforce",
          why: "Disabled",
        },
        {
          rule: `Policy 'Small refunds' (${small.id} v1)`,
          kind: "policy",
          matched: false,
          effect: "allow",
          mode: "enforce",
          why: "Params do not satisfy amount <= 100",
        },
        {
          rule: `Policy 'Large refunds' (${big.id} v1)`,
          kind: "policy",
          matched: true,
          effect: "require_approval",
          mode: "enforce",
          why: "Matched: type billing.process_refund; params amount > 100",
        },
        {
          rule: `Policy 'Risky' (${risky.id} v1)`,
          kind: "policy",
          matched: false,
          effect: "block",
          mode: "enforce",
          why: "Risk level is not critical",
        },
      ]);
      expect(d.reasons).toEqual(["Policy 'Large refunds' requires approval"]);
    });

    it("explains each failed match field in its own words", () => {
      const whys = [
        makePolicy({ name: "d", effect: "block", match: { domains: ["sales*"] } }),
        makePolicy({ name: "t", effect: "block", match: { types: ["billing.send_*"] } }),
        makePolicy({ name: "a", effect: "block", match: { agentIds: ["x"] } }),
        makePolicy({ name: "r", effect: "block", match: { tiers: { min: "T3" } } }),
      ].map((p) => decide([p]).trace.find((e) => e.kind === "policy")?.why);
      expect(whys).toEqual([
        "Domain is not sales*",
        "Type does not match billing.send_*",
        "Agent is not x",
        "Trust tier is outside T3–T4",
      ]);
    });

    it("consults only the policies indexed for the intent's domain", () => {
      const support = makePolicy({ name: "Support", effect: "block", match: { types: ["support.*"] } });
      const billing = makePolicy({ name: "Billing", effect: "allow", match: { domains: ["billing"] } });
      const anywhere = makePolicy({ name: "Anywhere", effect: "allow", match: { riskLevels: ["low"] } });
      const rules = decide([support, billing, anywhere])
        .trace.filter((e) => e.kind === "policy")
        .map((e) => e.rule);
      expect(rules).toEqual([`Policy 'Billing' (${billing.id} v1)`, `Policy 'Anywhere' (${anywhere.id} v1)`]);
    });

    it("keeps only the deciding entries when explain is false", () => {
      const small = makePolicy({
        name: "Sales",
        effect: "block",
        match: { domains: ["billing"], riskLevels: ["low"] },
      });
      const approve = approveAll();
      const full = decide([small, approve, allowAll()]);
      const brief = decide([small, approve, allowAll()], {}, {}, { explain: false });
      expect(full.trace.length).toBeGreaterThan(brief.trace.length);
      expect(brief.trace).toEqual([
        expect.objectContaining({ rule: `Policy 'Approve all' (${approve.id} v1)`, matched: true }),
      ]);
      expect({ ...brief, trace: [] }).toEqual({ ...full, trace: [] });
    });

    it("keeps the matrix entry when explain is false and the matrix decides", () => {
      const d = decide([], { riskLevel: "high" }, { trustTier: "T3" }, { explain: false });
      expect(d.trace).toEqual([expect.objectContaining({ kind: "matrix", effect: "allow" })]);
      expect(d.reasons).toEqual(["Trust tier T3 allows high risk"]);
    });

    it("stamps evaluatedAt from the context clock", () => {
      expect(decide([]).evaluatedAt).toBe("2026-01-15T10:30:00.000Z");
    });

    it("shares frozen trace entries so a caller cannot corrupt later decisions", () => {
      const p = blockAll();
      const first = decide([p]);
      const entry = first.trace.find((e) => e.kind === "policy")!;
      expect(Object.isFrozen(entry)).toBe(true);
      expect(() => {
        (entry as { why: string }).why = "tampered";
      }).toThrow(TypeError);
    });
  });
});
