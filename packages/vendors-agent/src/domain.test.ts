import { readFileSync } from "node:fs";
import {
  describeDomainConformance,
  describeReadmeConformance,
  probeDomain,
} from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { vendorsDomain } from "./domain";
import { vendorsFixtures } from "./fixtures";
import { VENDORS_THRESHOLDS as T } from "./risk-thresholds";
import {
  VENDORS_COST_SAVINGS_CENTS,
  VENDORS_MINUTES_SAVED,
  VENDORS_RISK_MITIGATION_CENTS,
} from "./value-defaults";

const { riskOf } = probeDomain(vendorsDomain);
const onboarding = { vendorName: "Acme", category: "software", contactEmail: "a@acme.com" };
const approval = { vendorId: "v", dataAccess: "internal" };
const termination = { vendorId: "v", reason: "cost", effectiveDate: "2026-04-01" };
const renewal = { vendorId: "v", contractId: "c", termMonths: 12 };

describeDomainConformance({
  domain: vendorsDomain,
  fixtures: vendorsFixtures,
  types: {
    "vendors.onboard_vendor": ["Start vendor onboarding", "efficiency", "medium", 12_000],
    "vendors.request_assessment": ["Request vendor assessment", "risk_mitigation", "low", 50_000],
    "vendors.review_contract": ["Review vendor contract", "risk_mitigation", "low", 40_000],
    "vendors.update_risk_score": ["Update vendor risk rating", "risk_mitigation", "medium", 10_000],
    "vendors.schedule_review": ["Schedule periodic review", "risk_mitigation", "low", 5_000],
    "vendors.request_documents": ["Request compliance docs", "risk_mitigation", "low", 10_000],
    "vendors.approve_vendor": ["Approve vendor status", "efficiency", "medium", 3_000],
    "vendors.terminate_vendor": ["Offboard vendor", "risk_mitigation", "high", 100_000],
    "vendors.track_performance": ["Monitor vendor KPIs", "cost_savings", "low", 25_000],
    "vendors.renew_contract": ["Process contract renewal", null, "medium", 0],
  },
  typo: { vendorNmae: "x" },
  escalations: [
    {
      type: "vendors.onboard_vendor",
      base: onboarding,
      field: "expectedAnnualSpend",
      limit: T.onboardingHighAbove,
      atLimit: "medium",
      above: "high",
    },
    {
      type: "vendors.approve_vendor",
      base: approval,
      field: "annualSpend",
      limit: T.approvalHighAbove,
      atLimit: "medium",
      above: "high",
    },
    {
      type: "vendors.terminate_vendor",
      base: termination,
      field: "annualSpend",
      limit: T.terminationCriticalAbove,
      atLimit: "high",
      above: "critical",
    },
    {
      type: "vendors.renew_contract",
      base: renewal,
      field: "annualValue",
      limit: T.renewalHighAbove,
      atLimit: "medium",
      above: "high",
    },
    {
      type: "vendors.renew_contract",
      base: renewal,
      field: "annualValue",
      limit: T.renewalCriticalAbove,
      atLimit: "high",
      above: "critical",
    },
  ],
  dateOrders: [{ type: "vendors.track_performance", start: "periodStart", end: "periodEnd" }],
  defaults: [
    {
      type: "vendors.terminate_vendor",
      params: { vendorId: "v", reason: "contract_end", effectiveDate: "2026-04-01" },
      parsed: {
        vendorId: "v",
        reason: "contract_end",
        effectiveDate: "2026-04-01",
        revokeAccess: true,
        dataDisposition: "destroy",
        currency: "USD",
      },
    },
  ],
  estimators: {
    minutesSaved: VENDORS_MINUTES_SAVED,
    riskMitigationCents: VENDORS_RISK_MITIGATION_CENTS,
    costSavingsCents: VENDORS_COST_SAVINGS_CENTS,
  },
});

describeReadmeConformance(vendorsDomain, readFileSync(new URL("../README.md", import.meta.url), "utf8"));

describe("vendors risk escalation", () => {
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
