import { readFileSync } from "node:fs";
import {
  describeDomainConformance,
  describeReadmeConformance,
  probeDomain,
} from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { billingDomain } from "./domain";
import { billingFixtures } from "./fixtures";
import { BILLING_THRESHOLDS as T } from "./risk-thresholds";
import { BILLING_MINUTES_SAVED } from "./value-defaults";

const { estimate, rejectionOf, riskOf } = probeDomain(billingDomain);
const payment = { customerId: "cust_1" };

describeDomainConformance({
  domain: billingDomain,
  fixtures: billingFixtures,
  types: {
    "billing.send_invoice": ["Generate and send invoice", "efficiency", "medium", 1_000],
    // The fixture collects 250 EUR: no estimate, since value totals are US cents (see below).
    "billing.collect_payment": ["Process payment collection", "revenue", "medium", 0],
    "billing.process_refund": ["Issue refund to customer", null, "high", 0],
    "billing.update_subscription": ["Modify subscription plan", "revenue", "medium", 12_000],
    "billing.apply_credit": ["Apply credit to account", null, "high", 0],
    "billing.generate_statement": ["Create account statement", "efficiency", "low", 1_500],
    "billing.retry_payment": ["Retry failed payment", "revenue", "medium", 9_999],
    "billing.cancel_subscription": ["Cancel customer subscription", null, "high", 0],
    "billing.process_dunning": ["Handle overdue payments", "revenue", "medium", 42_000],
    "billing.reconcile_payments": ["Reconcile payment records", "efficiency", "low", 4_500],
  },
  typo: { amuont: 1 },
  guideExamples: [
    {
      type: "billing.send_invoice",
      params: { customerId: "cust_123", amount: 99.99 },
      parsed: { customerId: "cust_123", amount: 99.99, currency: "USD" },
      risk: "medium",
    },
  ],
  escalations: [
    {
      type: "billing.send_invoice",
      base: { customerId: "c" },
      field: "amount",
      limit: T.invoiceHighAbove,
      atLimit: "medium",
      above: "high",
      step: 0.01,
    },
    ...(["billing.collect_payment", "billing.retry_payment"] as const).flatMap((type) => {
      const base = type === "billing.retry_payment" ? { paymentId: "p" } : payment;
      return [
        { type, base, field: "amount", limit: T.paymentHighAbove, atLimit: "medium", above: "high" },
        { type, base, field: "amount", limit: T.paymentCriticalAbove, atLimit: "high", above: "critical" },
      ] as const;
    }),
    {
      type: "billing.process_refund",
      base: { ...payment, paymentId: "p", reason: "other" },
      field: "amount",
      limit: T.refundCriticalAbove,
      atLimit: "high",
      above: "critical",
    },
    {
      type: "billing.apply_credit",
      base: { ...payment, reason: "r" },
      field: "amount",
      limit: T.creditCriticalAbove,
      atLimit: "high",
      above: "critical",
    },
    {
      type: "billing.process_dunning",
      base: { ...payment, invoiceId: "i", daysOverdue: 3 },
      field: "amount",
      limit: T.dunningHighAbove,
      atLimit: "medium",
      above: "high",
    },
  ],
  dateOrders: [
    { type: "billing.generate_statement", start: "periodStart", end: "periodEnd" },
    { type: "billing.reconcile_payments", start: "periodStart", end: "periodEnd" },
  ],
  defaults: [
    {
      type: "billing.cancel_subscription",
      params: { subscriptionId: "sub_1" },
      parsed: { subscriptionId: "sub_1", effective: "end_of_period", refundUnusedTime: false },
    },
  ],
  estimators: { minutesSaved: BILLING_MINUTES_SAVED },
});

describeReadmeConformance(billingDomain, readFileSync(new URL("../README.md", import.meta.url), "utf8"));

describe("billing.send_invoice", () => {
  it("reports params paths when required fields are missing", () => {
    expect(rejectionOf("billing.send_invoice", {}).details).toEqual([
      { path: ["params", "customerId"], message: "Required" },
      { path: ["params", "amount"], message: "Required" },
    ]);
  });
});

describe("billing risk escalation", () => {
  it.each(["suspend_service", "send_to_collections"])(
    "raises dunning to high when the action is %s",
    (action) => {
      const params = { invoiceId: "i", customerId: "c", amount: 10, daysOverdue: 40, action };
      expect(riskOf("billing.process_dunning", params)).toBe("high");
    },
  );
});

describe("billing value estimators", () => {
  it("counts the amount in cents when the type is revenue-valued", () => {
    expect(estimate("billing.collect_payment", { customerId: "c", amount: 99.99 })).toBe(9999);
    expect(estimate("billing.retry_payment", { paymentId: "p", amount: 0.1 + 0.2 })).toBe(30);
    expect(estimate("billing.process_dunning", billingFixtures["billing.process_dunning"].valid)).toBe(
      42_000,
    );
  });

  it("estimates nothing for an amount in another currency rather than counting it as dollars", () => {
    expect(estimate("billing.collect_payment", { customerId: "c", amount: 250, currency: "EUR" })).toBe(0);
    expect(estimate("billing.retry_payment", { paymentId: "p", amount: 5000, currency: "JPY" })).toBe(0);
    const dunning = billingFixtures["billing.process_dunning"].valid;
    expect(estimate("billing.process_dunning", { ...dunning, currency: "GBP" })).toBe(0);
    expect(estimate("billing.collect_payment", { customerId: "c", amount: 250, currency: "USD" })).toBe(
      25_000,
    );
  });

  it("counts only an increase when a subscription changes", () => {
    const base = { subscriptionId: "s", planId: "p" };
    expect(estimate("billing.update_subscription", { ...base, amountChange: 120 })).toBe(12_000);
    expect(estimate("billing.update_subscription", { ...base, amountChange: -50 })).toBe(0);
    expect(estimate("billing.update_subscription", base)).toBe(0);
  });
});
