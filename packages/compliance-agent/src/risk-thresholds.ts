/** Limits above which compliance intents need more care. Risk only ever rises. */
export const COMPLIANCE_THRESHOLDS = {
  /** Accepting (not treating) a risk whose likelihood × impact (1–25) reaches this is high risk. */
  acceptedRiskHighAtScore: 15,
  /** Assigning training to more employees than this at once is medium risk. */
  trainingMediumAbove: 500,
} as const;
