import {
  createCatalog,
  DEFAULT_ESTIMATOR_SETTINGS,
  type IntendedOpsError,
  type RiskLevel,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type SalesTypeName, salesDomain } from "./domain";
import { salesFixtures } from "./fixtures";
import { quoteTotal } from "./intent-types";
import { SALES_THRESHOLDS } from "./risk-thresholds";
import { SALES_MINUTES_SAVED } from "./value-defaults";

const catalog = createCatalog([salesDomain]);
const typeNames = Object.values(salesDomain.types).map((t) => t.name as SalesTypeName);

const expectedRisk: Record<SalesTypeName, RiskLevel> = {
  "sales.create_lead": "low",
  "sales.qualify_lead": "low",
  "sales.create_opportunity": "low",
  "sales.update_pipeline": "low",
  "sales.schedule_call": "low",
  "sales.send_proposal": "medium",
  "sales.create_quote": "low",
  "sales.assign_territory": "medium",
  "sales.forecast_revenue": "low",
  "sales.log_activity": "low",
};

/** Value of each valid fixture in cents at the default hourly rate ($60) and default per-type values. */
const expectedValueCents: Record<SalesTypeName, number> = {
  "sales.create_lead": 0,
  "sales.qualify_lead": 1_000,
  "sales.create_opportunity": 5_000_000,
  "sales.update_pipeline": 0,
  "sales.schedule_call": 500,
  "sales.send_proposal": 4_800_000,
  "sales.create_quote": 4_560_000,
  "sales.assign_territory": 1_500,
  "sales.forecast_revenue": 0,
  "sales.log_activity": 0,
};

const classifyError = (type: string, params: unknown): IntendedOpsError => {
  try {
    catalog.classify(type, "sales", params);
  } catch (error) {
    return error as IntendedOpsError;
  }
  throw new Error(`${type} accepted ${JSON.stringify(params)}`);
};
const riskOf = (type: SalesTypeName, params: Record<string, unknown>) =>
  catalog.classify(type, "sales", params).riskLevel;
const estimate = (type: SalesTypeName, params: Record<string, unknown>) =>
  catalog.estimateValue(type, catalog.classify(type, "sales", params).params);

describe("salesDomain", () => {
  it("declares the guide's ten sales types when built into a catalog", () => {
    expect(catalog.domains).toEqual(["sales"]);
    expect([...typeNames].sort()).toEqual(Object.keys(salesFixtures).sort());
    expect(typeNames).toHaveLength(10);
  });

  it("maps the guide's Typical Value column to value categories when declared", () => {
    expect(
      Object.fromEntries(Object.values(salesDomain.types).map((t) => [t.name, t.valueCategory])),
    ).toEqual({
      "sales.create_lead": "revenue",
      "sales.qualify_lead": "efficiency",
      "sales.create_opportunity": "revenue",
      "sales.update_pipeline": "revenue",
      "sales.schedule_call": "efficiency",
      "sales.send_proposal": "revenue",
      "sales.create_quote": "revenue",
      "sales.assign_territory": "efficiency",
      "sales.forecast_revenue": null,
      "sales.log_activity": null,
    });
  });

  it("documents every params field when exported as JSON Schema", () => {
    for (const type of Object.values(salesDomain.types)) {
      const json = z.toJSONSchema(type.params, { io: "input" }) as {
        properties: Record<string, { description?: string }>;
      };
      for (const [field, property] of Object.entries(json.properties)) {
        expect(property.description, `${type.name}.${field}`).toBeTruthy();
      }
    }
  });

  describe.each(typeNames)("%s", (typeName) => {
    const fixture = salesFixtures[typeName];

    it("estimates the expected value when the valid fixture completes", () => {
      const { params } = catalog.classify(typeName, "sales", fixture.valid);
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
      expect(classifyError(typeName, { ...fixture.valid, dealname: "x" }).message).toContain("dealname");
    });
  });
});

describe("sales.create_opportunity", () => {
  const guideExample = {
    leadId: "lead_123",
    dealName: "Enterprise License - Acme Corp",
    amount: 50000,
    stage: "qualification",
    closeDate: "2026-03-31",
  };

  it("accepts the guide's example verbatim and values it at the amount in cents", () => {
    const { params, riskLevel } = catalog.classify("sales.create_opportunity", "sales", guideExample);
    expect(params).toEqual({ ...guideExample, currency: "USD" });
    expect(riskLevel).toBe("low");
    expect(catalog.estimateValue("sales.create_opportunity", params)).toBe(5_000_000);
  });

  it("escalates to medium when the deal exceeds opportunityMediumAbove", () => {
    expect(
      riskOf("sales.create_opportunity", {
        ...guideExample,
        amount: SALES_THRESHOLDS.opportunityMediumAbove + 1,
      }),
    ).toBe("medium");
  });
});

describe("sales risk escalation", () => {
  const proposal = salesFixtures["sales.send_proposal"].valid;
  const quote = salesFixtures["sales.create_quote"].valid;

  it("raises a proposal to high when the amount exceeds dealHighAbove", () => {
    expect(riskOf("sales.send_proposal", { ...proposal, amount: SALES_THRESHOLDS.dealHighAbove + 1 })).toBe(
      "high",
    );
  });

  it.each([
    [SALES_THRESHOLDS.discountMediumAbove, "low"],
    [SALES_THRESHOLDS.discountMediumAbove + 1, "medium"],
    [SALES_THRESHOLDS.discountHighAbove + 1, "high"],
  ] as const)("gives a quote with a %d%% discount risk %s", (discountPercent, risk) => {
    expect(riskOf("sales.create_quote", { ...quote, discountPercent })).toBe(risk);
  });

  it("raises a quote to high when its discounted total exceeds dealHighAbove", () => {
    const big = {
      ...quote,
      lineItems: [{ productId: "sku", quantity: 1, unitPrice: 200_000 }],
      discountPercent: 0,
    };
    expect(riskOf("sales.create_quote", big)).toBe("high");
  });

  it.each(["closed_won", "closed_lost"])(
    "raises a pipeline update to medium when the stage is %s",
    (stage) => {
      expect(riskOf("sales.update_pipeline", { opportunityId: "o", stage })).toBe("medium");
    },
  );

  it("raises a territory assignment to high when open deals move with it", () => {
    expect(riskOf("sales.assign_territory", { repId: "r", territoryId: "t", reassignOpenDeals: true })).toBe(
      "high",
    );
  });
});

describe("sales value estimators", () => {
  it("counts revenue from a won deal only when the pipeline update closes it", () => {
    expect(
      estimate("sales.update_pipeline", { opportunityId: "o", stage: "closed_won", amount: 1234.5 }),
    ).toBe(123_450);
    expect(
      estimate("sales.update_pipeline", { opportunityId: "o", stage: "negotiation", amount: 1234.5 }),
    ).toBe(0);
  });

  it("values a quote at its discounted total when created", () => {
    const quote = salesFixtures["sales.create_quote"].valid;
    expect(quoteTotal({ lineItems: [{ quantity: 40, unitPrice: 1200 }], discountPercent: 5 })).toBe(45_600);
    expect(estimate("sales.create_quote", quote)).toBe(4_560_000);
  });

  it("values a lead at its estimated value or nothing when none is given", () => {
    const lead = salesFixtures["sales.create_lead"].valid;
    expect(estimate("sales.create_lead", lead)).toBe(0);
    expect(estimate("sales.create_lead", { ...lead, estimatedValue: 20_000 })).toBe(2_000_000);
  });

  it("prices minutes saved at the hourly rate when the type is efficiency-valued", () => {
    expect(estimate("sales.qualify_lead", salesFixtures["sales.qualify_lead"].valid)).toBe(
      Math.round((SALES_MINUTES_SAVED.qualify_lead * DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents) / 60),
    );
  });

  it("estimates nothing when the guide gives the type no value", () => {
    expect(estimate("sales.log_activity", salesFixtures["sales.log_activity"].valid)).toBe(0);
  });
});
