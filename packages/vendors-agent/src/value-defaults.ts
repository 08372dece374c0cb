/**
 * Minutes of human work each efficiency-valued vendor type saves; the estimator prices
 * them at the tenant's hourly rate (`hourlyRateCents`).
 */
export const VENDORS_MINUTES_SAVED = {
  onboard_vendor: 120,
  approve_vendor: 30,
} as const;

/**
 * Default risk-mitigation value per vendor type, in cents; a tenant overrides one with
 * `riskMitigationCents["vendors.<action>"]`.
 */
export const VENDORS_RISK_MITIGATION_CENTS = {
  request_assessment: 50_000,
  review_contract: 40_000,
  update_risk_score: 10_000,
  schedule_review: 5_000,
  request_documents: 10_000,
  terminate_vendor: 100_000,
} as const;

/**
 * Default cost-savings value per vendor type, in cents; a tenant overrides one with
 * `costSavingsCents["vendors.<action>"]`.
 */
export const VENDORS_COST_SAVINGS_CENTS = {
  track_performance: 25_000,
} as const;
