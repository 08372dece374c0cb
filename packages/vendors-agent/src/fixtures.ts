import type { ParamsFixture } from "@intendedops/core";
import type { VendorsTypeName } from "./domain";

/** One valid and one invalid params example per vendors intent type, for this package's tests and the API's. */
export const vendorsFixtures: Record<VendorsTypeName, ParamsFixture> = {
  "vendors.onboard_vendor": {
    valid: {
      vendorName: "Acme Analytics Ltd",
      category: "software",
      contactEmail: "sales@acme-analytics.com",
      dataAccess: "internal",
      expectedAnnualSpend: 24_000,
    },
    invalid: { vendorName: "Acme Analytics Ltd", category: "software", contactEmail: "sales at acme" },
    invalidField: "contactEmail",
  },
  "vendors.request_assessment": {
    valid: { vendorId: "vendor_123", assessmentType: "security", dueDate: "2026-03-15" },
    invalid: { vendorId: "vendor_123", assessmentType: "vibes", dueDate: "2026-03-15" },
    invalidField: "assessmentType",
  },
  "vendors.review_contract": {
    valid: { vendorId: "vendor_123", contractId: "vc_88", focusAreas: ["liability", "data_protection"] },
    invalid: { vendorId: "vendor_123", contractId: "vc_88", focusAreas: [] },
    invalidField: "focusAreas",
  },
  "vendors.update_risk_score": {
    valid: {
      vendorId: "vendor_123",
      riskScore: 62,
      riskTier: "high",
      rationale: "Pen test found two unpatched critical findings",
    },
    invalid: { vendorId: "vendor_123", riskScore: 140, riskTier: "high", rationale: "Pen test findings" },
    invalidField: "riskScore",
  },
  "vendors.schedule_review": {
    valid: { vendorId: "vendor_123", reviewDate: "2026-06-30", frequency: "semiannual" },
    invalid: { vendorId: "vendor_123", reviewDate: "next June" },
    invalidField: "reviewDate",
  },
  "vendors.request_documents": {
    valid: {
      vendorId: "vendor_123",
      documents: ["soc2_type2", "insurance_certificate"],
      dueDate: "2026-02-28",
    },
    invalid: { vendorId: "vendor_123", documents: ["soc2_type2", "horoscope"], dueDate: "2026-02-28" },
    invalidField: "documents",
  },
  "vendors.approve_vendor": {
    valid: {
      vendorId: "vendor_123",
      dataAccess: "confidential",
      annualSpend: 24_000,
      conditions: ["Annual SOC 2"],
    },
    invalid: { vendorId: "vendor_123", dataAccess: "confidential", annualSpend: 0 },
    invalidField: "annualSpend",
  },
  "vendors.terminate_vendor": {
    valid: { vendorId: "vendor_123", reason: "performance", effectiveDate: "2026-04-01" },
    invalid: { vendorId: "vendor_123", effectiveDate: "2026-04-01" },
    invalidField: "reason",
  },
  "vendors.track_performance": {
    valid: {
      vendorId: "vendor_123",
      periodStart: "2026-01-01",
      periodEnd: "2026-03-31",
      kpis: ["sla_uptime"],
    },
    invalid: { vendorId: "vendor_123", periodStart: "2026-04-01", periodEnd: "2026-03-31" },
    invalidField: "periodEnd",
  },
  "vendors.renew_contract": {
    valid: { vendorId: "vendor_123", contractId: "vc_88", termMonths: 12, annualValue: 18_000 },
    invalid: { vendorId: "vendor_123", contractId: "vc_88", termMonths: 12.5, annualValue: 18_000 },
    invalidField: "termMonths",
  },
};
