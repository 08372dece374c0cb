import { formatIssues, IntendedOpsError, type ValidationIssue } from "../errors";
import { RISK_LEVELS, type RiskLevel, TRUST_TIERS, type TrustTier } from "../model/enums";

/** Outcomes that move trust. */
export type TrustEventKind = "completion" | "failure" | "rejection" | "policy_block";

export const TRUST_EVENT_KINDS: readonly TrustEventKind[] = [
  "completion",
  "failure",
  "rejection",
  "policy_block",
];

/** A tier's display name and inclusive score band. */
export interface TierBand {
  readonly name: string;
  readonly minScore: number;
  readonly maxScore: number;
}

/** Every threshold of trust progression. Build variants with `createTrustConfig`. */
export interface TrustConfig {
  /** Contiguous bands covering 0–1000, in tier order. */
  readonly tiers: Readonly<Record<TrustTier, TierBand>>;
  /** Score of a newly registered agent (inside T0's band). */
  readonly initialScore: number;
  /** Score change per outcome and risk level (positive for completions, negative otherwise). */
  readonly scoreDeltas: Readonly<Record<TrustEventKind, Readonly<Record<RiskLevel, number>>>>;
  /** How many recent outcomes an agent keeps (promotion evidence). */
  readonly outcomeWindow: number;
  readonly promotion: {
    /** Outcomes recorded in the current tier before a promotion. */
    readonly minOutcomes: number;
    /** Share of successes among those outcomes, 0–1. */
    readonly minSuccessRate: number;
    /** Time spent in the current tier, in milliseconds. */
    readonly minDwellMs: number;
  };
  readonly demotion: {
    /** Consecutive failures or rejections that demote by one tier. */
    readonly failureStreak: number;
    /** Demote once the score sits this far below the current tier's band. */
    readonly scoreMargin: number;
    /** A policy-blocked critical intent demotes by one tier. */
    readonly onCriticalBlock: boolean;
  };
}

const HOUR_MS = 3_600_000;

export const DEFAULT_TRUST_CONFIG: TrustConfig = Object.freeze({
  tiers: Object.freeze({
    T0: Object.freeze({ name: "Probation", minScore: 0, maxScore: 199 }),
    T1: Object.freeze({ name: "Supervised", minScore: 200, maxScore: 399 }),
    T2: Object.freeze({ name: "Trusted", minScore: 400, maxScore: 599 }),
    T3: Object.freeze({ name: "Autonomous", minScore: 600, maxScore: 799 }),
    T4: Object.freeze({ name: "Privileged", minScore: 800, maxScore: 1000 }),
  }),
  initialScore: 100,
  scoreDeltas: Object.freeze({
    completion: Object.freeze({ low: 5, medium: 10, high: 15, critical: 20 }),
    failure: Object.freeze({ low: -20, medium: -30, high: -40, critical: -50 }),
    rejection: Object.freeze({ low: -15, medium: -20, high: -25, critical: -30 }),
    policy_block: Object.freeze({ low: -10, medium: -15, high: -25, critical: -50 }),
  }),
  outcomeWindow: 20,
  promotion: Object.freeze({ minOutcomes: 10, minSuccessRate: 0.9, minDwellMs: 24 * HOUR_MS }),
  demotion: Object.freeze({ failureStreak: 3, scoreMargin: 50, onCriticalBlock: true }),
});

/** Partial overrides, merged section by section over the defaults. */
export interface TrustConfigOverrides {
  tiers?: Partial<Record<TrustTier, Partial<TierBand>>>;
  initialScore?: number;
  scoreDeltas?: Partial<Record<TrustEventKind, Partial<Record<RiskLevel, number>>>>;
  outcomeWindow?: number;
  promotion?: Partial<TrustConfig["promotion"]>;
  demotion?: Partial<TrustConfig["demotion"]>;
}

/**
 * Merge overrides over a base config and check it; throws VALIDATION_ERROR listing every problem.
 * @example createTrustConfig({ promotion: { minDwellMs: 0 } })
 */
export function createTrustConfig(
  overrides: TrustConfigOverrides = {},
  base: TrustConfig = DEFAULT_TRUST_CONFIG,
): TrustConfig {
  const tiers = {} as Record<TrustTier, TierBand>;
  for (const tier of TRUST_TIERS) tiers[tier] = { ...base.tiers[tier], ...overrides.tiers?.[tier] };
  const scoreDeltas = {} as Record<TrustEventKind, Record<RiskLevel, number>>;
  for (const kind of TRUST_EVENT_KINDS) {
    scoreDeltas[kind] = { ...base.scoreDeltas[kind], ...overrides.scoreDeltas?.[kind] };
  }
  const config: TrustConfig = {
    tiers,
    initialScore: overrides.initialScore ?? base.initialScore,
    scoreDeltas,
    outcomeWindow: overrides.outcomeWindow ?? base.outcomeWindow,
    promotion: { ...base.promotion, ...overrides.promotion },
    demotion: { ...base.demotion, ...overrides.demotion },
  };
  const issues = trustConfigIssues(config);
  if (issues.length > 0) {
    throw new IntendedOpsError("VALIDATION_ERROR", formatIssues(issues), issues);
  }
  return config;
}

const isInt = (n: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean =>
  Number.isInteger(n) && n >= min && n <= max;

/** Every inconsistency in a config (empty when it is usable). */
export function trustConfigIssues(config: TrustConfig): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  let expectedMin = 0;
  for (const tier of TRUST_TIERS) {
    const band = config.tiers[tier];
    if (band.minScore !== expectedMin) {
      issues.push({
        path: ["tiers", tier, "minScore"],
        message: `Must be ${expectedMin} so bands are contiguous`,
      });
    }
    if (!isInt(band.maxScore, band.minScore, 1000)) {
      issues.push({
        path: ["tiers", tier, "maxScore"],
        message: "Must be an integer between minScore and 1000",
      });
    }
    expectedMin = band.maxScore + 1;
  }
  if (config.tiers.T4.maxScore !== 1000)
    issues.push({ path: ["tiers", "T4", "maxScore"], message: "Must be 1000" });
  if (!isInt(config.initialScore, config.tiers.T0.minScore, config.tiers.T0.maxScore)) {
    issues.push({ path: ["initialScore"], message: "Must be an integer inside T0's band" });
  }
  for (const kind of TRUST_EVENT_KINDS) {
    for (const risk of RISK_LEVELS) {
      const delta = config.scoreDeltas[kind][risk];
      const signOk = kind === "completion" ? delta >= 0 : delta <= 0;
      if (!Number.isInteger(delta) || !signOk) {
        const sign = kind === "completion" ? "≥ 0" : "≤ 0";
        issues.push({ path: ["scoreDeltas", kind, risk], message: `Must be an integer ${sign}` });
      }
    }
  }
  if (!isInt(config.outcomeWindow, 1, 1000)) {
    issues.push({ path: ["outcomeWindow"], message: "Must be an integer between 1 and 1000" });
  }
  if (!isInt(config.promotion.minOutcomes, 0, config.outcomeWindow)) {
    issues.push({
      path: ["promotion", "minOutcomes"],
      message: "Must be an integer between 0 and outcomeWindow",
    });
  }
  const rate = config.promotion.minSuccessRate;
  if (!(rate >= 0 && rate <= 1))
    issues.push({ path: ["promotion", "minSuccessRate"], message: "Must be between 0 and 1" });
  if (!isInt(config.promotion.minDwellMs, 0)) {
    issues.push({ path: ["promotion", "minDwellMs"], message: "Must be a non-negative integer" });
  }
  if (!isInt(config.demotion.failureStreak, 1)) {
    issues.push({ path: ["demotion", "failureStreak"], message: "Must be a positive integer" });
  }
  if (!isInt(config.demotion.scoreMargin, 0, 1000)) {
    issues.push({ path: ["demotion", "scoreMargin"], message: "Must be an integer between 0 and 1000" });
  }
  return issues;
}
