import {
  amountField,
  costSavingsCents,
  currencyField,
  dateField,
  dateOrderOk,
  defineIntentType,
  efficiencyCents,
  emailField,
  idField,
  riskForAmount,
  riskMitigationCents,
  textField,
} from "@intendedops/core";
import { z } from "zod";
import { VENDORS_THRESHOLDS as T } from "./risk-thresholds";
import {
  VENDORS_COST_SAVINGS_CENTS as COST_SAVINGS,
  VENDORS_MINUTES_SAVED as MINUTES,
  VENDORS_RISK_MITIGATION_CENTS as RISK_MITIGATION,
} from "./value-defaults";

/** Data classes a vendor may touch, least to most sensitive; the most sensitive decides review depth. */
export const DATA_ACCESS_LEVELS = ["none", "internal", "confidential", "restricted"] as const;

const dataAccessField = () =>
  z.enum(DATA_ACCESS_LEVELS).describe("Most sensitive data class the vendor will access");

export const VENDOR_CATEGORIES = [
  "software",
  "services",
  "hardware",
  "consulting",
  "logistics",
  "facilities",
  "other",
] as const;

export const onboardVendorType = defineIntentType({
  name: "vendors.onboard_vendor",
  description: "Start vendor onboarding",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      vendorName: textField("Legal name of the vendor", 200),
      category: z.enum(VENDOR_CATEGORIES).describe("What the vendor supplies"),
      contactEmail: emailField("Primary contact at the vendor"),
      dataAccess: dataAccessField().default("none"),
      expectedAnnualSpend: amountField("Expected yearly spend in the currency's major unit").optional(),
      currency: currencyField(),
      sponsorId: idField("Employee who sponsors the vendor internally").optional(),
    })
    .strict(),
  // Restricted data access makes any vendor a high-risk addition, whatever it costs.
  escalateRisk: (p) =>
    p.dataAccess === "restricted"
      ? "high"
      : riskForAmount(p.expectedAnnualSpend, { highAbove: T.onboardingHighAbove }),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.onboard_vendor, settings),
});

export const ASSESSMENT_TYPES = [
  "security",
  "privacy",
  "financial",
  "operational",
  "business_continuity",
] as const;

export const requestAssessmentType = defineIntentType({
  name: "vendors.request_assessment",
  description: "Request vendor assessment",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      vendorId: idField("Vendor to assess, e.g. vendor_123"),
      assessmentType: z.enum(ASSESSMENT_TYPES).describe("Kind of assessment the vendor must complete"),
      questionnaireId: idField(
        "Questionnaire template to send; the type's standard one when omitted",
      ).optional(),
      dueDate: dateField("Date the vendor must return the assessment by (YYYY-MM-DD)"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "vendors.request_assessment", RISK_MITIGATION.request_assessment),
});

export const CONTRACT_FOCUS_AREAS = [
  "liability",
  "data_protection",
  "termination",
  "pricing",
  "sla",
  "security",
  "intellectual_property",
] as const;

export const reviewContractType = defineIntentType({
  name: "vendors.review_contract",
  description: "Review vendor contract",
  valueCategory: "risk_mitigation",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      vendorId: idField("Vendor whose contract is reviewed"),
      contractId: idField("Vendor contract to review"),
      focusAreas: z
        .array(z.enum(CONTRACT_FOCUS_AREAS))
        .min(1, "List at least one focus area")
        .optional()
        .describe("Clauses to concentrate on; all when omitted"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "vendors.review_contract", RISK_MITIGATION.review_contract),
});

export const VENDOR_RISK_TIERS = ["low", "medium", "high", "critical"] as const;

export const updateRiskScoreType = defineIntentType({
  name: "vendors.update_risk_score",
  description: "Update vendor risk rating",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      vendorId: idField("Vendor being re-rated"),
      riskScore: z.number().int().min(0).max(100).describe("New risk score, 0 (none) to 100 (severe)"),
      riskTier: z.enum(VENDOR_RISK_TIERS).describe("Risk tier the score maps to"),
      rationale: textField("Why the rating changes: findings, incidents, new evidence"),
      assessmentId: idField("Assessment the new rating is based on").optional(),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "vendors.update_risk_score", RISK_MITIGATION.update_risk_score),
});

export const REVIEW_FREQUENCIES = ["monthly", "quarterly", "semiannual", "annual"] as const;

export const scheduleReviewType = defineIntentType({
  name: "vendors.schedule_review",
  description: "Schedule periodic review",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      vendorId: idField("Vendor to review"),
      reviewDate: dateField("Date of the next review (YYYY-MM-DD)"),
      frequency: z.enum(REVIEW_FREQUENCIES).default("annual").describe("How often the review repeats"),
      reviewers: z
        .array(idField("Reviewer's user id"))
        .min(1, "List at least one reviewer")
        .optional()
        .describe("Who performs the review; the vendor owner when omitted"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "vendors.schedule_review", RISK_MITIGATION.schedule_review),
});

export const VENDOR_DOCUMENTS = [
  "soc2_type2",
  "iso27001",
  "pen_test_report",
  "insurance_certificate",
  "dpa",
  "w9",
  "financial_statements",
  "business_continuity_plan",
] as const;

export const requestDocumentsType = defineIntentType({
  name: "vendors.request_documents",
  description: "Request compliance docs",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      vendorId: idField("Vendor asked for documents"),
      documents: z
        .array(z.enum(VENDOR_DOCUMENTS))
        .min(1, "List at least one document")
        .describe("Documents to request"),
      dueDate: dateField("Date the vendor must provide the documents by (YYYY-MM-DD)"),
      contactEmail: emailField(
        "Vendor contact to send the request to; the primary contact when omitted",
      ).optional(),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "vendors.request_documents", RISK_MITIGATION.request_documents),
});

export const approveVendorType = defineIntentType({
  name: "vendors.approve_vendor",
  description: "Approve vendor status",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "medium",
  params: z
    .object({
      vendorId: idField("Vendor to approve"),
      dataAccess: dataAccessField(),
      annualSpend: amountField("Approved yearly spend in the currency's major unit").optional(),
      currency: currencyField(),
      conditions: z
        .array(textField("One condition, e.g. annual SOC 2 report", 500))
        .optional()
        .describe("Conditions attached to the approval"),
    })
    .strict(),
  escalateRisk: (p) =>
    p.dataAccess === "restricted" ? "high" : riskForAmount(p.annualSpend, { highAbove: T.approvalHighAbove }),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.approve_vendor, settings),
});

export const TERMINATION_REASONS = [
  "contract_end",
  "performance",
  "security_incident",
  "cost",
  "consolidation",
  "other",
] as const;

export const DATA_DISPOSITIONS = ["return", "destroy", "retain"] as const;

export const terminateVendorType = defineIntentType({
  name: "vendors.terminate_vendor",
  description: "Offboard vendor",
  valueCategory: "risk_mitigation",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      vendorId: idField("Vendor to offboard"),
      reason: z.enum(TERMINATION_REASONS).describe("Why the relationship ends"),
      effectiveDate: dateField("Date the termination takes effect (YYYY-MM-DD)"),
      revokeAccess: z
        .boolean()
        .default(true)
        .describe("Revoke the vendor's system access on the effective date"),
      dataDisposition: z
        .enum(DATA_DISPOSITIONS)
        .default("destroy")
        .describe("What the vendor must do with our data"),
      annualSpend: amountField("Current yearly spend in the currency's major unit").optional(),
      currency: currencyField(),
    })
    .strict(),
  escalateRisk: (p) => riskForAmount(p.annualSpend, { criticalAbove: T.terminationCriticalAbove }),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "vendors.terminate_vendor", RISK_MITIGATION.terminate_vendor),
});

export const VENDOR_KPIS = [
  "sla_uptime",
  "on_time_delivery",
  "defect_rate",
  "response_time",
  "cost_variance",
  "csat",
] as const;

export const trackPerformanceType = defineIntentType({
  name: "vendors.track_performance",
  description: "Monitor vendor KPIs",
  valueCategory: "cost_savings",
  intentClass: "reporting",
  defaultRisk: "low",
  params: z
    .object({
      vendorId: idField("Vendor to measure"),
      periodStart: dateField("First day of the measured period (YYYY-MM-DD)"),
      periodEnd: dateField("Last day of the measured period (YYYY-MM-DD)"),
      kpis: z
        .array(z.enum(VENDOR_KPIS))
        .min(1, "List at least one KPI")
        .optional()
        .describe("KPIs to measure; every tracked KPI when omitted"),
    })
    .strict()
    .refine((p) => dateOrderOk(p.periodStart, p.periodEnd), {
      path: ["periodEnd"],
      message: "periodEnd must not be before periodStart",
    }),
  estimateValue: (_p, settings) =>
    costSavingsCents(settings, "vendors.track_performance", COST_SAVINGS.track_performance),
});

export const renewContractType = defineIntentType({
  name: "vendors.renew_contract",
  description: "Process contract renewal",
  valueCategory: null,
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      vendorId: idField("Vendor whose contract renews"),
      contractId: idField("Vendor contract to renew"),
      termMonths: z.number().int().min(1).max(120).describe("Length of the renewal term in months"),
      annualValue: amountField("Yearly contract value after renewal in the currency's major unit"),
      currency: currencyField(),
      priceChangePercent: z
        .number()
        .min(-100)
        .max(1_000)
        .optional()
        .describe("Price change versus the current term in percent; negative for a discount"),
    })
    .strict(),
  escalateRisk: (p) =>
    riskForAmount(p.annualValue, { highAbove: T.renewalHighAbove, criticalAbove: T.renewalCriticalAbove }),
});

export type OnboardVendorParams = z.input<typeof onboardVendorType.params>;
export type RequestAssessmentParams = z.input<typeof requestAssessmentType.params>;
export type ReviewContractParams = z.input<typeof reviewContractType.params>;
export type UpdateRiskScoreParams = z.input<typeof updateRiskScoreType.params>;
export type ScheduleReviewParams = z.input<typeof scheduleReviewType.params>;
export type RequestDocumentsParams = z.input<typeof requestDocumentsType.params>;
export type ApproveVendorParams = z.input<typeof approveVendorType.params>;
export type TerminateVendorParams = z.input<typeof terminateVendorType.params>;
export type TrackPerformanceParams = z.input<typeof trackPerformanceType.params>;
export type RenewContractParams = z.input<typeof renewContractType.params>;
