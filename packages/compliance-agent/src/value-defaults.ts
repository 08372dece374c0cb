/** Minutes of human work each efficiency-valued compliance type saves (priced at the hourly rate). */
export const COMPLIANCE_MINUTES_SAVED = {
  generate_report: 120,
} as const;

/**
 * Default risk-mitigation value (cents) per type; override per type with the catalog's
 * `riskMitigationCents` setting keyed by full type name, e.g. `compliance.process_dsar`.
 */
export const COMPLIANCE_RISK_MITIGATION_CENTS = {
  check_control: 10_000,
  record_evidence: 5_000,
  /** A DSAR answered on time avoids regulator complaints and fines. */
  process_dsar: 50_000,
  update_risk_assessment: 10_000,
  schedule_audit: 5_000,
  track_remediation: 7_500,
  assess_vendor: 10_000,
  review_policy: 5_000,
  train_employee: 2_000,
} as const;
