import type { ParamsFixture } from "@intendedops/core";
import type { ComplianceTypeName } from "./domain";

/**
 * One valid and one invalid params example per compliance intent type (for package and
 * API tests). `process_dsar`'s valid example is the guide's, verbatim.
 */
export const complianceFixtures: Record<ComplianceTypeName, ParamsFixture> = {
  "compliance.check_control": {
    valid: { controlId: "CC6.1", framework: "soc2", scope: "Production AWS accounts" },
    invalid: { controlId: "CC6.1", framework: "soc3" },
    invalidField: "framework",
  },
  "compliance.record_evidence": {
    valid: {
      controlId: "CC6.1",
      evidenceType: "configuration",
      description: "IAM password policy export",
      fileUrl: "https://evidence.example.com/cc6.1/iam-policy.json",
      collectedOn: "2026-01-20",
    },
    invalid: {
      controlId: "CC6.1",
      evidenceType: "configuration",
      description: "IAM policy",
      fileUrl: "not a url",
    },
    invalidField: "fileUrl",
  },
  "compliance.generate_report": {
    valid: { framework: "iso27001", periodStart: "2026-01-01", periodEnd: "2026-03-31" },
    invalid: {
      framework: "iso27001",
      periodStart: "2026-01-01",
      periodEnd: "2026-03-31",
      audience: "public",
    },
    invalidField: "audience",
  },
  "compliance.process_dsar": {
    valid: { requestType: "access", subjectEmail: "user@example.com", deadline: "2026-03-01" },
    invalid: { requestType: "access", subjectEmail: "user@example", deadline: "2026-03-01" },
    invalidField: "subjectEmail",
  },
  "compliance.update_risk_assessment": {
    valid: { riskId: "risk_12", likelihood: 2, impact: 4, treatment: "mitigate", ownerId: "user_9" },
    invalid: { riskId: "risk_12", likelihood: 6, impact: 4, treatment: "mitigate" },
    invalidField: "likelihood",
  },
  "compliance.schedule_audit": {
    valid: { framework: "soc2", auditType: "internal", startDate: "2026-05-04", endDate: "2026-05-15" },
    invalid: { framework: "soc2", auditType: "surprise", startDate: "2026-05-04" },
    invalidField: "auditType",
  },
  "compliance.track_remediation": {
    valid: { findingId: "find_3", status: "in_progress", dueDate: "2026-04-30" },
    invalid: { findingId: "find_3", status: "done" },
    invalidField: "status",
  },
  "compliance.assess_vendor": {
    valid: { vendorId: "vendor_acme", frameworks: ["soc2", "gdpr"], dataAccess: "personal" },
    invalid: { vendorId: "vendor_acme", frameworks: [] },
    invalidField: "frameworks",
  },
  "compliance.review_policy": {
    valid: { policyId: "pol-access-control", reviewerIds: ["user_1", "user_2"], dueDate: "2026-02-28" },
    invalid: { policyId: "pol-access-control", reviewerIds: ["user_1"], dueDate: "next month" },
    invalidField: "dueDate",
  },
  "compliance.train_employee": {
    valid: { employeeIds: ["emp_1", "emp_2"], courseId: "security-awareness-2026", dueDate: "2026-03-31" },
    invalid: { employeeIds: "emp_1", courseId: "security-awareness-2026", dueDate: "2026-03-31" },
    invalidField: "employeeIds",
  },
};
