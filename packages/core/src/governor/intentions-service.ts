import { canonicalJson } from "../audit/canonical-json";
import { intentTypeIssues } from "../catalog/intent-type-issues";
import { formatIssues, IntendedOpsError } from "../errors";
import { newId } from "../ids";
import { displayNameOf } from "../intentions/ambient";
import { type Intention, type IntentionInput, IntentionInputSchema } from "../intentions/intention-schema";
import { parseWithSchema } from "../validation/compiled-check";
import { type GovernorContext, notFound, type WriteScope, writeTransaction } from "./governor-context";
import { type IntentionPatch, IntentionPatchSchema } from "./governor-inputs";
import type { Actor, IntentionOrigin } from "./governor-types";

type IntentionStatus = Intention["status"];

/**
 * Intentions CRUD: draft → active → archived, each change audited in its transaction. Every
 * write moves the store's intention revision, so the rules cache recompiles before the next
 * decision: a publish or an archive applies to the very next evaluation.
 */
export function createIntentionsService(ctx: GovernorContext) {
  async function createIntention(
    actor: Actor,
    input: IntentionInput,
    origin?: IntentionOrigin,
  ): Promise<Intention> {
    const body = parseWithSchema(IntentionInputSchema, input);
    assertKnownTypes(body.intent_types);
    return writeTransaction(ctx, actor, async (scope) => {
      const intention: Intention = {
        id: newId("intention", scope.now),
        tenant_id: scope.tenantId,
        label: body.label,
        display_name: body.display_name ?? displayNameOf(body.label),
        description: body.description ?? null,
        intent_class: body.intent_class,
        status: "draft",
        approval_required: body.approval_required,
        ttl_minutes: body.ttl_minutes,
        intent_types: body.intent_types,
        data_elements: body.data_elements,
        created_at: scope.at,
        updated_at: scope.at,
      };
      // The repo raises CONFLICT for a label the tenant already uses.
      await scope.tx.intentions.insert(intention);
      const { tenant_id: _tenant, ...document } = intention;
      scope.audit({
        eventType: "intention.created",
        data: { intentionId: intention.id, intention: document, ...(origin && { origin }) },
      });
      return intention;
    });
  }

  async function updateIntention(actor: Actor, id: string, input: IntentionPatch): Promise<Intention> {
    const patch = parseWithSchema(IntentionPatchSchema, input);
    if (patch.intent_types !== undefined) assertKnownTypes(patch.intent_types);
    return writeTransaction(ctx, actor, async (scope) => {
      const existing = await load(scope, id);
      if (existing.status !== "draft") {
        throw invalidState(
          existing,
          `Only a draft intention can change; ${existing.label} is ${existing.status}`,
        );
      }
      // Only fields whose value moves: a retried PATCH (or one resending what is stored) must not
      // add an audit event or move updated_at, as a PUT repeating a policy does not.
      const changes = Object.fromEntries(
        Object.entries(patch).filter(
          ([field, value]) =>
            value !== undefined &&
            canonicalJson(value) !== canonicalJson(existing[field as keyof Intention] ?? null),
        ),
      );
      if (Object.keys(changes).length === 0) return existing;
      const updated: Intention = { ...existing, ...changes, updated_at: scope.at };
      await scope.tx.intentions.update(updated);
      scope.audit({
        eventType: "intention.updated",
        data: { intentionId: id, label: updated.label, changes },
      });
      return updated;
    });
  }

  function publishIntention(actor: Actor, id: string): Promise<Intention> {
    return move(actor, id, "active", ["draft"], "intention.published");
  }

  function archiveIntention(actor: Actor, id: string): Promise<Intention> {
    return move(actor, id, "archived", ["draft", "active"], "intention.archived");
  }

  function move(
    actor: Actor,
    id: string,
    to: IntentionStatus,
    from: readonly IntentionStatus[],
    eventType: string,
  ): Promise<Intention> {
    return writeTransaction(ctx, actor, async (scope) => {
      const existing = await load(scope, id);
      if (!from.includes(existing.status)) {
        const verb = to === "active" ? "published" : "archived";
        throw invalidState(
          existing,
          `Intention ${existing.label} is ${existing.status} and cannot be ${verb}`,
        );
      }
      const moved: Intention = { ...existing, status: to, updated_at: scope.at };
      await scope.tx.intentions.update(moved);
      scope.audit({
        eventType,
        data: { intentionId: id, label: moved.label, from: existing.status, to },
      });
      return moved;
    });
  }

  /** An intention whose types the catalog does not know would never match anything. */
  function assertKnownTypes(intentTypes: readonly string[]): void {
    const issues = intentTypeIssues(ctx.catalog, intentTypes, "intent_types");
    if (issues.length > 0) throw new IntendedOpsError("VALIDATION_ERROR", formatIssues(issues), issues);
  }

  /**
   * The row a write is about to rewrite, locked to commit: on PostgreSQL two concurrent
   * publishes (or a publish racing an archive or an edit) would otherwise both read `draft`
   * and both win.
   */
  async function load(scope: WriteScope, id: string): Promise<Intention> {
    const intention = await scope.tx.intentions.get(scope.tenantId, id, { forUpdate: true });
    if (!intention) throw notFound("Intention", id);
    return intention;
  }

  function listIntentions(tenantId: string): Promise<Intention[]> {
    return ctx.store.read((tx) => tx.intentions.list(tenantId));
  }

  async function getIntention(tenantId: string, id: string): Promise<Intention> {
    const intention = await ctx.store.read((tx) => tx.intentions.get(tenantId, id));
    if (!intention) throw notFound("Intention", id);
    return intention;
  }

  return {
    createIntention,
    updateIntention,
    publishIntention,
    archiveIntention,
    listIntentions,
    getIntention,
  };
}

function invalidState(intention: Intention, message: string): IntendedOpsError {
  return new IntendedOpsError("INVALID_STATE", message, {
    intentionId: intention.id,
    status: intention.status,
  });
}
