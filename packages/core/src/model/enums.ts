import { z } from "zod";

export const RISK_LEVELS = ["low", "medium", "high", "critical"] as const;
export const RiskLevelSchema = z.enum(RISK_LEVELS);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

export const TRUST_TIERS = ["T0", "T1", "T2", "T3", "T4"] as const;
export const TrustTierSchema = z.enum(TRUST_TIERS);
export type TrustTier = z.infer<typeof TrustTierSchema>;

export const VALUE_CATEGORIES = ["efficiency", "revenue", "risk_mitigation", "cost_savings"] as const;
export const ValueCategorySchema = z.enum(VALUE_CATEGORIES);
export type ValueCategory = z.infer<typeof ValueCategorySchema>;

export const INTENT_CLASSES = [
  "reporting",
  "export",
  "admin",
  "lookup",
  "analysis",
  "write",
  "other",
] as const;
export const IntentClassSchema = z.enum(INTENT_CLASSES);
export type IntentClass = z.infer<typeof IntentClassSchema>;

export const OUTCOMES = ["allow", "require_approval", "block"] as const;
export const OutcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof OutcomeSchema>;

/** Index of a risk level or tier, for range comparisons. */
export const riskRank = (r: RiskLevel): number => RISK_LEVELS.indexOf(r);
export const tierRank = (t: TrustTier): number => TRUST_TIERS.indexOf(t);
