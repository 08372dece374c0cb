import { readFileSync } from "node:fs";
import {
  describeDomainConformance,
  describeReadmeConformance,
  probeDomain,
} from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { salesDomain } from "./domain";
import { salesFixtures } from "./fixtures";
import { quoteTotal } from "./intent-types";
import { SALES_THRESHOLDS as T } from "./risk-thresholds";
import { SALES_MINUTES_SAVED } from "./value-defaults";

const { estimate, rejectionOf, riskOf } = probeDomain(salesDomain);
const guideOpportunity = {
  leadId: "lead_123",
  dealName: "Enterprise License - Acme Corp",
  amount: 50000,
  stage: "qualification",
  closeDate: "2026-03-31",
};
const proposal = salesFixtures["sales.send_proposal"].valid;
const quote = salesFixtures["sales.create_quote"].valid;

describeDomainConformance({
  domain: salesDomain,
  fixtures: salesFixtures,
  types: {
    "sales.create_lead": ["Create new lead", "revenue", "low", 0],
    "sales.qualify_lead": ["Qualify/disqualify lead", "efficiency", "low", 1_000],
    "sales.create_opportunity": ["Create sales opportunity", "revenue", "low", 5_000_000],
    "sales.update_pipeline": ["Update deal stage", "revenue", "low", 0],
    "sales.schedule_call": ["Schedule sales call", "efficiency", "low", 500],
    "sales.send_proposal": ["Send proposal/quote", "revenue", "medium", 4_800_000],
    "sales.create_quote": ["Generate price quote", "revenue", "low", 4_560_000],
    "sales.assign_territory": ["Assign rep territory", "efficiency", "medium", 1_500],
    "sales.forecast_revenue": ["Generate forecast", null, "low", 0],
    "sales.log_activity": ["Log sales activity", null, "low", 0],
  },
  typo: { dealname: "x" },
  guideExamples: [
    {
      type: "sales.create_opportunity",
      params: guideOpportunity,
      parsed: { ...guideOpportunity, currency: "USD" },
      risk: "low",
      valueCents: 5_000_000,
    },
  ],
  escalations: [
    {
      type: "sales.create_opportunity",
      base: guideOpportunity,
      field: "amount",
      limit: T.opportunityMediumAbove,
      atLimit: "low",
      above: "medium",
    },
    {
      type: "sales.send_proposal",
      base: proposal,
      field: "amount",
      limit: T.dealHighAbove,
      atLimit: "medium",
      above: "high",
    },
    {
      type: "sales.create_quote",
      base: quote,
      field: "discountPercent",
      limit: T.discountMediumAbove,
      atLimit: "low",
      above: "medium",
    },
    {
      type: "sales.create_quote",
      base: quote,
      field: "discountPercent",
      limit: T.discountHighAbove,
      atLimit: "medium",
      above: "high",
    },
  ],
  dateOrders: [{ type: "sales.forecast_revenue", start: "periodStart", end: "periodEnd" }],
  estimators: { minutesSaved: SALES_MINUTES_SAVED },
});

describeReadmeConformance(salesDomain, readFileSync(new URL("../README.md", import.meta.url), "utf8"));

describe("sales risk escalation", () => {
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
    expect(quoteTotal({ lineItems: [{ quantity: 40, unitPrice: 1200 }], discountPercent: 5 })).toBe(45_600);
    expect(estimate("sales.create_quote", quote)).toBe(4_560_000);
  });

  it("accepts a quote line item included at no charge and values the quote at its paid items", () => {
    const lineItems = [
      { productId: "sku_pro", quantity: 40, unitPrice: 1200 },
      { productId: "onboarding", quantity: 1, unitPrice: 0 },
    ];
    expect(estimate("sales.create_quote", { ...quote, lineItems })).toBe(4_560_000);
  });

  it("rejects a negative unit price when a quote is classified", () => {
    const lineItems = [{ productId: "sku_pro", quantity: 1, unitPrice: -1 }];
    expect(rejectionOf("sales.create_quote", { ...quote, lineItems }).details).toEqual([
      { path: ["params", "lineItems", 0, "unitPrice"], message: "Must not be negative" },
    ]);
  });

  it("estimates nothing for an amount in another currency rather than counting it as dollars", () => {
    const opportunity = salesFixtures["sales.create_opportunity"].valid;
    expect(estimate("sales.create_opportunity", { ...opportunity, currency: "EUR" })).toBe(0);
    expect(estimate("sales.create_quote", { ...quote, currency: "JPY" })).toBe(0);
    const proposal = salesFixtures["sales.send_proposal"].valid;
    expect(estimate("sales.send_proposal", { ...proposal, currency: "GBP" })).toBe(0);
    const won = { opportunityId: "o", stage: "closed_won", amount: 1234.5, currency: "EUR" };
    expect(estimate("sales.update_pipeline", won)).toBe(0);
    const lead = { ...salesFixtures["sales.create_lead"].valid, estimatedValue: 20_000, currency: "CAD" };
    expect(estimate("sales.create_lead", lead)).toBe(0);
    expect(estimate("sales.create_opportunity", { ...opportunity, currency: "USD" })).toBe(5_000_000);
  });

  it("values a lead at its estimated value or nothing when none is given", () => {
    const lead = salesFixtures["sales.create_lead"].valid;
    expect(estimate("sales.create_lead", lead)).toBe(0);
    expect(estimate("sales.create_lead", { ...lead, estimatedValue: 20_000 })).toBe(2_000_000);
  });
});
