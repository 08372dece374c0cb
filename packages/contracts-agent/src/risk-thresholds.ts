/**
 * Contract values (in the currency's major unit, no conversion) above which contract intents
 * need more care. An auto-renewal commits both parties to another term without anyone
 * re-reading the deal, so large ones deserve a human look. Risk only ever rises.
 */
export const CONTRACTS_THRESHOLDS = {
  /** Drafting an agreement worth more than this is medium risk (default low). */
  agreementMediumAbove: 100_000,
  /** Drafting an agreement worth more than this is high risk. */
  agreementHighAbove: 1_000_000,
  /** An amendment that sets the contract value above this is high risk (default medium). */
  amendmentHighAbove: 100_000,
  /** Auto-renewing a contract whose renewal value exceeds this is high risk (default medium). */
  autoRenewHighAbove: 50_000,
  /** Auto-renewing a contract whose renewal value exceeds this is critical. */
  autoRenewCriticalAbove: 500_000,
} as const;
