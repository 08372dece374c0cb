/**
 * Amounts (in the currency's major unit) above which billing intents need more care.
 * Risk only ever rises: a refund is high by default and critical above `refundCriticalAbove`.
 */
export const BILLING_THRESHOLDS = {
  /** Invoices above this are high risk (a wrong large invoice damages the relationship). */
  invoiceHighAbove: 25_000,
  /** Payment collections and retries above this are high risk. */
  paymentHighAbove: 5_000,
  /** Payment collections and retries above this are critical. */
  paymentCriticalAbove: 50_000,
  /** Refunds are high by default; above this they are critical. */
  refundCriticalAbove: 10_000,
  /** Credits are high by default; above this they are critical. */
  creditCriticalAbove: 5_000,
  /** Dunning on overdue amounts above this is high risk whatever the action. */
  dunningHighAbove: 10_000,
} as const;
