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
  const update = applyTrustOutcome(agent, event, scope.now, ctx.trust);
  await scope.tx.agents.update(update.agent);
  if (update.change) await recordTrustChange(ctx, scope, update.agent, update.change, "outcome");
  return update.agent;
}

/**
 * Write a trust change record, its audit event (`agent.trust.changed`, or `agent.trust.overridden`
 * for an admin override) and — when the tier moved — the `agent.trust.changed` webhook. Every tier
 * move counts as a progression or demotion, whether an outcome or an override caused it.
 */
export async function recordTrustChange(
  ctx: GovernorContext,
  scope: WriteScope,
  agent: Agent,
  change: TrustChangeDraft,
  source: "outcome" | "override",
): Promise<TrustChange> {
  const record: TrustChange = {
    ...change,
    id: newId("trustChange", scope.now),
    tenantId: scope.tenantId,
    agentId: agent.id,
    at: scope.at,
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
