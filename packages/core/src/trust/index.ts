export {
  DEFAULT_READ_ONLY_CLASS_RULE,
  DEFAULT_TIER_MATRIX,
  type MatrixVerdict,
  type ReadOnlyClassRule,
  readOnlyRuleRequiresApproval,
  type TierMatrix,
} from "./tier-matrix";
export {
  createTrustConfig,
  DEFAULT_TRUST_CONFIG,
  type TierBand,
  TRUST_EVENT_KINDS,
  type TrustConfig,
  type TrustConfigOverrides,
  type TrustEventKind,
  trustConfigIssues,
} from "./trust-config";
export {
  applyTrustOutcome,
  type InitialTrust,
  initialTrust,
  overrideTrust,
  type TrustChangeDraft,
  type TrustEvent,
  type TrustUpdate,
} from "./trust-progression";
export {
  clampScore,
  clampScoreToTier,
  MAX_TRUST_SCORE,
  MIN_TRUST_SCORE,
  TRUST_TIER_INFO,
  tierForScore,
  tierName,
} from "./trust-tiers";
