export { type ComplianceAgent, type ComplianceHandlers, createComplianceAgent } from "./agent";
export { type ComplianceDomain, type ComplianceTypeName, complianceDomain } from "./domain";
export { complianceFixtures } from "./fixtures";
export {
  type AssessVendorParams,
  AUDIT_TYPES,
  assessVendorType,
  type CheckControlParams,
  checkControlType,
  DATA_ACCESS_LEVELS,
  DSAR_JURISDICTIONS,
  DSAR_REQUEST_TYPES,
  EVIDENCE_TYPES,
  FRAMEWORKS,
  type GenerateReportParams,
  generateReportType,
  type ProcessDsarParams,
  processDsarType,
  REMEDIATION_STATUSES,
  REPORT_AUDIENCES,
  type RecordEvidenceParams,
  type ReviewPolicyParams,
  RISK_TREATMENTS,
  recordEvidenceType,
  reviewPolicyType,
  type ScheduleAuditParams,
  scheduleAuditType,
  type TrackRemediationParams,
  type TrainEmployeeParams,
  trackRemediationType,
  trainEmployeeType,
  type UpdateRiskAssessmentParams,
  updateRiskAssessmentType,
} from "./intent-types";
export { COMPLIANCE_THRESHOLDS } from "./risk-thresholds";
export { COMPLIANCE_MINUTES_SAVED, COMPLIANCE_RISK_MITIGATION_CENTS } from "./value-defaults";
