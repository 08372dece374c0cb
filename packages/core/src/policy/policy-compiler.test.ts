import { describe, expect, it } from "vitest";
import { IntendedOpsError } from "../errors";
import { compilePolicies, compilePolicy } from "./policy-compiler";
import { makePolicy } from "./test-fixtures";

describe("compilePolicies", () => {
  it("indexes policies by domain while keeping source order and domain-free policies", () => {
    const a = makePolicy({ name: "a", effect: "block", match: { types: ["billing.*"] } });
    const b = makePolicy({ name: "b", effect: "block", match: { riskLevels: ["high"] } });
    const c = makePolicy({ name: "c", effect: "block", match: { domains: ["support", "billing"] } });
    const d = makePolicy({ name: "d", effect: "block", match: { types: ["support.close_ticket"] } });
    const e = makePolicy({ name: "e", effect: "block", match: { types: ["*.delete_*"] } });
    const compiled = compilePolicies([a, b, c, d, e]);
    const ids = (domain: string, type: string) => compiled.candidates(domain, type).map((p) => p.name);
    expect(ids("billing", "billing.refund")).toEqual(["a", "b", "c", "e"]);
    expect(ids("support", "support.close_ticket")).toEqual(["b", "c", "d", "e"]);
    expect(ids("sales", "sales.create_lead")).toEqual(["b", "e"]);
  });

  it("falls back to every policy when the type does not belong to the domain", () => {
    const a = makePolicy({ name: "a", effect: "block", match: { types: ["billing.*"] } });
    const d = makePolicy({ name: "d", effect: "block", match: { types: ["support.*"] } });
    expect(compilePolicies([a, d]).candidates("support", "billing.refund")).toHaveLength(2);
  });

  it("marks only enforced, enabled allow policies that name critical as explicit critical permission", () => {
    const explicit = compilePolicy(
      makePolicy({ name: "x", effect: "allow", match: { riskLevels: ["high", "critical"] } }),
    );
    const every = compilePolicy(makePolicy({ name: "y", effect: "allow" }));
    const shadow = compilePolicy(
      makePolicy({ name: "z", effect: "allow", mode: "shadow", match: { riskLevels: ["critical"] } }),
    );
    expect([explicit.allowsCritical, every.allowsCritical, shadow.allowsCritical]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("throws VALIDATION_ERROR when a tier range is inverted", () => {
    const p = makePolicy({ name: "bad", effect: "block", match: { tiers: { min: "T3", max: "T1" } } });
    expect(() => compilePolicies([p])).toThrow(IntendedOpsError);
    expect(() => compilePolicies([p])).toThrow("match.tiers: Tier range min must not be above max");
  });

  it("throws VALIDATION_ERROR naming the params path when a condition cannot compile", () => {
    const p = makePolicy({
      name: "bad",
      effect: "block",
      match: {
        params: {
          any: [
            { field: "amount", op: "gt", value: 1 },
            { field: "x", op: "matches", value: "(" },
          ],
        },
      },
    });
    try {
      compilePolicies([p]);
      expect.unreachable();
    } catch (error) {
      expect((error as IntendedOpsError).code).toBe("VALIDATION_ERROR");
      expect((error as IntendedOpsError).details).toEqual([
        {
          path: ["match", "params", "any", 1, "value"],
          message: expect.stringContaining("Invalid regular expression"),
        },
      ]);
    }
  });

  it("says in plain words what a matching shadow policy would have done", () => {
    const whys = (["allow", "require_approval", "block"] as const).map(
      (effect) =>
        compilePolicy(makePolicy({ name: effect, effect, mode: "shadow", match: { riskLevels: ["high"] } }))
          .entries.matched.why,
    );
    expect(whys).toEqual([
      "Matched (risk high) in shadow mode: would allow this intent, not applied",
      "Matched (risk high) in shadow mode: would require approval, not applied",
      "Matched (risk high) in shadow mode: would block this intent, not applied",
    ]);
  });
});

describe("compilePolicy trace text for huge policies (regression: every stored trace carried the whole list)", () => {
  it("cuts long match lists and condition values in the trace entries it builds", () => {
    // Match lists at their limit (MATCH_LIST_LIMITS); the `in` list has none.
    const types = Array.from({ length: 1000 }, (_, i) => `billing.t${i}*`);
    const values = Array.from({ length: 5000 }, (_, i) => `customer_${i}`);
    const compiled = compilePolicy(
      makePolicy({
        name: "huge",
        effect: "block",
        match: {
          types,
          agentIds: values.slice(0, 1000),
          domains: Array.from({ length: 50 }, (_, i) => `billing${i}`),
          params: { field: "customerId", op: "in", value: values },
        },
      }),
    );
    const entries = Object.values(compiled.entries);
    for (const entry of entries) expect(entry.why.length).toBeLessThan(1500);
    expect(compiled.entries.type.why).toContain("(and 990 more)");
    expect(compiled.entries.agent.why).toContain("(and 990 more)");
    expect(compiled.entries.domain.why).toContain("(and 40 more)");
    expect(compiled.entries.params.why).toMatch(/… \(\d+ characters\)$/);
  });

  it("still tests every listed item, not only the ones the trace shows", () => {
    const types = Array.from({ length: 100 }, (_, i) => `billing.t${i}`);
    const values = Array.from({ length: 100 }, (_, i) => `customer_${i}`);
    const compiled = compilePolicy(
      makePolicy({
        name: "huge",
        effect: "block",
        match: { types, params: { field: "customerId", op: "in", value: values } },
      }),
    );
    expect(compiled.typeTest?.("billing.t99")).toBe(true);
    expect(compiled.paramsTest?.({ customerId: "customer_99" })).toBe(true);
  });
});
