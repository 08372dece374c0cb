/**
 * Minutes of human work each efficiency-valued contracts type saves; the estimator prices
 * them at the tenant's hourly rate (`hourlyRateCents`).
 */
export const CONTRACTS_MINUTES_SAVED = {
  create_agreement: 90,
  send_for_signature: 15,
  generate_amendment: 60,
  archive_contract: 10,
  request_approval: 15,
  extract_terms: 45,
  compare_versions: 40,
} as const;

/**
 * Default risk-mitigation value per contracts type, in cents; a tenant overrides one with
 * `riskMitigationCents["contracts.<action>"]`.
 */
export const CONTRACTS_RISK_MITIGATION_CENTS = {
  notify_expiration: 20_000,
  track_obligation: 30_000,
} as const;
