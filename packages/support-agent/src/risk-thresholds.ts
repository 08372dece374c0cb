/** Limits above which support intents need more care. Risk only ever rises. */
export const SUPPORT_THRESHOLDS = {
  /** Merging more duplicates than this at once is high risk (a bad merge is hard to undo). */
  mergeHighAbove: 10,
} as const;
