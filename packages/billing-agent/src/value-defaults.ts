/**
 * Minutes of human work each efficiency-valued billing type saves; the estimator prices
 * them at the tenant's hourly rate (`hourlyRateCents`).
 */
export const BILLING_MINUTES_SAVED = {
  send_invoice: 10,
  generate_statement: 15,
  reconcile_payments: 45,
} as const;
