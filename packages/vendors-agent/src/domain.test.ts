import {
  createCatalog,
  DEFAULT_ESTIMATOR_SETTINGS,
  type IntendedOpsError,
  type RiskLevel,
  type ValueEstimatorSettings,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type VendorsTypeName, vendorsDomain } from "./domain";
import { vendorsFixtures } from "./fixtures";
import { VENDORS_THRESHOLDS } from "./risk-thresholds";
import {
  VENDORS_COST_SAVINGS_CENTS,
  VENDORS_MINUTES_SAVED,
  VENDORS_RISK_MITIGATION_CENTS,
} from "./value-defaults";

const catalog = createCatalog([vendorsDomain]);
const typeNames = Object.values(vendorsDomain.types).map((t) => t.name as VendorsTypeName);

/** Risk of each valid fixture, as a careful operator would set it. */
const expectedRisk: Record<VendorsTypeName, RiskLevel> = {
  "vendors.onboard_vendor": "medium",
  "vendors.request_assessment": "low",
  "vendors.review_contract": "low",
  "vendors.update_risk_score": "medium",
  "vendors.schedule_review": "low",
  "vendors.request_documents": "low",
  "vendors.approve_vendor": "medium",
  "vendors.terminate_vendor": "high",
  "vendors.track_performance": "low",
  "vendors.renew_contract": "medium",
};

const classifyError = (type: string, params: unknown): IntendedOpsError => {
  try {
    catalog.classify(type, "vendors", params);
  } catch (error) {
    return error as IntendedOpsError;
  }
  throw new Error(`${type} accepted ${JSON.stringify(params)}`);
};

const riskOf = (type: VendorsTypeName, params: Record<string, unknown>) =>
  catalog.classify(type, "vendors", params).riskLevel;

describe("vendorsDomain", () => {
  it("declares the guide's ten vendors types when built into a catalog", () => {
    expect(catalog.domains).toEqual(["vendors"]);
    expect(typeNames.sort()).toEqual(Object.keys(vendorsFixtures).sort());
    expect(typeNames).toHaveLength(10);
  });

  it("keeps the guide's descriptions and Typical Value column when declared", () => {
    const declared = Object.fromEntries(
      Object.values(vendorsDomain.types).map((t) => [t.name, [t.description, t.valueCategory]]),
    );
    expect(declared).toEqual({
      "vendors.onboard_vendor": ["Start vendor onboarding", "efficiency"],
      "vendors.request_assessment": ["Request vendor assessment", "risk_mitigation"],
      "vendors.review_contract": ["Review vendor contract", "risk_mitigation"],
      "vendors.update_risk_score": ["Update vendor risk rating", "risk_mitigation"],
      "vendors.schedule_review": ["Schedule periodic review", "risk_mitigation"],
      "vendors.request_documents": ["Request compliance docs", "risk_mitigation"],
      "vendors.approve_vendor": ["Approve vendor status", "efficiency"],
      "vendors.terminate_vendor": ["Offboard vendor", "risk_mitigation"],
      "vendors.track_performance": ["Monitor vendor KPIs", "cost_savings"],
      "vendors.renew_contract": ["Process contract renewal", null],
    });
  });

  it("documents every params field when exported as JSON Schema", () => {
    for (const type of Object.values(vendorsDomain.types)) {
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
    const fixture = vendorsFixtures[typeName];

    it("accepts the valid fixture with the expected risk when classified", () => {
      expect(riskOf(typeName, fixture.valid)).toBe(expectedRisk[typeName]);
    });

    it("names the wrong field when the invalid fixture is classified", () => {
      const error = classifyError(typeName, fixture.invalid);
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain(fixture.invalidField);
    });

    it("names an unknown field when params carry a typo", () => {
      const error = classifyError(typeName, { ...fixture.valid, vendorNmae: "x" });
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain("vendorNmae");
    });
  });
});

describe("vendors risk escalation", () => {
  const onboarding = { vendorName: "Acme", category: "software", contactEmail: "a@acme.com" };
  const approval = { vendorId: "v", dataAccess: "internal" };
  const termination = { vendorId: "v", reason: "cost", effectiveDate: "2026-04-01" };
  const renewal = { vendorId: "v", contractId: "c", termMonths: 12 };

  it.each([
    [
      "vendors.onboard_vendor",
      "high",
      "expectedAnnualSpend",
      VENDORS_THRESHOLDS.onboardingHighAbove,
      onboarding,
    ],
    ["vendors.approve_vendor", "high", "annualSpend", VENDORS_THRESHOLDS.approvalHighAbove, approval],
    [
      "vendors.terminate_vendor",
      "critical",
      "annualSpend",
      VENDORS_THRESHOLDS.terminationCriticalAbove,
      termination,
    ],
    ["vendors.renew_contract", "high", "annualValue", VENDORS_THRESHOLDS.renewalHighAbove, renewal],
    ["vendors.renew_contract", "critical", "annualValue", VENDORS_THRESHOLDS.renewalCriticalAbove, renewal],
  ] as const)("raises %s to %s when %s passes %d", (type, risk, field, limit, base) => {
    expect(riskOf(type, { ...base, [field]: limit })).not.toBe(risk);
    expect(riskOf(type, { ...base, [field]: limit + 1 })).toBe(risk);
  });

  it("keeps vendor termination high when the spend is unknown or small", () => {
    expect(riskOf("vendors.terminate_vendor", termination)).toBe("high");
    expect(riskOf("vendors.terminate_vendor", { ...termination, annualSpend: 10 })).toBe("high");
  });

  it.each([
    ["vendors.onboard_vendor", onboarding],
    ["vendors.approve_vendor", approval],
  ] as const)("raises %s to high when the vendor gets restricted data", (type, base) => {
    expect(riskOf(type, { ...base, dataAccess: "restricted" })).toBe("high");
  });
});

describe("vendors value estimators", () => {
  const estimateWith = (settings: Partial<ValueEstimatorSettings> & Record<string, unknown>) => {
    const custom = createCatalog([vendorsDomain], { estimatorSettings: settings });
    return (type: VendorsTypeName) =>
      custom.estimateValue(type, custom.classify(type, "vendors", vendorsFixtures[type].valid).params);
  };
  const estimate = estimateWith({});

  it("prices minutes saved at the hourly rate when the type is efficiency-valued", () => {
    const rate = DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents;
    expect(estimate("vendors.onboard_vendor")).toBe(
      Math.round((VENDORS_MINUTES_SAVED.onboard_vendor * rate) / 60),
    );
    expect(estimate("vendors.approve_vendor")).toBe(
      Math.round((VENDORS_MINUTES_SAVED.approve_vendor * rate) / 60),
    );
    expect(estimateWith({ hourlyRateCents: 12_000 })("vendors.onboard_vendor")).toBe(
      VENDORS_MINUTES_SAVED.onboard_vendor * 200,
    );
  });

  it.each(Object.entries(VENDORS_RISK_MITIGATION_CENTS))(
    "values vendors.%s at its default or the tenant's risk-mitigation setting",
    (action, cents) => {
      const type = `vendors.${action}` as VendorsTypeName;
      expect(estimate(type)).toBe(cents);
      expect(estimateWith({ riskMitigationCents: { [type]: 123_45 } })(type)).toBe(123_45);
    },
  );

  it("values KPI tracking at its default or the tenant's cost-savings setting", () => {
    const type = "vendors.track_performance";
    expect(estimate(type)).toBe(VENDORS_COST_SAVINGS_CENTS.track_performance);
    expect(estimateWith({ costSavingsCents: { [type]: 9_900 } })(type)).toBe(9_900);
  });

  it("estimates nothing when the guide gives the type no value", () => {
    expect(estimate("vendors.renew_contract")).toBe(0);
  });
});

describe("vendors params rules", () => {
  it("rejects a KPI period that ends before it starts", () => {
    const error = classifyError("vendors.track_performance", {
      vendorId: "v",
      periodStart: "2026-02-01",
      periodEnd: "2026-01-31",
    });
    expect(error.details).toEqual([
      { path: ["params", "periodEnd"], message: "periodEnd must not be before periodStart" },
    ]);
  });

  it("applies defaults when optional fields are omitted", () => {
    const { params } = catalog.classify("vendors.terminate_vendor", "vendors", {
      vendorId: "v",
      reason: "contract_end",
      effectiveDate: "2026-04-01",
    });
    expect(params).toEqual({
      vendorId: "v",
      reason: "contract_end",
      effectiveDate: "2026-04-01",
      revokeAccess: true,
      dataDisposition: "destroy",
      currency: "USD",
    });
  });
});
