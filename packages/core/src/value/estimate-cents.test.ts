import { describe, expect, it } from "vitest";
import { estimateCents, MAX_VALUE_CENTS } from "./money";

describe("estimateCents", () => {
  it("keeps whole positive estimates and rounds fractional ones", () => {
    expect(estimateCents(9999)).toBe(9999);
    expect(estimateCents(30.4)).toBe(30);
  });

  it("records nothing for zero, negative or non-numeric estimates", () => {
    expect(estimateCents(0)).toBeNull();
    expect(estimateCents(-5)).toBeNull();
    expect(estimateCents(Number.NaN)).toBeNull();
  });

  it("caps estimates at the largest value an agent may report, so they stay integer cents", () => {
    expect(MAX_VALUE_CENTS).toBe(Number.MAX_SAFE_INTEGER);
    expect(estimateCents(1e302)).toBe(MAX_VALUE_CENTS);
    expect(estimateCents(Number.POSITIVE_INFINITY)).toBe(MAX_VALUE_CENTS);
    expect(estimateCents(1e18)).toBe(MAX_VALUE_CENTS);
  });
});
