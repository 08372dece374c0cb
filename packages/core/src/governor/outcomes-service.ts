import type { Catalog } from "../catalog/catalog";
import { IntendedOpsError } from "../errors";
import { newId } from "../ids";
import type { Intent } from "../model/intent";
import { assertTransition } from "../model/intent-status";
import type { Value } from "../model/value";
import { parseWithSchema } from "../validation/compiled-check";
import { type GovernorContext, notFound, type WriteScope, writeTransaction } from "./governor-context";
import { CompleteIntentInputSchema, FailIntentInputSchema } from "./governor-inputs";
import type { Actor } from "./governor-types";
import { applyTrustEvent } from "./trust-effects";

/** The agent's report of how an approved intent ended: completed (with value) or failed. */
export function createOutcomesService(ctx: GovernorContext) {
  async function complete(actor: Actor, intentId: string, input: unknown = {}): Promise<Intent> {
    const body = parseWithSchema(CompleteIntentInputSchema, input ?? {});
    return writeTransaction(ctx, actor, async (scope) => {
      const intent = await loadForOutcome(scope, intentId, "completed");
      const value = resolveValue(ctx.catalog, intent, body.value);
      const completed: Intent = {
        ...intent,
        status: "completed",
        ...(body.result !== undefined && { result: body.result }),
        valueCents: value?.cents ?? null,
        valueCategory: value?.category ?? null,
        updatedAt: scope.at,
        completedAt: scope.at,
      };
      await saveOutcome(scope, completed, intent.status);
      if (value) {
        await scope.tx.values.insert({
          id: newId("value", scope.now),
          tenantId: scope.tenantId,
          intentId: intent.id,
          agentId: intent.agentId,
          domain: intent.domain,
          type: intent.type,
          cents: value.cents,
          category: value.category,
          recordedAt: scope.at,
        });
      }
      const data = { intentId: intent.id, type: intent.type, status: "completed", value };
      scope.audit({ eventType: "intent.completed", agentId: intent.agentId, intentId: intent.id, data });
      scope.publish({ event: "intent.completed", data });
      await applyTrustEvent(ctx, scope, intent.agentId, {
        kind: "completion",
        riskLevel: intent.riskLevel,
        intentId: intent.id,
      });
      const approvedAt = await approvalTime(ctx, scope, intent);
      scope.afterCommit(() => ctx.metrics.intentCompleted(completed, value, approvedAt));
      return completed;
    });
  }

  async function fail(actor: Actor, intentId: string, input: unknown): Promise<Intent> {
    const body = parseWithSchema(FailIntentInputSchema, input);
    return writeTransaction(ctx, actor, async (scope) => {
      const intent = await loadForOutcome(scope, intentId, "failed");
      const failed: Intent = {
        ...intent,
        status: "failed",
        error: body.error,
        updatedAt: scope.at,
        completedAt: scope.at,
      };
      await saveOutcome(scope, failed, intent.status);
      const data = { intentId: intent.id, type: intent.type, status: "failed", error: body.error };
      scope.audit({ eventType: "intent.failed", agentId: intent.agentId, intentId: intent.id, data });
      scope.publish({ event: "intent.failed", data });
      await applyTrustEvent(ctx, scope, intent.agentId, {
        kind: "failure",
        riskLevel: intent.riskLevel,
        intentId: intent.id,
      });
      const approvedAt = await approvalTime(ctx, scope, intent);
      scope.afterCommit(() => ctx.metrics.intentFailed(failed, approvedAt));
      return failed;
    });
  }

  return { complete, fail };
}

/** The intent, if it may move to `to` (INVALID_STATE otherwise, e.g. completing a pending intent). */
async function loadForOutcome(
  scope: WriteScope,
  intentId: string,
  to: "completed" | "failed",
): Promise<Intent> {
  const intent = await scope.tx.intents.get(scope.tenantId, intentId);
  if (!intent) throw notFound("Intent", intentId);
  assertTransition(intent.status, to);
  return intent;
}

/**
 * When the intent was approved, where its execution time starts: at submission when policy
 * allowed it, else when the approval was decided (the last required vote). Read only for metrics.
 */
async function approvalTime(ctx: GovernorContext, scope: WriteScope, intent: Intent): Promise<string> {
  if (!ctx.metrics.enabled || intent.decision.outcome !== "require_approval") return intent.createdAt;
  const approval = await scope.tx.approvals.getByIntent(scope.tenantId, intent.id);
  // Approving is an intent's last move before its outcome, so its updatedAt is the same time.
  return approval?.decidedAt ?? intent.updatedAt;
}

async function saveOutcome(scope: WriteScope, intent: Intent, expected: Intent["status"]): Promise<void> {
  if (!(await scope.tx.intents.update(intent, expected))) {
    throw new IntendedOpsError("INVALID_STATE", `Intent ${intent.id} changed while reporting its outcome`, {
      intentId: intent.id,
    });
  }
}

/**
 * The reported value, else the type's estimate; the category is the reported one, else the
 * type's. No category means the type carries no business value ("-" in the guide) and nothing
 * is recorded; neither is an estimate of 0. Reported cents with no category to put them in are
 * refused rather than dropped: the agent meant to record them.
 */
function resolveValue(catalog: Catalog, intent: Intent, reported: Partial<Value> | undefined): Value | null {
  const category = reported?.category ?? catalog.get(intent.type)?.valueCategory ?? null;
  if (category === null && reported?.cents !== undefined) {
    const message = `Intent type ${intent.type} has no value category: report the value with one`;
    throw new IntendedOpsError("VALIDATION_ERROR", `value.category: ${message}`, [
      { path: ["value", "category"], message },
    ]);
  }
  if (category === null) return null;
  if (reported?.cents !== undefined) return { cents: reported.cents, category };
  const cents = catalog.estimateValue(intent.type, intent.params);
  return cents > 0 ? { cents, category } : null;
}
