import {
  dateField,
  dateOrderOk,
  defineIntentType,
  efficiencyCents,
  emailField,
  idField,
  riskForAmount,
  riskMitigationCents,
  textField,
  urlField,
} from "@intendedops/core";
import { z } from "zod";
import { COMPLIANCE_THRESHOLDS as T } from "./risk-thresholds";
import {
  COMPLIANCE_MINUTES_SAVED as MINUTES,
  COMPLIANCE_RISK_MITIGATION_CENTS as RISK_MITIGATION,
} from "./value-defaults";

export const FRAMEWORKS = [
  "soc2",
  "iso27001",
  "gdpr",
  "ccpa",
  "hipaa",
  "pci_dss",
  "nist_csf",
  "other",
] as const;

const framework = z.enum(FRAMEWORKS);
const idList = (description: string, max: number) =>
  z.array(idField("An id")).min(1).max(max).describe(description);

export const checkControlType = defineIntentType({
  name: "compliance.check_control",
  description: "Run control assessment",
  valueCategory: "risk_mitigation",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      controlId: idField("Control to test, e.g. CC6.1"),
      framework: framework.describe("Framework the control belongs to"),
      scope: textField("Systems or teams in scope", 1_000).optional(),
      automated: z
        .boolean()
        .default(true)
        .describe("Run the automated test rather than a manual walkthrough"),
    })
    .strict(),
  estimateValue: (_p, s) => riskMitigationCents(s, "compliance.check_control", RISK_MITIGATION.check_control),
});

export const EVIDENCE_TYPES = [
  "screenshot",
  "document",
  "log_export",
  "configuration",
  "attestation",
  "other",
] as const;

export const recordEvidenceType = defineIntentType({
  name: "compliance.record_evidence",
  description: "Document compliance evidence",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      controlId: idField("Control the evidence supports"),
      evidenceType: z.enum(EVIDENCE_TYPES).describe("Kind of evidence"),
      description: textField("What the evidence shows", 5_000),
      fileUrl: urlField("Where the evidence file is stored").optional(),
      collectedOn: dateField("Date the evidence was collected (YYYY-MM-DD)").optional(),
    })
    .strict(),
  estimateValue: (_p, s) =>
    riskMitigationCents(s, "compliance.record_evidence", RISK_MITIGATION.record_evidence),
});

export const REPORT_AUDIENCES = ["internal", "auditor", "customer"] as const;

export const generateReportType = defineIntentType({
  name: "compliance.generate_report",
  description: "Create compliance report",
  valueCategory: "efficiency",
  intentClass: "reporting",
  defaultRisk: "low",
  params: z
    .object({
      framework: framework.describe("Framework the report covers"),
      periodStart: dateField("First day of the reporting period (YYYY-MM-DD)"),
      periodEnd: dateField("Last day of the reporting period (YYYY-MM-DD)"),
      audience: z.enum(REPORT_AUDIENCES).default("internal").describe("Who will read the report"),
      format: z.enum(["pdf", "csv", "html"]).default("pdf").describe("Output format"),
    })
    .strict()
    .refine((p) => dateOrderOk(p.periodStart, p.periodEnd), {
      path: ["periodEnd"],
      message: "periodEnd must not be before periodStart",
    }),
  // A report leaving the company discloses control details.
  escalateRisk: (p) => (p.audience === "internal" ? undefined : "medium"),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.generate_report, settings),
});

export const DSAR_REQUEST_TYPES = [
  "access",
  "rectification",
  "erasure",
  "restriction",
  "portability",
  "objection",
] as const;
export const DSAR_JURISDICTIONS = ["gdpr", "uk_gdpr", "ccpa", "lgpd", "other"] as const;

export const processDsarType = defineIntentType({
  name: "compliance.process_dsar",
  description: "Handle data subject request",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  // Personal data leaves or changes on a data subject's say-so: a human checks every one by default.
  defaultRisk: "high",
  params: z
    .object({
      requestType: z.enum(DSAR_REQUEST_TYPES).describe("Data subject right exercised (GDPR Articles 15–21)"),
      subjectEmail: emailField("Email of the data subject"),
      deadline: dateField("Statutory response deadline (YYYY-MM-DD)"),
      jurisdiction: z.enum(DSAR_JURISDICTIONS).optional().describe("Law the request is made under"),
      requestId: idField("Reference of the request in the privacy portal").optional(),
      identityVerified: z.boolean().optional().describe("The requester's identity has been verified"),
    })
    .strict(),
  // Erasure cannot be undone.
  escalateRisk: (p) => (p.requestType === "erasure" ? "critical" : undefined),
  estimateValue: (_p, s) => riskMitigationCents(s, "compliance.process_dsar", RISK_MITIGATION.process_dsar),
});

export const RISK_TREATMENTS = ["mitigate", "accept", "transfer", "avoid"] as const;
const rating = (what: string) =>
  z.number().int().min(1).max(5).describe(`${what} from 1 (lowest) to 5 (highest)`);

export const updateRiskAssessmentType = defineIntentType({
  name: "compliance.update_risk_assessment",
  description: "Update risk register",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      riskId: idField("Risk register entry"),
      likelihood: rating("Likelihood"),
      impact: rating("Impact"),
      treatment: z.enum(RISK_TREATMENTS).describe("How the risk is handled"),
      ownerId: idField("Person accountable for the risk").optional(),
      notes: textField("Rationale for the rating and treatment", 5_000).optional(),
    })
    .strict(),
  escalateRisk: (p) =>
    p.treatment === "accept" && p.likelihood * p.impact >= T.acceptedRiskHighAtScore ? "high" : undefined,
  estimateValue: (_p, s) =>
    riskMitigationCents(s, "compliance.update_risk_assessment", RISK_MITIGATION.update_risk_assessment),
});

export const AUDIT_TYPES = ["internal", "external"] as const;

export const scheduleAuditType = defineIntentType({
  name: "compliance.schedule_audit",
  description: "Schedule compliance audit",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      framework: framework.describe("Framework audited against"),
      auditType: z.enum(AUDIT_TYPES).describe("internal team or external auditor"),
      startDate: dateField("First day of fieldwork (YYYY-MM-DD)"),
      endDate: dateField("Last day of fieldwork (YYYY-MM-DD)").optional(),
      auditorId: idField("Auditor or audit firm").optional(),
      scope: textField("Systems, teams and controls in scope", 2_000).optional(),
    })
    .strict()
    .refine((p) => dateOrderOk(p.startDate, p.endDate), {
      path: ["endDate"],
      message: "endDate must not be before startDate",
    }),
  // An external audit commits budget and auditor time.
  escalateRisk: (p) => (p.auditType === "external" ? "medium" : undefined),
  estimateValue: (_p, s) =>
    riskMitigationCents(s, "compliance.schedule_audit", RISK_MITIGATION.schedule_audit),
});

export const REMEDIATION_STATUSES = ["open", "in_progress", "remediated", "risk_accepted"] as const;

export const trackRemediationType = defineIntentType({
  name: "compliance.track_remediation",
  description: "Track finding remediation",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      findingId: idField("Audit or assessment finding"),
      status: z.enum(REMEDIATION_STATUSES).describe("Where remediation stands"),
      dueDate: dateField("Remediation due date (YYYY-MM-DD)").optional(),
      ownerId: idField("Person remediating the finding").optional(),
      note: textField("Progress note", 5_000).optional(),
    })
    .strict(),
  // Closing a finding by accepting its risk is a management decision.
  escalateRisk: (p) => (p.status === "risk_accepted" ? "medium" : undefined),
  estimateValue: (_p, s) =>
    riskMitigationCents(s, "compliance.track_remediation", RISK_MITIGATION.track_remediation),
});

export const DATA_ACCESS_LEVELS = ["none", "internal", "confidential", "personal", "sensitive"] as const;

export const assessVendorType = defineIntentType({
  name: "compliance.assess_vendor",
  description: "Vendor compliance check",
  valueCategory: "risk_mitigation",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      vendorId: idField("Vendor to check"),
      frameworks: z.array(framework).min(1).describe("Frameworks the vendor is checked against"),
      dataAccess: z
        .enum(DATA_ACCESS_LEVELS)
        .default("none")
        .describe("Most sensitive data the vendor can reach"),
      questionnaireId: idField("Security questionnaire to send or score").optional(),
    })
    .strict(),
  estimateValue: (_p, s) => riskMitigationCents(s, "compliance.assess_vendor", RISK_MITIGATION.assess_vendor),
});

export const reviewPolicyType = defineIntentType({
  name: "compliance.review_policy",
  description: "Policy review workflow",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      policyId: idField("Company policy document to review"),
      reviewerIds: idList("People who review the policy", 20),
      dueDate: dateField("Review due date (YYYY-MM-DD)"),
      changeSummary: textField("Proposed changes", 5_000).optional(),
    })
    .strict(),
  estimateValue: (_p, s) => riskMitigationCents(s, "compliance.review_policy", RISK_MITIGATION.review_policy),
});

export const trainEmployeeType = defineIntentType({
  name: "compliance.train_employee",
  description: "Compliance training",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      employeeIds: idList("Employees assigned the course", 10_000),
      courseId: idField("Training course, e.g. security-awareness-2026"),
      dueDate: dateField("Completion due date (YYYY-MM-DD)"),
      managerEmail: emailField("Manager notified about overdue training").optional(),
    })
    .strict(),
  escalateRisk: (p) => riskForAmount(p.employeeIds.length, { mediumAbove: T.trainingMediumAbove }),
  estimateValue: (_p, s) =>
    riskMitigationCents(s, "compliance.train_employee", RISK_MITIGATION.train_employee),
});

export type CheckControlParams = z.input<typeof checkControlType.params>;
export type RecordEvidenceParams = z.input<typeof recordEvidenceType.params>;
export type GenerateReportParams = z.input<typeof generateReportType.params>;
export type ProcessDsarParams = z.input<typeof processDsarType.params>;
export type UpdateRiskAssessmentParams = z.input<typeof updateRiskAssessmentType.params>;
export type ScheduleAuditParams = z.input<typeof scheduleAuditType.params>;
export type TrackRemediationParams = z.input<typeof trackRemediationType.params>;
export type AssessVendorParams = z.input<typeof assessVendorType.params>;
export type ReviewPolicyParams = z.input<typeof reviewPolicyType.params>;
export type TrainEmployeeParams = z.input<typeof trainEmployeeType.params>;
