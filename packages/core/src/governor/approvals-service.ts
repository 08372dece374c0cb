import { IntendedOpsError, isIntendedOpsError } from "../errors";
import type { Approval, ApprovalStatus } from "../model/approval";
import type { Intent } from "../model/intent";
import { assertTransition } from "../model/intent-status";
import type { ApprovalPosition, Page, StoreTx } from "../storage/storage-port";
import { parseWithSchema } from "../validation/compiled-check";
import {
  type GovernorContext,
  notFound,
  systemActor,
  type WriteScope,
  writeTransaction,
} from "./governor-context";
import { RejectApprovalInputSchema } from "./governor-inputs";
import type { Actor, ApprovalResult, ApprovalView, IntentSummary, PageInput } from "./governor-types";
import { mintOnApproval } from "./intent-tokens";
import { toPageRequest } from "./page-input";
import { applyTrustEvent } from "./trust-effects";

/** Approvals expired per store query; the job loops until a batch comes back short. */
const EXPIRY_BATCH = 100;
/** Expirations in flight at once (each its own transaction). */
const EXPIRY_CONCURRENCY = 4;

/** What a decision attempt found: a decided approval, or one whose time had already run out. */
type DecisionOutcome = { kind: "decided"; result: ApprovalResult } | { kind: "expired" };

/** Human decisions on pending intents, expiry, and approval reads. */
export function createApprovalsService(ctx: GovernorContext) {
  async function approve(actor: Actor, approvalId: string): Promise<ApprovalResult> {
    const outcome = await writeTransaction(ctx, actor, async (scope) => {
      const { approval, intent } = await loadPending(scope, approvalId);
      if (isDue(approval, scope.now)) {
        await expire(scope, approval, intent);
        return { kind: "expired" } as const;
      }
      if (approval.votes.some((vote) => vote.by === actor.id)) {
        throw new IntendedOpsError("CONFLICT", `${actor.name ?? actor.id} has already approved this intent`, {
          approvalId,
        });
      }
      const votes = [...approval.votes, { by: actor.id, byName: actor.name ?? null, at: scope.at }];
      if (votes.length < approval.requiredApprovals) {
        return { kind: "decided", result: await recordVote(scope, approval, intent, votes) } as const;
      }
      const decided: Approval = {
        ...approval,
        votes,
        status: "approved",
        decidedBy: actor.id,
        decidedByName: actor.name ?? null,
        decidedAt: scope.at,
      };
      const approved: Intent = {
        ...intent,
        status: assertTransition(intent.status, "approved"),
        updatedAt: scope.at,
      };
      const token = await mintOnApproval(ctx, scope, approved);
      if (token !== null) approved.intentToken = token;
      await saveDecision(scope.tx, decided, approved);
      scope.audit({
        eventType: "intent.approved",
        agentId: intent.agentId,
        intentId: intent.id,
        data: {
          approvalId,
          approvedBy: actor.id,
          approvedByName: actor.name ?? null,
          approvers: votes.map((vote) => vote.by),
          ...(token !== null && { tokenIssued: true }),
        },
      });
      scope.publish({
        event: "intent.approved",
        data: {
          intentId: intent.id,
          type: intent.type,
          status: "approved",
          // The id, as in the audit event: names are free text, and a key named "policy" must
          // not read like the automatic approval of a submission (`approvedBy: "policy"`).
          approvedBy: actor.id,
          approvedByName: actor.name ?? null,
          approvalId,
          ...(token !== null && { intentToken: token }),
        },
      });
      scope.afterCommit(() => ctx.metrics.pendingApprovalsMoved(scope.tenantId, -1));
      return { kind: "decided", result: { intent: approved, approval: decided } } as const;
    });
    return decidedOrExpired(approvalId, outcome);
  }

  async function reject(actor: Actor, approvalId: string, reason?: string): Promise<ApprovalResult> {
    const body = parseWithSchema(RejectApprovalInputSchema, { reason });
    const rejectionReason = body.reason === undefined || body.reason === "" ? null : body.reason;
    const outcome = await writeTransaction(ctx, actor, async (scope) => {
      const { approval, intent } = await loadPending(scope, approvalId);
      if (isDue(approval, scope.now)) {
        await expire(scope, approval, intent);
        return { kind: "expired" } as const;
      }
      const decided: Approval = {
        ...approval,
        status: "rejected",
        decidedBy: actor.id,
        decidedByName: actor.name ?? null,
        decidedAt: scope.at,
        rejectionReason,
      };
      const rejected: Intent = {
        ...intent,
        status: assertTransition(intent.status, "rejected"),
        updatedAt: scope.at,
      };
      await saveDecision(scope.tx, decided, rejected);
      scope.audit({
        eventType: "intent.rejected",
        agentId: intent.agentId,
        intentId: intent.id,
        data: {
          approvalId,
          rejectedBy: actor.id,
          rejectedByName: actor.name ?? null,
          reason: rejectionReason,
        },
      });
      scope.publish({
        event: "intent.rejected",
        data: {
          intentId: intent.id,
          type: intent.type,
          status: "rejected",
          rejectedBy: actor.id,
          rejectedByName: actor.name ?? null,
          reason: rejectionReason,
        },
      });
      await applyTrustEvent(ctx, scope, intent.agentId, {
        kind: "rejection",
        riskLevel: intent.riskLevel,
        intentId: intent.id,
      });
      scope.afterCommit(() => ctx.metrics.pendingApprovalsMoved(scope.tenantId, -1));
      return { kind: "decided", result: { intent: rejected, approval: decided } } as const;
    });
    return decidedOrExpired(approvalId, outcome);
  }

  /** Loads the approval (row-locked) and its intent, enforcing separation of duties and pending status. */
  async function loadPending(
    scope: WriteScope,
    approvalId: string,
  ): Promise<{ approval: Approval; intent: Intent }> {
    const approval = await scope.tx.approvals.get(scope.tenantId, approvalId, { forUpdate: true });
    if (!approval) throw notFound("Approval", approvalId);
    const intent = await scope.tx.intents.get(scope.tenantId, approval.intentId);
    if (!intent) throw notFound("Intent", approval.intentId);
    if (intent.submittedBy === scope.actor.id) {
      throw new IntendedOpsError("FORBIDDEN", "The key that submitted an intent cannot approve it", {
        approvalId,
        intentId: intent.id,
      });
    }
    if (approval.status !== "pending") throw alreadyResolved(approval.id, approval.status);
    return { approval, intent };
  }

  async function recordVote(
    scope: WriteScope,
    approval: Approval,
    intent: Intent,
    votes: Approval["votes"],
  ): Promise<ApprovalResult> {
    const updated: Approval = { ...approval, votes };
    if (!(await scope.tx.approvals.update(updated, "pending"))) throw await resolvedNow(scope.tx, approval);
    scope.audit({
      eventType: "approval.vote_recorded",
      agentId: intent.agentId,
      intentId: intent.id,
      data: {
        approvalId: approval.id,
        by: scope.actor.id,
        byName: scope.actor.name ?? null,
        votes: votes.length,
        requiredApprovals: approval.requiredApprovals,
      },
    });
    return { intent, approval: updated };
  }

  /** Compare-and-set both rows; a concurrent decision that got there first wins, this one fails. */
  async function saveDecision(tx: StoreTx, approval: Approval, intent: Intent): Promise<void> {
    if (!(await tx.approvals.update(approval, "pending"))) throw await resolvedNow(tx, approval);
    if (!(await tx.intents.update(intent, "pending"))) throw alreadyResolved(approval.id, "resolved");
  }

  async function expire(scope: WriteScope, approval: Approval, intent: Intent): Promise<void> {
    const expiredApproval: Approval = { ...approval, status: "expired", decidedAt: scope.at };
    const expiredIntent: Intent = {
      ...intent,
      status: assertTransition(intent.status, "expired"),
      updatedAt: scope.at,
    };
    await saveDecision(scope.tx, expiredApproval, expiredIntent);
    scope.audit({
      eventType: "intent.expired",
      actor: "system",
      agentId: intent.agentId,
      intentId: intent.id,
      data: { approvalId: approval.id, expiresAt: approval.expiresAt },
    });
    scope.publish({
      event: "intent.expired",
      data: { intentId: intent.id, type: intent.type, status: "expired", approvalId: approval.id },
    });
    scope.afterCommit(() => ctx.metrics.pendingApprovalsMoved(scope.tenantId, -1));
  }

  async function expireDue(now: number = ctx.clock()): Promise<number> {
    const cutoff = new Date(now).toISOString();
    let expired = 0;
    // Pages by position, so approvals that cannot be expired (their intent already moved) are
    // passed over instead of filling every batch: with a full batch of them at the front, nothing
    // behind them ever expired.
    let after: ApprovalPosition | undefined;
    for (;;) {
      const due = await ctx.store.read((tx) => tx.approvals.listExpired(cutoff, EXPIRY_BATCH, after));
      // A few at a time: one by one, each waited for its own commit, so under load the job fell
      // behind the approvals coming due (70 expired per 30 s against 447 created on PostgreSQL).
      // A few share SQLite's group-commit batches and PostgreSQL's pool without taking all of it.
      for (let i = 0; i < due.length; i += EXPIRY_CONCURRENCY) {
        const chunk = due.slice(i, i + EXPIRY_CONCURRENCY);
        // Every expiration of the chunk ends before the run does, even when one fails: the job's
        // runs must not overlap, and shutdown closes the store once the run has settled.
        const settled = await Promise.allSettled(chunk.map((approval) => expireOne(approval, now)));
        const failed = settled.find((result) => result.status === "rejected");
        if (failed) throw failed.reason;
        for (const result of settled) if (result.status === "fulfilled" && result.value) expired += 1;
      }
      const last = due.at(-1);
      // A short batch means nothing is left. A store that ignores `after` hands back the same
      // batch: stop rather than loop.
      if (due.length < EXPIRY_BATCH || !last?.expiresAt) return expired;
      if (after && last.expiresAt === after.expiresAt && last.id === after.id) return expired;
      after = { expiresAt: last.expiresAt, id: last.id };
    }
  }

  /** Expire one approval in its own transaction; false when someone decided it first. */
  async function expireOne(candidate: Approval, now: number): Promise<boolean> {
    try {
      return await writeTransaction(
        ctx,
        systemActor(candidate.tenantId),
        async (scope) => {
          const approval = await scope.tx.approvals.get(scope.tenantId, candidate.id, { forUpdate: true });
          if (approval?.status !== "pending" || !isDue(approval, now)) return false;
          const intent = await scope.tx.intents.get(scope.tenantId, approval.intentId);
          if (!intent) return false;
          await expire(scope, approval, intent);
          return true;
        },
        now,
      );
    } catch (error) {
      // Lost a race with a human decision, or the intent had already moved: nothing to expire.
      if (isIntendedOpsError(error)) return false;
      throw error;
    }
  }

  async function listApprovals(
    tenantId: string,
    filter: { status?: ApprovalStatus } = {},
    page?: PageInput,
  ): Promise<Page<ApprovalView>> {
    return ctx.store.read(async (tx) => {
      const approvals = await tx.approvals.list(tenantId, filter, toPageRequest(page));
      const items: ApprovalView[] = [];
      for (const approval of approvals.items) items.push(await withIntent(tx, approval));
      return { ...approvals, items };
    });
  }

  async function getApproval(tenantId: string, id: string): Promise<ApprovalView> {
    const view = await ctx.store.read(async (tx) => {
      const approval = await tx.approvals.get(tenantId, id);
      return approval && withIntent(tx, approval);
    });
    if (!view) throw notFound("Approval", id);
    return view;
  }

  return { approve, reject, expireDue, listApprovals, getApproval };
}

function isDue(approval: Approval, now: number): boolean {
  return approval.expiresAt !== null && Date.parse(approval.expiresAt) <= now;
}

/** The decision's result; an approval found past its expiry was expired (and committed) instead. */
function decidedOrExpired(approvalId: string, outcome: DecisionOutcome): ApprovalResult {
  if (outcome.kind === "expired") throw alreadyResolved(approvalId, "expired");
  return outcome.result;
}

function alreadyResolved(approvalId: string, status: string): IntendedOpsError {
  return new IntendedOpsError("ALREADY_RESOLVED", `Approval already ${status}`, { approvalId, status });
}

/** After a failed compare-and-set: the error naming what the approval became. */
async function resolvedNow(tx: StoreTx, approval: Approval): Promise<IntendedOpsError> {
  const current = await tx.approvals.get(approval.tenantId, approval.id);
  return alreadyResolved(approval.id, current?.status ?? "resolved");
}

async function withIntent(tx: StoreTx, approval: Approval): Promise<ApprovalView> {
  const intent = await tx.intents.get(approval.tenantId, approval.intentId);
  return { ...approval, intent: intent ? summarize(intent) : null };
}

function summarize(intent: Intent): IntentSummary {
  return {
    id: intent.id,
    type: intent.type,
    domain: intent.domain,
    agentId: intent.agentId,
    status: intent.status,
    riskLevel: intent.riskLevel,
    params: intent.params,
    description: intent.description,
    justification: intent.justification,
    submittedBy: intent.submittedBy,
    createdAt: intent.createdAt,
  };
}
