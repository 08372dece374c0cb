import { IntendedOpsError } from "../errors";
import type { Agent } from "../model/agent";
import { type RiskLevel, TRUST_TIERS, type TrustTier, tierRank } from "../model/enums";
import type { TrustChange } from "../model/trust-change";
import { DEFAULT_TRUST_CONFIG, type TrustConfig, type TrustEventKind } from "./trust-config";
import { clampScore, clampScoreToTier, tierForScore } from "./trust-tiers";

/** A trust change before storage gives it an id, tenant, agent and timestamp. */
export type TrustChangeDraft = Omit<TrustChange, "id" | "tenantId" | "agentId" | "at">;

/** An outcome that moves trust. */
export interface TrustEvent {
  kind: TrustEventKind;
  riskLevel: RiskLevel;
  intentId?: string;
}

/** The agent after an update, and the change to record (null when neither score nor tier moved). */
export interface TrustUpdate {
  agent: Agent;
  change: TrustChangeDraft | null;
}

/** The trust fields of a newly registered agent. */
export type InitialTrust = Pick<Agent, "trustTier" | "trustScore" | "recentOutcomes" | "failureStreak"> & {
  tierSince?: string;
};

type Outcome = Agent["recentOutcomes"][number];

interface TierMove {
  tier: TrustTier;
  reason: string;
}

/** Trust of a newly registered agent: T0 at the configured initial score; `tierSince` when `now` is given. */
export function initialTrust(config: TrustConfig = DEFAULT_TRUST_CONFIG, now?: number): InitialTrust {
  const base: InitialTrust = {
    trustTier: "T0",
    trustScore: config.initialScore,
    recentOutcomes: [],
    failureStreak: 0,
  };
  return now === undefined ? base : { ...base, tierSince: new Date(now).toISOString() };
}

/**
 * Apply one outcome to an agent's trust: the score moves by the configured delta, promotion
 * needs evidence (count, success rate, dwell time), demotion is immediate on a failure streak,
 * a blocked critical intent (whatever blocked it) or a score well below the tier's band.
 */
export function applyTrustOutcome(
  agent: Agent,
  event: TrustEvent,
  now: number,
  config: TrustConfig = DEFAULT_TRUST_CONFIG,
): TrustUpdate {
  const success = event.kind === "completion";
  const score = clampScore(agent.trustScore + config.scoreDeltas[event.kind][event.riskLevel]);
  const outcomes = appendBounded(agent.recentOutcomes, success ? "success" : "failure", config.outcomeWindow);
  const streak = nextStreak(agent.failureStreak, event.kind);
  const at = new Date(now).toISOString();
  const move = decideTierMove(agent, event, { score, outcomes, streak, now }, config);

  if (move === null) {
    const updated: Agent = {
      ...agent,
      trustScore: score,
      recentOutcomes: outcomes,
      failureStreak: streak,
      updatedAt: at,
    };
    const change =
      score === agent.trustScore
        ? null
        : draft(agent, agent.trustTier, score, event, scoreReason(event, agent.trustScore, score));
    return { agent: updated, change };
  }
  const demoted = tierRank(move.tier) < tierRank(agent.trustTier);
  const newScore = demoted ? Math.min(score, config.tiers[move.tier].maxScore) : score;
  const updated: Agent = {
    ...agent,
    trustTier: move.tier,
    trustScore: newScore,
    tierSince: at,
    // Evidence for the next promotion is gathered inside the new tier.
    recentOutcomes: [],
    failureStreak: 0,
    updatedAt: at,
  };
  return { agent: updated, change: draft(agent, move.tier, newScore, event, move.reason) };
}

/**
 * Admin override: set a tier (score moved into its band), a score (tier follows the score) or both
 * (the score must lie inside the tier's band). Resets the dwell time. Throws VALIDATION_ERROR on bad input.
 */
export function overrideTrust(
  agent: Agent,
  target: { tier?: TrustTier; score?: number },
  reason: string,
  now: number,
  config: TrustConfig = DEFAULT_TRUST_CONFIG,
): TrustUpdate {
  const { tier, score } = resolveOverride(agent, target, reason, config);
  const at = new Date(now).toISOString();
  const tierChanged = tier !== agent.trustTier;
  const updated: Agent = {
    ...agent,
    trustTier: tier,
    trustScore: score,
    tierSince: at,
    recentOutcomes: tierChanged ? [] : agent.recentOutcomes,
    failureStreak: tierChanged ? 0 : agent.failureStreak,
    updatedAt: at,
  };
  const moved = tierChanged || score !== agent.trustScore;
  const change: TrustChangeDraft | null = moved
    ? {
        fromTier: agent.trustTier,
        toTier: tier,
        fromScore: agent.trustScore,
        toScore: score,
        cause: "override",
        reason: reason.trim(),
        intentId: null,
      }
    : null;
  return { agent: updated, change };
}

function resolveOverride(
  agent: Agent,
  target: { tier?: TrustTier; score?: number },
  reason: string,
  config: TrustConfig,
): { tier: TrustTier; score: number } {
  if (typeof reason !== "string" || reason.trim() === "") throw invalid(["reason"], "Reason is required");
  if (target.tier !== undefined && !TRUST_TIERS.includes(target.tier)) {
    throw invalid(["tier"], `Tier must be one of ${TRUST_TIERS.join(", ")}`);
  }
  if (
    target.score !== undefined &&
    !(Number.isInteger(target.score) && target.score >= 0 && target.score <= 1000)
  ) {
    throw invalid(["score"], "Score must be an integer between 0 and 1000");
  }
  if (target.tier === undefined && target.score === undefined) throw invalid([], "Provide a tier or a score");
  if (target.tier === undefined) return { tier: tierForScore(target.score!, config), score: target.score! };
  if (target.score === undefined)
    return { tier: target.tier, score: clampScoreToTier(agent.trustScore, target.tier, config) };
  const band = config.tiers[target.tier];
  if (target.score < band.minScore || target.score > band.maxScore) {
    throw invalid(
      ["score"],
      `Score ${target.score} is outside ${target.tier}'s band (${band.minScore}–${band.maxScore})`,
    );
  }
  return { tier: target.tier, score: target.score };
}

function invalid(path: string[], message: string): IntendedOpsError {
  return new IntendedOpsError(
    "VALIDATION_ERROR",
    path.length > 0 ? `${path.join(".")}: ${message}` : message,
    [{ path, message }],
  );
}

function decideTierMove(
  agent: Agent,
  event: TrustEvent,
  next: { score: number; outcomes: Outcome[]; streak: number; now: number },
  config: TrustConfig,
): TierMove | null {
  const rank = tierRank(agent.trustTier);
  if (rank > 0) {
    const lower = TRUST_TIERS[rank - 1]!;
    if (event.kind === "policy_block" && event.riskLevel === "critical" && config.demotion.onCriticalBlock) {
      return {
        tier: lower,
        reason: `${moveLabel(agent.trustTier, lower, config)} after a blocked critical-risk intent`,
      };
    }
    if (next.streak >= config.demotion.failureStreak) {
      return {
        tier: lower,
        reason: `${moveLabel(agent.trustTier, lower, config)} after ${next.streak} consecutive failures`,
      };
    }
    const band = config.tiers[agent.trustTier];
    if (next.score < band.minScore - config.demotion.scoreMargin) {
      const target = tierForScore(next.score, config);
      const why = `score ${next.score} fell more than ${config.demotion.scoreMargin} below ${agent.trustTier}'s band (${band.minScore}–${band.maxScore})`;
      return { tier: target, reason: `${moveLabel(agent.trustTier, target, config)}: ${why}` };
    }
  }
  if (event.kind !== "completion" || rank >= TRUST_TIERS.length - 1) return null;
  const higher = TRUST_TIERS[rank + 1]!;
  if (next.score < config.tiers[higher].minScore) return null;
  const count = next.outcomes.length;
  if (count < config.promotion.minOutcomes) return null;
  const successes = next.outcomes.reduce((n, o) => (o === "success" ? n + 1 : n), 0);
  const rate = count === 0 ? 1 : successes / count;
  if (rate < config.promotion.minSuccessRate) return null;
  const dwellMs = next.now - Date.parse(agent.tierSince);
  // An unparsable tierSince yields NaN, which never satisfies the dwell time: fail closed.
  if (!(dwellMs >= config.promotion.minDwellMs)) return null;
  const evidence = `score ${next.score}, ${count} outcomes at ${Math.round(rate * 100)}% success, ${formatHours(dwellMs)} in ${agent.trustTier}`;
  return { tier: higher, reason: `${moveLabel(agent.trustTier, higher, config)}: ${evidence}` };
}

function moveLabel(from: TrustTier, to: TrustTier, config: TrustConfig): string {
  const verb = tierRank(to) > tierRank(from) ? "Promoted" : "Demoted";
  return `${verb} from ${from} to ${to} (${config.tiers[to].name})`;
}

function formatHours(ms: number): string {
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function nextStreak(streak: number, kind: TrustEventKind): number {
  if (kind === "completion") return 0;
  // A policy block is the engine's verdict, not the agent's execution record: it leaves the streak alone.
  return kind === "policy_block" ? streak : streak + 1;
}

function appendBounded(outcomes: readonly Outcome[], outcome: Outcome, window: number): Outcome[] {
  const start = Math.max(0, outcomes.length + 1 - window);
  const next = outcomes.slice(start);
  next.push(outcome);
  return next;
}

const EVENT_PHRASE: Readonly<Record<TrustEventKind, string>> = {
  completion: "Completed",
  failure: "Failed",
  rejection: "A human rejected",
  // Any block counts, not only a policy's: the agent's declaration, its suspension or an intention.
  policy_block: "Governance blocked",
};

function scoreReason(event: TrustEvent, from: number, to: number): string {
  return `${EVENT_PHRASE[event.kind]} a ${event.riskLevel}-risk intent: score ${from} → ${to}`;
}

function draft(
  agent: Agent,
  toTier: TrustTier,
  toScore: number,
  event: TrustEvent,
  reason: string,
): TrustChangeDraft {
  return {
    fromTier: agent.trustTier,
    toTier,
    fromScore: agent.trustScore,
    toScore,
    cause: event.kind,
    reason,
    intentId: event.intentId ?? null,
  };
}
