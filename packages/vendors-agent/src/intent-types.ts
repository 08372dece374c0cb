import { costSavingsCents, defineIntentType, efficiencyCents, riskMitigationCents } from "@intendedops/core";
import { z } from "zod";
import { currency, id, isoDate, money } from "./param-fields";

/**
 * Amounts (major currency unit, in the intent's own currency, no conversion) above which vendor
 * intents need more scrutiny. Annual spend is what makes a vendor strategic: adding, approving,
 * losing or renewing one at that size is a budget decision, not a routine task.
 */
export const VENDORS_THRESHOLDS = {
  /** Onboarding a vendor with expected annual spend above this is high risk (default medium). */
  onboardingHighAbove: 100_000,
  /** Approving a vendor with annual spend above this is high risk (default medium). */
  approvalHighAbove: 100_000,
  /** Terminating a vendor with annual spend above this is critical (default high). */
  terminationCriticalAbove: 250_000,
  /** Renewing a vendor contract with annual value above this is high risk (default medium). */
  renewalHighAbove: 50_000,
  /** Renewing a vendor contract with annual value above this is critical. */
  renewalCriticalAbove: 250_000,
} as const;

/** Minutes of human work each efficiency-valued vendor intent saves. */
export const VENDORS_MINUTES_SAVED = {
  onboard_vendor: 120,
  approve_vendor: 30,
} as const;

/** Default risk-mitigation value per vendor intent, in cents (override with `settings.riskMitigationCents`). */
export const VENDORS_RISK_MITIGATION_CENTS = {
  request_assessment: 50_000,
  review_contract: 40_000,
  update_risk_score: 10_000,
  schedule_review: 5_000,
  request_documents: 10_000,
  terminate_vendor: 100_000,
} as const;

/** Default cost-savings value per vendor intent, in cents (override with `settings.costSavingsCents`). */
export const VENDORS_COST_SAVINGS_CENTS = {
  track_performance: 25_000,
} as const;

const vendorId = id("Vendor identifier in the vendor register");

/** The most sensitive data a vendor touches decides how deep its review must go. */
const dataAccess = z
  .enum(["none", "internal", "confidential", "restricted"])
  .describe("Most sensitive data class the vendor will access: none, internal, confidential or restricted");

export const onboardVendor = defineIntentType({
  name: "vendors.onboard_vendor",
  description: "Start vendor onboarding",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      vendorName: z.string().min(1, "Must not be empty").describe("Legal name of the vendor"),
      category: z
        .enum(["software", "services", "hardware", "consulting", "logistics", "facilities", "other"])
        .describe("What the vendor supplies"),
      contactEmail: z.email().describe("Primary contact at the vendor"),
      dataAccess: dataAccess.default("none"),
      expectedAnnualSpend: money("Expected yearly spend with the vendor").optional(),
      currency: currency(),
      sponsorId: id("Employee who sponsors the vendor internally").optional(),
    })
    .strict(),
  escalateRisk: (p) =>
    p.dataAccess === "restricted" || (p.expectedAnnualSpend ?? 0) > VENDORS_THRESHOLDS.onboardingHighAbove
      ? "high"
      : undefined,
  estimateValue: (_p, settings) => efficiencyCents(VENDORS_MINUTES_SAVED.onboard_vendor, settings),
});

export const requestAssessment = defineIntentType({
  name: "vendors.request_assessment",
  description: "Request vendor assessment",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      vendorId,
      assessmentType: z
        .enum(["security", "privacy", "financial", "operational", "business_continuity"])
        .describe("Kind of assessment the vendor must complete"),
      questionnaireId: id("Questionnaire template to send; the type's standard one when omitted").optional(),
      dueDate: isoDate("Date the vendor must return the assessment by"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "vendors.request_assessment",
      VENDORS_RISK_MITIGATION_CENTS.request_assessment,
    ),
});

export const reviewContract = defineIntentType({
  name: "vendors.review_contract",
  description: "Review vendor contract",
  valueCategory: "risk_mitigation",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      vendorId,
      contractId: id("Vendor contract to review"),
      focusAreas: z
        .array(z.enum(["liability", "data_protection", "termination", "pricing", "sla", "security", "ip"]))
        .min(1, "List at least one focus area")
        .optional()
        .describe("Clauses to concentrate on; all when omitted"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "vendors.review_contract", VENDORS_RISK_MITIGATION_CENTS.review_contract),
});

export const updateRiskScore = defineIntentType({
  name: "vendors.update_risk_score",
  description: "Update vendor risk rating",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      vendorId,
      riskScore: z
        .number()
        .int()
        .min(0)
        .max(100)
        .describe("New inherent risk score, 0 (none) to 100 (severe)"),
      riskTier: z.enum(["low", "medium", "high", "critical"]).describe("Risk tier the score maps to"),
      rationale: z
        .string()
        .min(1, "Must not be empty")
        .describe("Why the rating changes (findings, incidents)"),
      assessmentId: id("Assessment the new rating is based on").optional(),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "vendors.update_risk_score",
      VENDORS_RISK_MITIGATION_CENTS.update_risk_score,
    ),
});

export const scheduleReview = defineIntentType({
  name: "vendors.schedule_review",
  description: "Schedule periodic review",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      vendorId,
      reviewDate: isoDate("Date of the next review"),
      frequency: z
        .enum(["monthly", "quarterly", "semiannual", "annual"])
        .default("annual")
        .describe("How often the review repeats (default annual)"),
      reviewers: z.array(id("Reviewer user id")).min(1, "List at least one reviewer").optional(),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "vendors.schedule_review", VENDORS_RISK_MITIGATION_CENTS.schedule_review),
});

export const requestDocuments = defineIntentType({
  name: "vendors.request_documents",
  description: "Request compliance docs",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      vendorId,
      documents: z
        .array(
          z.enum([
            "soc2_type2",
            "iso27001",
            "pen_test_report",
            "insurance_certificate",
            "dpa",
            "w9",
            "financial_statements",
            "business_continuity_plan",
          ]),
        )
        .min(1, "List at least one document")
        .describe("Documents to request from the vendor"),
      dueDate: isoDate("Date the vendor must provide the documents by"),
      contactEmail: z
        .email()
        .optional()
        .describe("Vendor contact to send the request to; the primary when omitted"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "vendors.request_documents",
      VENDORS_RISK_MITIGATION_CENTS.request_documents,
    ),
});

export const approveVendor = defineIntentType({
  name: "vendors.approve_vendor",
  description: "Approve vendor status",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "medium",
  params: z
    .object({
      vendorId,
      dataAccess,
      annualSpend: money("Approved yearly spend with the vendor").optional(),
      currency: currency(),
      conditions: z
        .array(z.string().min(1, "Must not be empty"))
        .optional()
        .describe("Conditions attached to the approval, e.g. annual SOC 2 report"),
    })
    .strict(),
  escalateRisk: (p) =>
    p.dataAccess === "restricted" || (p.annualSpend ?? 0) > VENDORS_THRESHOLDS.approvalHighAbove
      ? "high"
      : undefined,
  estimateValue: (_p, settings) => efficiencyCents(VENDORS_MINUTES_SAVED.approve_vendor, settings),
});

export const terminateVendor = defineIntentType({
  name: "vendors.terminate_vendor",
  description: "Offboard vendor",
  valueCategory: "risk_mitigation",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      vendorId,
      reason: z
        .enum(["contract_end", "performance", "security_incident", "cost", "consolidation", "other"])
        .describe("Why the relationship ends"),
      effectiveDate: isoDate("Date the termination takes effect"),
      revokeAccess: z
        .boolean()
        .default(true)
        .describe("Revoke the vendor's system access on the effective date"),
      dataDisposition: z
        .enum(["return", "destroy", "retain"])
        .default("destroy")
        .describe("What the vendor must do with our data (default destroy)"),
      annualSpend: money("Current yearly spend with the vendor").optional(),
      currency: currency(),
    })
    .strict(),
  escalateRisk: (p) =>
    (p.annualSpend ?? 0) > VENDORS_THRESHOLDS.terminationCriticalAbove ? "critical" : undefined,
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "vendors.terminate_vendor", VENDORS_RISK_MITIGATION_CENTS.terminate_vendor),
});

export const trackPerformance = defineIntentType({
  name: "vendors.track_performance",
  description: "Monitor vendor KPIs",
  valueCategory: "cost_savings",
  intentClass: "reporting",
  defaultRisk: "low",
  params: z
    .object({
      vendorId,
      periodStart: isoDate("First day of the measured period"),
      periodEnd: isoDate("Last day of the measured period"),
      kpis: z
        .array(
          z.enum(["sla_uptime", "on_time_delivery", "defect_rate", "response_time", "cost_variance", "csat"]),
        )
        .min(1, "List at least one KPI")
        .optional()
        .describe("KPIs to measure; all tracked KPIs when omitted"),
    })
    .strict()
    .refine((p) => p.periodEnd >= p.periodStart, {
      path: ["periodEnd"],
      message: "Must not be before periodStart",
    }),
  estimateValue: (_p, settings) =>
    costSavingsCents(settings, "vendors.track_performance", VENDORS_COST_SAVINGS_CENTS.track_performance),
});

export const renewContract = defineIntentType({
  name: "vendors.renew_contract",
  description: "Process contract renewal",
  valueCategory: null,
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      vendorId,
      contractId: id("Vendor contract to renew"),
      termMonths: z.number().int().min(1).max(120).describe("Length of the renewal term in months"),
      annualValue: money("Yearly contract value after renewal"),
      currency: currency(),
      priceChangePercent: z
        .number()
        .min(-100)
        .max(1000)
        .optional()
        .describe("Price change versus the current term, in percent (negative for a discount)"),
    })
    .strict(),
  escalateRisk: (p) => {
    if (p.annualValue > VENDORS_THRESHOLDS.renewalCriticalAbove) return "critical";
    if (p.annualValue > VENDORS_THRESHOLDS.renewalHighAbove) return "high";
    return undefined;
  },
});

export type OnboardVendorParams = z.input<typeof onboardVendor.params>;
export type RequestAssessmentParams = z.input<typeof requestAssessment.params>;
export type ReviewContractParams = z.input<typeof reviewContract.params>;
export type UpdateRiskScoreParams = z.input<typeof updateRiskScore.params>;
export type ScheduleReviewParams = z.input<typeof scheduleReview.params>;
export type RequestDocumentsParams = z.input<typeof requestDocuments.params>;
export type ApproveVendorParams = z.input<typeof approveVendor.params>;
export type TerminateVendorParams = z.input<typeof terminateVendor.params>;
export type TrackPerformanceParams = z.input<typeof trackPerformance.params>;
export type RenewContractParams = z.input<typeof renewContract.params>;
