/**
 * Limits above which sales intents need more care (amounts in the currency's major unit,
 * discounts in percent). Risk only ever rises.
 */
export const SALES_THRESHOLDS = {
  /** Opportunities above this are medium risk (they move the forecast). */
  opportunityMediumAbove: 250_000,
  /** Proposals and quotes above this are high risk (a commitment to a large price). */
  dealHighAbove: 100_000,
  /** Discounts above this percent are medium risk. */
  discountMediumAbove: 15,
  /** Discounts above this percent are high risk. */
  discountHighAbove: 30,
} as const;
