/**
 * Amounts (in the currency's major unit, no conversion) above which vendor intents need more
 * care. Annual spend is what makes a vendor strategic: adding, approving, losing or renewing
 * one at that size is a budget decision, not a routine task. Risk only ever rises.
 */
export const VENDORS_THRESHOLDS = {
  /** Onboarding a vendor with expected annual spend above this is high risk (default medium). */
  onboardingHighAbove: 100_000,
  /** Approving a vendor with annual spend above this is high risk (default medium). */
  approvalHighAbove: 100_000,
  /** Terminating is high by default; a vendor with annual spend above this is critical. */
  terminationCriticalAbove: 250_000,
  /** Renewing a vendor contract with annual value above this is high risk (default medium). */
  renewalHighAbove: 50_000,
  /** Renewing a vendor contract with annual value above this is critical. */
  renewalCriticalAbove: 250_000,
} as const;
