import { describe, expect, it } from "vitest";
import { IntendedOpsError } from "../errors";
import type { ValueRecord } from "../model/value";
import { centsToDollars, dollarsToCents } from "./money";
import { rollupValue } from "./value-rollup";

function record(overrides: Partial<ValueRecord>): ValueRecord {
  return {
    id: "val_1",
    tenantId: "tenant_test",
    intentId: "int_1",
    agentId: "billing-agent",
    domain: "billing",
    type: "billing.send_invoice",
    cents: 100,
    category: "revenue",
    recordedAt: "2026-01-15T10:30:00.000Z",
    ...overrides,
  };
}

describe("rollupValue", () => {
  it("sums by category, agent and domain", () => {
    const r = rollupValue([
      record({ cents: 9999 }),
      record({ cents: 500, category: "efficiency", agentId: "support-agent", domain: "support" }),
      record({ cents: 1, category: "efficiency" }),
    ]);
    expect(r.totalCents).toBe(10500);
    expect({ ...r.byCategory }).toEqual({
      efficiency: 501,
      revenue: 9999,
      risk_mitigation: 0,
      cost_savings: 0,
    });
    expect({ ...r.byAgent }).toEqual({ "billing-agent": 10000, "support-agent": 500 });
    expect({ ...r.byDomain }).toEqual({ billing: 10000, support: 500 });
  });

  it("returns zeros for every category when there are no records", () => {
    const r = rollupValue([]);
    expect(r.totalCents).toBe(0);
    expect(Object.values(r.byCategory)).toEqual([0, 0, 0, 0]);
  });

  it("keeps agent ids that collide with Object.prototype members as plain keys", () => {
    const r = rollupValue([
      record({ agentId: "constructor", cents: 5 }),
      record({ agentId: "constructor", cents: 6 }),
    ]);
    expect(r.byAgent.constructor).toBe(11);
  });
});

describe("centsToDollars / dollarsToCents", () => {
  it("converts both ways with two decimals", () => {
    expect(centsToDollars(9999)).toBe(99.99);
    expect(centsToDollars(542000)).toBe(5420);
    expect(dollarsToCents(99.99)).toBe(9999);
    expect(dollarsToCents(0.29)).toBe(29);
  });

  it("rounds half away from zero despite binary floating point", () => {
    expect(dollarsToCents(1.005)).toBe(101);
    expect(dollarsToCents(-1.005)).toBe(-101);
    expect(dollarsToCents(0.004)).toBe(0);
  });

  it("throws VALIDATION_ERROR when the amount is not finite", () => {
    expect(() => dollarsToCents(Number.NaN)).toThrow(IntendedOpsError);
    expect(() => centsToDollars(Number.POSITIVE_INFINITY)).toThrow("cents must be a finite number");
  });
});
