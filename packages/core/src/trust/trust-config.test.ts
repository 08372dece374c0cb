import { describe, expect, it } from "vitest";
import { IntendedOpsError } from "../errors";
import { createTrustConfig, DEFAULT_TRUST_CONFIG, trustConfigIssues } from "./trust-config";
import { clampScore, clampScoreToTier, TRUST_TIER_INFO, tierForScore, tierName } from "./trust-tiers";

describe("DEFAULT_TRUST_CONFIG", () => {
  it("is consistent when checked", () => {
    expect(trustConfigIssues(DEFAULT_TRUST_CONFIG)).toEqual([]);
  });
});

describe("createTrustConfig", () => {
  it("merges overrides section by section when given partial settings", () => {
    const config = createTrustConfig({
      promotion: { minDwellMs: 0 },
      scoreDeltas: { completion: { low: 7 } },
    });
    expect(config.promotion).toEqual({ ...DEFAULT_TRUST_CONFIG.promotion, minDwellMs: 0 });
    expect(config.scoreDeltas.completion).toEqual({ ...DEFAULT_TRUST_CONFIG.scoreDeltas.completion, low: 7 });
  });

  it("throws VALIDATION_ERROR listing every problem when the config is inconsistent", () => {
    try {
      createTrustConfig({
        tiers: { T1: { minScore: 250 } },
        scoreDeltas: { failure: { low: 5 } },
        promotion: { minSuccessRate: 2 },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(IntendedOpsError);
      const paths = ((error as IntendedOpsError).details as { path: string[] }[]).map((d) =>
        d.path.join("."),
      );
      expect(paths).toEqual(["tiers.T1.minScore", "scoreDeltas.failure.low", "promotion.minSuccessRate"]);
    }
  });
});

describe("trust tiers", () => {
  it("names every tier and covers 0..1000 with its bands", () => {
    expect(Object.values(TRUST_TIER_INFO).map((t) => t.name)).toEqual([
      "Probation",
      "Supervised",
      "Trusted",
      "Autonomous",
      "Privileged",
    ]);
    expect(tierName("T2")).toBe("Trusted");
  });

  it("maps scores to tiers at the band edges", () => {
    expect([0, 199, 200, 399, 400, 599, 600, 799, 800, 1000].map((s) => tierForScore(s))).toEqual([
      "T0",
      "T0",
      "T1",
      "T1",
      "T2",
      "T2",
      "T3",
      "T3",
      "T4",
      "T4",
    ]);
  });

  it("clamps scores to 0..1000 and into a tier's band", () => {
    expect([clampScore(-5), clampScore(1200), clampScore(Number.NaN), clampScore(10.6)]).toEqual([
      0, 1000, 0, 11,
    ]);
    expect(tierForScore(-50)).toBe("T0");
    expect(clampScoreToTier(100, "T2")).toBe(400);
    expect(clampScoreToTier(900, "T2")).toBe(599);
  });
});
