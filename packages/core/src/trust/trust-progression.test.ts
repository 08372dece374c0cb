import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntendedOpsError } from "../errors";
import type { Agent } from "../model/agent";
import type { RiskLevel } from "../model/enums";
import { createTrustConfig, DEFAULT_TRUST_CONFIG } from "./trust-config";
import { applyTrustOutcome, initialTrust, overrideTrust, type TrustEvent } from "./trust-progression";

const HOUR = 3_600_000;
const T_START = Date.UTC(2026, 0, 1);

function agent(overrides: Partial<Agent> = {}): Agent {
  return {
    id: "billing-agent",
    tenantId: "tenant_test",
    name: "Billing Agent",
    description: null,
    domains: ["billing"],
    intentTypes: [],
    status: "active",
    ...initialTrust(),
    tierSince: new Date(T_START).toISOString(),
    createdAt: new Date(T_START).toISOString(),
    updatedAt: new Date(T_START).toISOString(),
    ...overrides,
  };
}

/** Apply events in order, one hour apart from `start`. */
function replay(a: Agent, events: TrustEvent[], start: number, config = DEFAULT_TRUST_CONFIG) {
  let current = a;
  const changes = [];
  for (const [i, event] of events.entries()) {
    const r = applyTrustOutcome(current, event, start + i * HOUR, config);
    current = r.agent;
    if (r.change) changes.push(r.change);
  }
  return { agent: current, changes };
}

const completions = (n: number, riskLevel: RiskLevel = "medium"): TrustEvent[] =>
  Array.from({ length: n }, () => ({ kind: "completion", riskLevel }));

describe("initialTrust", () => {
  it("starts at T0 with the configured score and no history", () => {
    expect(initialTrust()).toEqual({
      trustTier: "T0",
      trustScore: 100,
      recentOutcomes: [],
      failureStreak: 0,
    });
    expect(initialTrust(DEFAULT_TRUST_CONFIG, T_START).tierSince).toBe("2026-01-01T00:00:00.000Z");
  });
});

describe("applyTrustOutcome", () => {
  it("raises the score by the risk's delta and records a change when an intent completes", () => {
    const r = applyTrustOutcome(
      agent(),
      { kind: "completion", riskLevel: "medium", intentId: "int_1" },
      T_START + HOUR,
    );
    expect(r.agent.trustScore).toBe(110);
    expect(r.agent.recentOutcomes).toEqual(["success"]);
    expect(r.agent.updatedAt).toBe(new Date(T_START + HOUR).toISOString());
    expect(r.change).toEqual({
      fromTier: "T0",
      toTier: "T0",
      fromScore: 100,
      toScore: 110,
      cause: "completion",
      reason: "Completed a medium-risk intent: score 100 → 110",
      intentId: "int_1",
    });
  });

  it("lowers the score and grows the streak when an intent fails or is rejected", () => {
    const failed = applyTrustOutcome(agent(), { kind: "failure", riskLevel: "high" }, T_START);
    expect(failed.agent).toMatchObject({ trustScore: 60, failureStreak: 1, recentOutcomes: ["failure"] });
    const rejected = applyTrustOutcome(failed.agent, { kind: "rejection", riskLevel: "low" }, T_START);
    expect(rejected.agent).toMatchObject({ trustScore: 45, failureStreak: 2 });
    expect(rejected.change?.cause).toBe("rejection");
  });

  it("leaves the streak alone but lowers the score when a policy blocks", () => {
    const a = agent({ failureStreak: 2 });
    const r = applyTrustOutcome(a, { kind: "policy_block", riskLevel: "medium" }, T_START);
    expect(r.agent).toMatchObject({ trustScore: 85, failureStreak: 2 });
  });

  it("resets the streak when an intent completes", () => {
    const r = applyTrustOutcome(
      agent({ failureStreak: 2 }),
      { kind: "completion", riskLevel: "low" },
      T_START,
    );
    expect(r.agent.failureStreak).toBe(0);
  });

  it("returns no change when neither score nor tier moved", () => {
    const capped = agent({ trustTier: "T4", trustScore: 1000 });
    const r = applyTrustOutcome(capped, { kind: "completion", riskLevel: "low" }, T_START);
    expect(r.change).toBeNull();
    expect(r.agent.recentOutcomes).toEqual(["success"]);
  });

  it("keeps the score within 0..1000", () => {
    const low = applyTrustOutcome(
      agent({ trustScore: 10 }),
      { kind: "failure", riskLevel: "critical" },
      T_START,
    );
    expect(low.agent.trustScore).toBe(0);
    const high = applyTrustOutcome(
      agent({ trustTier: "T4", trustScore: 995 }),
      { kind: "completion", riskLevel: "critical" },
      T_START,
    );
    expect(high.agent.trustScore).toBe(1000);
  });

  it("bounds the recent outcomes to the configured window", () => {
    const { agent: a } = replay(
      agent(),
      [...completions(5, "low"), ...completions(30, "low")],
      T_START - 100 * HOUR,
      {
        ...DEFAULT_TRUST_CONFIG,
        promotion: {
          ...DEFAULT_TRUST_CONFIG.promotion,
          minOutcomes: 20,
          minDwellMs: Number.MAX_SAFE_INTEGER,
        },
      },
    );
    expect(a.recentOutcomes).toHaveLength(20);
  });

  describe("promotion", () => {
    // Ten medium completions take T0 from 100 to 200 (T1's minimum), with 10 outcomes at 100%.
    it("promotes one tier when score, outcome count, success rate and dwell time are all met", () => {
      const { agent: a, changes } = replay(agent(), completions(10), T_START + 24 * HOUR);
      expect(a.trustTier).toBe("T1");
      expect(a.trustScore).toBe(200);
      expect(a.tierSince).toBe(new Date(T_START + 33 * HOUR).toISOString());
      expect(a.recentOutcomes).toEqual([]);
      const last = changes.at(-1)!;
      expect(last).toMatchObject({ fromTier: "T0", toTier: "T1", cause: "completion" });
      expect(last.reason).toBe(
        "Promoted from T0 to T1 (Supervised): score 200, 10 outcomes at 100% success, 33.0 h in T0",
      );
    });

    it("does not promote when the dwell time is short", () => {
      const { agent: a } = replay(agent(), completions(10), T_START + 10 * HOUR);
      expect(a.trustTier).toBe("T0");
      expect(a.trustScore).toBe(200);
    });

    it("does not promote when too few outcomes were recorded", () => {
      const { agent: a } = replay(agent(), completions(5, "critical"), T_START + 48 * HOUR);
      expect(a.trustScore).toBe(200);
      expect(a.trustTier).toBe("T0");
    });

    it("does not promote when the success rate is too low", () => {
      const events: TrustEvent[] = [
        { kind: "failure", riskLevel: "low" },
        { kind: "failure", riskLevel: "low" },
        ...completions(10, "critical"),
      ];
      const { agent: a } = replay(agent(), events, T_START + 48 * HOUR);
      expect(a.trustScore).toBeGreaterThanOrEqual(200);
      expect(a.recentOutcomes.filter((o) => o === "success").length / a.recentOutcomes.length).toBeLessThan(
        0.9,
      );
      expect(a.trustTier).toBe("T0");
    });

    it("does not promote when the score has not reached the next band", () => {
      const { agent: a } = replay(agent(), completions(12, "low"), T_START + 48 * HOUR);
      expect(a.trustScore).toBe(160);
      expect(a.trustTier).toBe("T0");
    });

    it("promotes on a later completion once the missing condition is met", () => {
      const early = replay(agent(), completions(10), T_START + 10 * HOUR);
      expect(early.agent.trustTier).toBe("T0");
      const later = applyTrustOutcome(
        early.agent,
        { kind: "completion", riskLevel: "low" },
        T_START + 30 * HOUR,
      );
      expect(later.agent.trustTier).toBe("T1");
    });

    it("does not promote when tierSince is unreadable", () => {
      const { agent: a } = replay(agent({ tierSince: "not a date" }), completions(10), T_START + 48 * HOUR);
      expect(a.trustTier).toBe("T0");
    });
  });

  describe("demotion", () => {
    const t3 = () => agent({ trustTier: "T3", trustScore: 700 });

    it("demotes one tier immediately on a streak of failures", () => {
      const fails: TrustEvent[] = Array.from({ length: 3 }, () => ({ kind: "failure", riskLevel: "low" }));
      const { agent: a, changes } = replay(t3(), fails, T_START);
      expect(a.trustTier).toBe("T2");
      expect(a.trustScore).toBe(599);
      expect(a.failureStreak).toBe(0);
      expect(changes.at(-1)?.reason).toBe("Demoted from T3 to T2 (Trusted) after 3 consecutive failures");
    });

    it("counts rejections toward the streak", () => {
      const events: TrustEvent[] = [
        { kind: "failure", riskLevel: "low" },
        { kind: "rejection", riskLevel: "low" },
        { kind: "rejection", riskLevel: "low" },
      ];
      expect(replay(t3(), events, T_START).agent.trustTier).toBe("T2");
    });

    it("demotes one tier immediately when a critical intent is blocked by policy", () => {
      const r = applyTrustOutcome(
        t3(),
        { kind: "policy_block", riskLevel: "critical", intentId: "int_9" },
        T_START,
      );
      expect(r.agent.trustTier).toBe("T2");
      expect(r.change).toMatchObject({
        fromTier: "T3",
        toTier: "T2",
        cause: "policy_block",
        intentId: "int_9",
        reason: "Demoted from T3 to T2 (Trusted) after a blocked critical-risk intent",
      });
    });

    it("says governance, not a policy, blocked the intent, since the agent's declaration or status may have", () => {
      const r = applyTrustOutcome(
        t3(),
        { kind: "policy_block", riskLevel: "low", intentId: "int_8" },
        T_START,
      );
      expect(r.change?.reason).toMatch(/^Governance blocked a low-risk intent: score \d+ → \d+$/);
    });

    it("does not demote below T0", () => {
      const r = applyTrustOutcome(agent(), { kind: "policy_block", riskLevel: "critical" }, T_START);
      expect(r.agent.trustTier).toBe("T0");
      expect(r.agent.trustScore).toBe(50);
    });

    it("demotes to the score's tier when the score falls well below the band", () => {
      const a = agent({ trustTier: "T3", trustScore: 560, failureStreak: 0 });
      const r = applyTrustOutcome(a, { kind: "failure", riskLevel: "critical" }, T_START);
      expect(r.agent.trustScore).toBe(510);
      expect(r.agent.trustTier).toBe("T2");
      expect(r.change?.reason).toContain("fell more than 50 below T3's band");
    });

    it("keeps the tier when the score dips only within the margin", () => {
      const r = applyTrustOutcome(
        agent({ trustTier: "T3", trustScore: 600 }),
        { kind: "failure", riskLevel: "medium" },
        T_START,
      );
      expect(r.agent).toMatchObject({ trustTier: "T3", trustScore: 570 });
    });
  });

  it("honours a custom config", () => {
    const fast = createTrustConfig({ promotion: { minOutcomes: 1, minDwellMs: 0 }, initialScore: 195 });
    const a = agent({ trustScore: 195 });
    expect(
      applyTrustOutcome(a, { kind: "completion", riskLevel: "low" }, T_START, fast).agent.trustTier,
    ).toBe("T1");
  });
});

describe("overrideTrust", () => {
  it("sets tier and score, resets dwell time and records the reason", () => {
    const r = overrideTrust(agent(), { tier: "T3", score: 650 }, "Vetted by security", T_START + HOUR);
    expect(r.agent).toMatchObject({
      trustTier: "T3",
      trustScore: 650,
      tierSince: new Date(T_START + HOUR).toISOString(),
    });
    expect(r.change).toEqual({
      fromTier: "T0",
      toTier: "T3",
      fromScore: 100,
      toScore: 650,
      cause: "override",
      reason: "Vetted by security",
      intentId: null,
    });
  });

  it("moves the score into the tier's band when only a tier is given", () => {
    expect(overrideTrust(agent(), { tier: "T2" }, "ok", T_START).agent.trustScore).toBe(400);
    expect(
      overrideTrust(agent({ trustTier: "T4", trustScore: 900 }), { tier: "T1" }, "ok", T_START).agent
        .trustScore,
    ).toBe(399);
  });

  it("derives the tier from the score when only a score is given", () => {
    expect(overrideTrust(agent(), { score: 810 }, "ok", T_START).agent.trustTier).toBe("T4");
  });

  it("resets the dwell time even when nothing else moves, and returns no change", () => {
    const r = overrideTrust(agent(), { tier: "T0", score: 100 }, "recheck", T_START + 5 * HOUR);
    expect(r.change).toBeNull();
    expect(r.agent.tierSince).toBe(new Date(T_START + 5 * HOUR).toISOString());
  });

  it("rejects a score outside the tier's band, a missing reason or an empty target", () => {
    const attempts = [
      () => overrideTrust(agent(), { tier: "T1", score: 950 }, "x", T_START),
      () => overrideTrust(agent(), { score: 1001 }, "x", T_START),
      () => overrideTrust(agent(), { score: 10.5 }, "x", T_START),
      () => overrideTrust(agent(), { tier: "T9" as never }, "x", T_START),
      () => overrideTrust(agent(), { tier: "T1" }, "  ", T_START),
      () => overrideTrust(agent(), {}, "x", T_START),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(IntendedOpsError);
      try {
        attempt();
      } catch (error) {
        expect((error as IntendedOpsError).code).toBe("VALIDATION_ERROR");
      }
    }
    expect(attempts[0]).toThrow("Score 950 is outside T1's band (200–399)");
  });
});

describe("applyTrustOutcome over long runs", () => {
  const kinds = ["completion", "failure", "rejection", "policy_block"] as const;
  const risks = ["low", "medium", "high", "critical"] as const;

  it("keeps an exact integer score and a history where each change starts where the previous ended", () => {
    const event = fc.record({
      kind: fc.constantFrom(...kinds),
      riskLevel: fc.constantFrom(...risks),
      hours: fc.integer({ min: 0, max: 30 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 300 }), (events) => {
        let current = agent();
        let now = T_START;
        for (const e of events) {
          now += e.hours * HOUR;
          const before = current;
          const { agent: next, change } = applyTrustOutcome(before, e, now);
          const expected = Math.min(
            1000,
            Math.max(0, before.trustScore + DEFAULT_TRUST_CONFIG.scoreDeltas[e.kind][e.riskLevel]),
          );
          expect(Number.isInteger(next.trustScore)).toBe(true);
          if (next.trustTier === before.trustTier) expect(next.trustScore).toBe(expected);
          else if (next.trustTier < before.trustTier) {
            expect(next.trustScore).toBe(
              Math.min(expected, DEFAULT_TRUST_CONFIG.tiers[next.trustTier].maxScore),
            );
          } else {
            expect(e.kind).toBe("completion");
            expect(Number(next.trustTier.slice(1)) - Number(before.trustTier.slice(1))).toBe(1);
          }
          if (change) {
            expect([change.fromTier, change.fromScore]).toEqual([before.trustTier, before.trustScore]);
            expect([change.toTier, change.toScore]).toEqual([next.trustTier, next.trustScore]);
          } else {
            expect([next.trustTier, next.trustScore]).toEqual([before.trustTier, before.trustScore]);
          }
          current = next;
        }
      }),
      { numRuns: 200 },
    );
  });

  it("lands exactly where the deltas say after 10,000 completions and then failures", () => {
    // A day between outcomes, so every condition but the score is met: T0 → T4 in four promotions.
    let current = agent();
    let now = T_START;
    for (let i = 0; i < 10_000; i++) {
      now += 24 * HOUR;
      current = applyTrustOutcome(current, { kind: "completion", riskLevel: "low" }, now).agent;
    }
    expect([current.trustTier, current.trustScore]).toEqual(["T4", 1000]);
    // Three failures demote one tier and cap the score at the new tier's maximum, four times.
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      now += HOUR;
      current = applyTrustOutcome(current, { kind: "failure", riskLevel: "low" }, now).agent;
      seen.push(`${current.trustTier}/${current.trustScore}`);
    }
    expect(seen).toEqual([
      "T4/980",
      "T4/960",
      "T3/799",
      "T3/779",
      "T3/759",
      "T2/599",
      "T2/579",
      "T2/559",
      "T1/399",
      "T1/379",
      "T1/359",
      "T0/199",
    ]);
    for (let i = 0; i < 10_000; i++) {
      now += HOUR;
      current = applyTrustOutcome(current, { kind: "failure", riskLevel: "low" }, now).agent;
    }
    expect([current.trustTier, current.trustScore]).toEqual(["T0", 0]);
  });
});
