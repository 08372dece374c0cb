/**
 * Minutes of human work each efficiency-valued identity type saves; the estimator prices
 * them at the tenant's hourly rate (`hourlyRateCents`).
 */
export const IDENTITY_MINUTES_SAVED = {
  provision_user: 30,
  assign_role: 10,
  reset_credentials: 15,
  create_group: 10,
  sync_directory: 60,
  request_access: 10,
  approve_access: 10,
} as const;

/**
 * Default risk-mitigation value per identity type, in cents; a tenant overrides one with
 * `riskMitigationCents["identity.<action>"]`.
 */
export const IDENTITY_RISK_MITIGATION_CENTS = {
  deprovision_user: 50_000,
  revoke_role: 20_000,
  initiate_access_review: 30_000,
  complete_access_review: 50_000,
  enable_mfa: 25_000,
  audit_permissions: 30_000,
  detect_anomaly: 75_000,
  rotate_credentials: 40_000,
} as const;
