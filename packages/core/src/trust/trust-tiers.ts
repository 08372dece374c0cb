import { TRUST_TIERS, type TrustTier } from "../model/enums";
import { DEFAULT_TRUST_CONFIG, type TierBand, type TrustConfig } from "./trust-config";

/** Names and score bands of the default tiers: T0 Probation … T4 Privileged. */
export const TRUST_TIER_INFO: Readonly<Record<TrustTier, TierBand>> = DEFAULT_TRUST_CONFIG.tiers;

/** Lowest and highest possible trust score. */
export const MIN_TRUST_SCORE = 0;
export const MAX_TRUST_SCORE = 1000;

/** The tier whose band holds `score` (clamped to 0–1000). */
export function tierForScore(score: number, config: TrustConfig = DEFAULT_TRUST_CONFIG): TrustTier {
  const clamped = clampScore(score);
  for (let i = TRUST_TIERS.length - 1; i > 0; i--) {
    const tier = TRUST_TIERS[i]!;
    if (clamped >= config.tiers[tier].minScore) return tier;
  }
  return "T0";
}

/** A tier's display name, e.g. `T2` → `Trusted`. */
export function tierName(tier: TrustTier, config: TrustConfig = DEFAULT_TRUST_CONFIG): string {
  return config.tiers[tier].name;
}

/** An integer score inside 0–1000. */
export function clampScore(score: number): number {
  if (Number.isNaN(score)) return MIN_TRUST_SCORE;
  return Math.min(MAX_TRUST_SCORE, Math.max(MIN_TRUST_SCORE, Math.round(score)));
}

/** `score` moved into `tier`'s band (nearest edge when outside). */
export function clampScoreToTier(
  score: number,
  tier: TrustTier,
  config: TrustConfig = DEFAULT_TRUST_CONFIG,
): number {
  const band = config.tiers[tier];
  return Math.min(band.maxScore, Math.max(band.minScore, clampScore(score)));
}
