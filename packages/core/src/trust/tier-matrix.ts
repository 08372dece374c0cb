import type { IntentClass, RiskLevel, TrustTier } from "../model/enums";

/** What a tier may do without a human at one risk level. */
export type MatrixVerdict = "allow" | "require_approval";

/** The default decision when no enforced policy matches: trust tier × risk level. */
export type TierMatrix = Readonly<Record<TrustTier, Readonly<Record<RiskLevel, MatrixVerdict>>>>;

/**
 * The matrix: T0 needs a human above low risk, T1 auto-allows low, T2 low and medium,
 * T3 up to high, T4 everything but critical. Critical never auto-allows from the matrix.
 */
export const DEFAULT_TIER_MATRIX: TierMatrix = Object.freeze({
  T0: Object.freeze({
    low: "allow",
    medium: "require_approval",
    high: "require_approval",
    critical: "require_approval",
  }),
  T1: Object.freeze({
    low: "allow",
    medium: "require_approval",
    high: "require_approval",
    critical: "require_approval",
  }),
  T2: Object.freeze({
    low: "allow",
    medium: "allow",
    high: "require_approval",
    critical: "require_approval",
  }),
  T3: Object.freeze({ low: "allow", medium: "allow", high: "allow", critical: "require_approval" }),
  T4: Object.freeze({ low: "allow", medium: "allow", high: "allow", critical: "require_approval" }),
});

/**
 * Tiers listed here may act alone only on read-only intent classes, whatever the matrix says;
 * it keeps T0 strictly below T1 at low risk.
 */
export interface ReadOnlyClassRule {
  readonly tiers: readonly TrustTier[];
  readonly readOnlyClasses: readonly IntentClass[];
}

export const DEFAULT_READ_ONLY_CLASS_RULE: ReadOnlyClassRule = Object.freeze({
  tiers: Object.freeze(["T0"]) as readonly TrustTier[],
  readOnlyClasses: Object.freeze(["lookup", "reporting", "analysis"]) as readonly IntentClass[],
});

/** True when the rule sends this tier's intent of this class to a human (an unknown class counts as a write). */
export function readOnlyRuleRequiresApproval(
  rule: ReadOnlyClassRule,
  tier: TrustTier,
  intentClass: IntentClass | undefined,
): boolean {
  if (!rule.tiers.includes(tier)) return false;
  return intentClass === undefined || !rule.readOnlyClasses.includes(intentClass);
}
