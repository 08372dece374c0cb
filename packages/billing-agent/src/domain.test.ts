import {
  createCatalog,
  DEFAULT_ESTIMATOR_SETTINGS,
  type IntendedOpsError,
  type RiskLevel,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type BillingTypeName, billingDomain } from "./domain";
import { billingFixtures } from "./fixtures";
import { BILLING_THRESHOLDS } from "./risk-thresholds";
import { BILLING_MINUTES_SAVED } from "./value-defaults";

const catalog = createCatalog([billingDomain]);
const typeNames = Object.values(billingDomain.types).map((t) => t.name as BillingTypeName);

/** Risk of each valid fixture, as a careful operator would set it. */
const expectedRisk: Record<BillingTypeName, RiskLevel> = {
  "billing.send_invoice": "medium",
  "billing.collect_payment": "medium",
  "billing.process_refund": "high",
  "billing.update_subscription": "medium",
  "billing.apply_credit": "high",
  "billing.generate_statement": "low",
  "billing.retry_payment": "medium",
  "billing.cancel_subscription": "high",
  "billing.process_dunning": "medium",
  "billing.reconcile_payments": "low",
};

/** Value of each valid fixture in cents at the default hourly rate ($60) and default per-type values. */
const expectedValueCents: Record<BillingTypeName, number> = {
  "billing.send_invoice": 1_000,
  "billing.collect_payment": 25_000,
  "billing.process_refund": 0,
  "billing.update_subscription": 12_000,
  "billing.apply_credit": 0,
  "billing.generate_statement": 1_500,
  "billing.retry_payment": 9_999,
  "billing.cancel_subscription": 0,
  "billing.process_dunning": 42_000,
  "billing.reconcile_payments": 4_500,
};

const classifyError = (type: string, params: unknown): IntendedOpsError => {
  try {
    catalog.classify(type, "billing", params);
  } catch (error) {
    return error as IntendedOpsError;
  }
  throw new Error(`${type} accepted ${JSON.stringify(params)}`);
};

const riskOf = (type: BillingTypeName, params: Record<string, unknown>) =>
  catalog.classify(type, "billing", params).riskLevel;

describe("billingDomain", () => {
  it("declares the guide's ten billing types when built into a catalog", () => {
    expect(catalog.domains).toEqual(["billing"]);
    expect(typeNames.sort()).toEqual(Object.keys(billingFixtures).sort());
    expect(typeNames).toHaveLength(10);
  });

  it("maps the guide's Typical Value column to value categories when declared", () => {
    const categories = Object.fromEntries(
      Object.values(billingDomain.types).map((t) => [t.name, t.valueCategory]),
    );
    expect(categories).toEqual({
      "billing.send_invoice": "efficiency",
      "billing.collect_payment": "revenue",
      "billing.process_refund": null,
      "billing.update_subscription": "revenue",
      "billing.apply_credit": null,
      "billing.generate_statement": "efficiency",
      "billing.retry_payment": "revenue",
      "billing.cancel_subscription": null,
      "billing.process_dunning": "revenue",
      "billing.reconcile_payments": "efficiency",
    });
  });

  it("documents every params field when exported as JSON Schema", () => {
    for (const type of Object.values(billingDomain.types)) {
      const json = z.toJSONSchema(type.params, { io: "input" }) as {
        properties: Record<string, { description?: string }>;
      };
      expect(Object.keys(json.properties).length).toBeGreaterThan(0);
      for (const [field, property] of Object.entries(json.properties)) {
        expect(property.description, `${type.name}.${field}`).toBeTruthy();
      }
    }
  });

  describe.each(typeNames)("%s", (typeName) => {
    const fixture = billingFixtures[typeName];

    it("estimates the expected value when the valid fixture completes", () => {
      const { params } = catalog.classify(typeName, "billing", fixture.valid);
      expect(catalog.estimateValue(typeName, params)).toBe(expectedValueCents[typeName]);
    });

    it("accepts the valid fixture with the expected risk when classified", () => {
      expect(riskOf(typeName, fixture.valid)).toBe(expectedRisk[typeName]);
    });

    it("names the wrong field when the invalid fixture is classified", () => {
      const error = classifyError(typeName, fixture.invalid);
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain(fixture.invalidField);
    });

    it("names an unknown field when params carry a typo", () => {
      const error = classifyError(typeName, { ...fixture.valid, amuont: 1 });
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain("amuont");
    });
  });
});

describe("billing.send_invoice", () => {
  it("accepts the guide's example verbatim and stays medium when the amount is small", () => {
    const result = catalog.classify("billing.send_invoice", "billing", {
      customerId: "cust_123",
      amount: 99.99,
    });
    expect(result.params).toEqual({ customerId: "cust_123", amount: 99.99, currency: "USD" });
    expect(result.riskLevel).toBe("medium");
  });

  it("reports params paths when required fields are missing", () => {
    const error = classifyError("billing.send_invoice", {});
    expect(error.details).toEqual([
      { path: ["params", "customerId"], message: "Required" },
      { path: ["params", "amount"], message: "Required" },
    ]);
  });

  it("escalates to high when the invoice exceeds invoiceHighAbove", () => {
    const limit = BILLING_THRESHOLDS.invoiceHighAbove;
    expect(riskOf("billing.send_invoice", { customerId: "c", amount: limit })).toBe("medium");
    expect(riskOf("billing.send_invoice", { customerId: "c", amount: limit + 0.01 })).toBe("high");
  });
});

describe("billing risk escalation", () => {
  const payment = { customerId: "cust_1" };
  it.each([
    ["billing.collect_payment", payment, BILLING_THRESHOLDS.paymentHighAbove, "high"],
    ["billing.collect_payment", payment, BILLING_THRESHOLDS.paymentCriticalAbove, "critical"],
    ["billing.retry_payment", { paymentId: "p" }, BILLING_THRESHOLDS.paymentHighAbove, "high"],
    ["billing.retry_payment", { paymentId: "p" }, BILLING_THRESHOLDS.paymentCriticalAbove, "critical"],
    [
      "billing.process_refund",
      { ...payment, paymentId: "p", reason: "other" },
      BILLING_THRESHOLDS.refundCriticalAbove,
      "critical",
    ],
    ["billing.apply_credit", { ...payment, reason: "r" }, BILLING_THRESHOLDS.creditCriticalAbove, "critical"],
    [
      "billing.process_dunning",
      { ...payment, invoiceId: "i", daysOverdue: 3 },
      BILLING_THRESHOLDS.dunningHighAbove,
      "high",
    ],
  ] as const)("raises %s to %s when the amount passes %d", (type, base, limit, risk) => {
    expect(riskOf(type, { ...base, amount: limit })).not.toBe(risk);
    expect(riskOf(type, { ...base, amount: limit + 1 })).toBe(risk);
  });

  it.each(["suspend_service", "send_to_collections"])(
    "raises dunning to high when the action is %s",
    (action) => {
      const params = { invoiceId: "i", customerId: "c", amount: 10, daysOverdue: 40, action };
      expect(riskOf("billing.process_dunning", params)).toBe("high");
    },
  );
});

describe("billing value estimators", () => {
  const estimate = (type: BillingTypeName, params: Record<string, unknown>) =>
    catalog.estimateValue(type, catalog.classify(type, "billing", params).params);

  it("prices minutes saved at the hourly rate when the type is efficiency-valued", () => {
    const rate = DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents;
    expect(estimate("billing.send_invoice", billingFixtures["billing.send_invoice"].valid)).toBe(
      Math.round((BILLING_MINUTES_SAVED.send_invoice * rate) / 60),
    );
    expect(estimate("billing.reconcile_payments", billingFixtures["billing.reconcile_payments"].valid)).toBe(
      Math.round((BILLING_MINUTES_SAVED.reconcile_payments * rate) / 60),
    );
  });

  it("uses the configured hourly rate when the catalog has one", () => {
    const custom = createCatalog([billingDomain], { estimatorSettings: { hourlyRateCents: 12_000 } });
    const params = custom.classify("billing.generate_statement", "billing", {
      customerId: "c",
      periodStart: "2026-01-01",
      periodEnd: "2026-01-31",
    }).params;
    expect(custom.estimateValue("billing.generate_statement", params)).toBe(
      BILLING_MINUTES_SAVED.generate_statement * 200,
    );
  });

  it("counts the amount in cents when the type is revenue-valued", () => {
    expect(estimate("billing.collect_payment", { customerId: "c", amount: 99.99 })).toBe(9999);
    expect(estimate("billing.retry_payment", { paymentId: "p", amount: 0.1 + 0.2 })).toBe(30);
    expect(estimate("billing.process_dunning", billingFixtures["billing.process_dunning"].valid)).toBe(
      42_000,
    );
  });

  it("counts only an increase when a subscription changes", () => {
    const base = { subscriptionId: "s", planId: "p" };
    expect(estimate("billing.update_subscription", { ...base, amountChange: 120 })).toBe(12_000);
    expect(estimate("billing.update_subscription", { ...base, amountChange: -50 })).toBe(0);
    expect(estimate("billing.update_subscription", base)).toBe(0);
  });

  it("estimates nothing when the guide gives the type no value", () => {
    expect(estimate("billing.process_refund", billingFixtures["billing.process_refund"].valid)).toBe(0);
    expect(estimate("billing.apply_credit", billingFixtures["billing.apply_credit"].valid)).toBe(0);
  });
});

describe("billing params rules", () => {
  it("rejects a statement period that ends before it starts", () => {
    const error = classifyError("billing.generate_statement", {
      customerId: "c",
      periodStart: "2026-02-01",
      periodEnd: "2026-01-31",
    });
    expect(error.details).toEqual([
      { path: ["params", "periodEnd"], message: "periodEnd must not be before periodStart" },
    ]);
  });

  it("applies defaults when optional fields are omitted", () => {
    const { params } = catalog.classify("billing.cancel_subscription", "billing", {
      subscriptionId: "sub_1",
    });
    expect(params).toEqual({ subscriptionId: "sub_1", effective: "end_of_period", refundUnusedTime: false });
  });
});
