import { describe, expect, it } from "vitest";
import { DEFAULT_ESTIMATOR_SETTINGS } from "../catalog/intent-type";
import { VALUE_CURRENCY } from "../value/money";
import {
  costSavingsCents,
  efficiencyCents,
  revenueCents,
  riskMitigationCents,
  usdRevenueCents,
} from "./estimators";
import { riskForAmount } from "./risk-escalation";

describe("revenueCents", () => {
  it.each([
    [99.99, 9_999],
    [0.1 + 0.2, 30],
    [50_000, 5_000_000],
    [1.005, 101],
  ])("turns %d major units into %d cents when rounding", (amount, cents) => {
    expect(revenueCents(amount)).toBe(cents);
  });
});

describe("efficiencyCents", () => {
  it("prices minutes at the hourly rate when estimating efficiency", () => {
    expect(efficiencyCents(15, DEFAULT_ESTIMATOR_SETTINGS)).toBe(1_500);
    expect(efficiencyCents(7, { hourlyRateCents: 10_000 })).toBe(1_167);
  });
});

describe("riskMitigationCents", () => {
  it("prefers the configured value for the type over the default when one is set", () => {
    const settings = { ...DEFAULT_ESTIMATOR_SETTINGS, riskMitigationCents: { "x.y": 42 } };
    expect(riskMitigationCents(settings, "x.y", 1_000)).toBe(42);
    expect(riskMitigationCents(settings, "x.z", 1_000)).toBe(1_000);
  });
});

describe("costSavingsCents", () => {
  it("prefers the configured value for the type over the default when one is set", () => {
    expect(costSavingsCents(DEFAULT_ESTIMATOR_SETTINGS, "x.y", 500)).toBe(500);
    expect(
      costSavingsCents({ ...DEFAULT_ESTIMATOR_SETTINGS, costSavingsCents: { "x.y": 9 } }, "x.y", 500),
    ).toBe(9);
  });
});

describe("riskForAmount", () => {
  const limits = { mediumAbove: 10, highAbove: 100, criticalAbove: 1_000 };
  it.each([
    [undefined, undefined],
    [10, undefined],
    [10.01, "medium"],
    [100, "medium"],
    [101, "high"],
    [1_000, "high"],
    [1_000.5, "critical"],
  ] as const)("gives %s the risk %s when limits are strict upper bounds", (amount, risk) => {
    expect(riskForAmount(amount, limits)).toBe(risk);
  });
});

describe("usdRevenueCents", () => {
  it("turns a US dollar amount into cents", () => {
    expect(usdRevenueCents(99.99, "USD")).toBe(9999);
    expect(usdRevenueCents(1.005, "USD")).toBe(101);
  });

  it("estimates nothing for another currency rather than counting it as dollars", () => {
    expect(VALUE_CURRENCY).toBe("USD");
    expect(usdRevenueCents(250, "EUR")).toBe(0);
    expect(usdRevenueCents(5000, "JPY")).toBe(0);
    expect(usdRevenueCents(250, "usd")).toBe(0);
  });
});
