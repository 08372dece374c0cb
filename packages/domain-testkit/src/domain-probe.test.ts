import { describe, expect, it } from "vitest";
import { probeDomain } from "./domain-probe";
import { ledgerDomain } from "./ledger-domain";

describe("probeDomain", () => {
  const probe = probeDomain(ledgerDomain);

  it("returns the validation error when the params are rejected", () => {
    const error = probe.rejectionOf("ledger.flag_account", {});
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.details).toEqual([{ path: ["params", "accountId"], message: "Required" }]);
  });

  it("fails the test when params it expects to be rejected are accepted", () => {
    expect(() => probe.rejectionOf("ledger.flag_account", { accountId: "a" })).toThrow(
      'ledger.flag_account accepted {"accountId":"a"}',
    );
  });

  it("classifies in the probed domain only when given a type of another domain", () => {
    expect(probe.rejectionOf("billing.send_invoice", {}).message).toContain("Unknown intent type");
  });

  it("reads the estimator settings it was built with when estimating", () => {
    const custom = probeDomain(ledgerDomain, { hourlyRateCents: 600 });
    expect(custom.estimate("ledger.send_invoice", { customerId: "c", amount: 1 })).toBe(150);
  });
});
