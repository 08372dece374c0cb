import { defineDomain } from "@intendedops/core";
import {
  assessVendorType,
  checkControlType,
  generateReportType,
  processDsarType,
  recordEvidenceType,
  reviewPolicyType,
  scheduleAuditType,
  trackRemediationType,
  trainEmployeeType,
  updateRiskAssessmentType,
} from "./intent-types";

/** The compliance domain: controls, evidence, DSAR, risk assessment. */
export const complianceDomain = defineDomain({
  name: "compliance",
  description: "Controls, evidence, DSAR, risk assessment",
  types: {
    check_control: checkControlType,
    record_evidence: recordEvidenceType,
    generate_report: generateReportType,
    process_dsar: processDsarType,
    update_risk_assessment: updateRiskAssessmentType,
    schedule_audit: scheduleAuditType,
    track_remediation: trackRemediationType,
    assess_vendor: assessVendorType,
    review_policy: reviewPolicyType,
    train_employee: trainEmployeeType,
  },
});

export type ComplianceDomain = typeof complianceDomain;
/** Every compliance intent type name, e.g. `compliance.process_dsar`. */
export type ComplianceTypeName = `compliance.${keyof ComplianceDomain["types"]}`;
