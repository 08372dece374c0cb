import { newId } from "../ids";
import type { Agent } from "../model/agent";
import type { TrustChange } from "../model/trust-change";
import { applyTrustOutcome, type TrustChangeDraft, type TrustEvent } from "../trust/trust-progression";
import type { GovernorContext, WriteScope } from "./governor-context";

/**
 * Apply an outcome to the agent's trust inside the scope's transaction: the agent row is read
 * with a row lock and rewritten, and a moved score or tier is recorded. Returns the updated agent,
 * or undefined when the agent no longer exists.
 */
export async function applyTrustEvent(
  ctx: GovernorContext,
  scope: WriteScope,
  agentId: string,
  event: TrustEvent,
): Promise<Agent | undefined> {
  const agent = await scope.tx.agents.get(scope.tenantId, agentId, { forUpdate: true });
  if (!agent) return undefined;
  const at = trustChangeTime(scope, agent);
  const update = applyTrustOutcome(agent, event, at, ctx.trust);
  await scope.tx.agents.update(update.agent);
  if (update.change) await recordTrustChange(ctx, scope, update.agent, update.change, "outcome", at);
  return update.agent;
}

/**
 * When a trust change of `agent` takes effect (epoch ms): the scope's time, but always after the
 * agent's previous change. A request reads the clock before it waits for the agent's row lock, so
 * under concurrency a change could carry an earlier time than the change it follows, and the
 * history (listed by time) then showed scores that do not chain and a newest change that is not
 * the one that produced the current score. Call with the agent read under its row lock.
 */
export function trustChangeTime(scope: WriteScope, agent: Agent): number {
  const previous = Date.parse(agent.updatedAt);
  return Number.isNaN(previous) || scope.now > previous ? scope.now : previous + 1;
}

/**
 * Write a trust change record dated `at` (see `trustChangeTime`), its audit event
 * (`agent.trust.changed`, or `agent.trust.overridden` for an admin override) and — when the tier
 * moved — the `agent.trust.changed` webhook. Every tier move counts as a progression or demotion,
 * whether an outcome or an override caused it.
 */
export async function recordTrustChange(
  ctx: GovernorContext,
  scope: WriteScope,
  agent: Agent,
  change: TrustChangeDraft,
  source: "outcome" | "override",
  at: number = scope.now,
): Promise<TrustChange> {
  const record: TrustChange = {
    ...change,
    id: newId("trustChange", at),
    tenantId: scope.tenantId,
    agentId: agent.id,
    at: new Date(at).toISOString(),
  };
  await scope.tx.trustChanges.insert(record);
  scope.audit({
    eventType: source === "override" ? "agent.trust.overridden" : "agent.trust.changed",
    agentId: agent.id,
    intentId: change.intentId,
    data: {
      trustChangeId: record.id,
      fromTier: change.fromTier,
      toTier: change.toTier,
      fromScore: change.fromScore,
      toScore: change.toScore,
      cause: change.cause,
      reason: change.reason,
    },
  });
  if (change.fromTier !== change.toTier) {
    scope.publish({
      event: "agent.trust.changed",
      data: {
        agentId: agent.id,
        fromTier: change.fromTier,
        toTier: change.toTier,
        fromScore: change.fromScore,
        toScore: change.toScore,
        reason: change.reason,
      },
    });
  }
  scope.afterCommit(() => ctx.metrics.trustChanged(agent, change));
  return record;
}
