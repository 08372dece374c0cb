import type { Classification } from "../catalog/catalog";
import { IntendedOpsError, isIntendedOpsError } from "../errors";
import { newId } from "../ids";
import type { Agent } from "../model/agent";
import type { Approval } from "../model/approval";
import { type Decision, MAX_APPROVAL_EXPIRY_SECONDS } from "../model/decision";
import {
  type CreateIntent,
  type CreateIntentInput,
  CreateIntentInputSchema,
  type Intent,
} from "../model/intent";
import type { IntentStatus } from "../model/intent-status";
import type { EvaluationAgent, EvaluationIntent } from "../policy/evaluation-types";
import { evaluate } from "../policy/policy-evaluator";
import type { IdempotencyRecord, IntentFilter, Page, StoreTx } from "../storage/storage-port";
import { parseWithSchema } from "../validation/compiled-check";
import { normalizeDateBounds } from "./date-bound";
import { type GovernorContext, notFound, type WriteScope, writeTransaction } from "./governor-context";
import { SimulateInputSchema } from "./governor-inputs";
import type { Actor, IntentDetails, PageInput, SimulateResult, SubmitResult } from "./governor-types";
import { mintOnApproval } from "./intent-tokens";
import { toPageRequest } from "./page-input";
import { requestFingerprint } from "./request-fingerprint";
import { applyTrustEvent } from "./trust-effects";

/**
 * Policies that did not match, listed in an intent's stored trace; the rest are counted in one
 * entry. Every stored intent carried one entry per policy in scope: with 200 policies 27 KB per
 * intent (13 GB of SQLite for 426,000 intents) and 545 KB per page of `GET /v1/intents`. The
 * policy simulator still lists every policy.
 */
const STORED_UNMATCHED_POLICY_ENTRIES = 20;

/** An intent's history is short (a handful of events); this bounds a pathological one. */
const MAX_HISTORY = 1000;

const STATUS_BY_OUTCOME: Readonly<Record<Decision["outcome"], IntentStatus>> = {
  allow: "approved",
  require_approval: "pending",
  block: "blocked",
};

/**
 * The request's fingerprint for its idempotency key. Params JSON cannot carry (NaN, Infinity, a
 * BigInt: only an embedder's call can send them) have no canonical JSON; then the params check
 * has refused them already, and its VALIDATION_ERROR is the answer, with a key as without one.
 */
function fingerprintOf(body: CreateIntentInput, classified: unknown): string {
  try {
    return requestFingerprint(body);
  } catch (error) {
    throw classified instanceof IntendedOpsError ? classified : error;
  }
}

/** Submission (decide + record), simulation and intent reads. */
export function createIntentsService(ctx: GovernorContext) {
  async function submit(actor: Actor, input: CreateIntentInput): Promise<SubmitResult> {
    const body = parseWithSchema(CreateIntentInputSchema, input);
    // Params validation is pure CPU work: do it before taking the write lock, but report its
    // error only after the agent lookup so error precedence stays agent → params.
    const classified = classify(ctx, body, paramsAsSent(input, body));
    const fingerprint = body.idempotencyKey === undefined ? null : fingerprintOf(body, classified);
    try {
      return await writeTransaction(ctx, actor, async (scope) => {
        if (fingerprint !== null && body.idempotencyKey !== undefined) {
          const previous = await scope.tx.idempotency.get(scope.tenantId, body.idempotencyKey);
          if (previous) return replay(scope.tx, previous, fingerprint);
        }
        const agent = await scope.tx.agents.get(scope.tenantId, body.agentId);
        if (!agent) throw agentNotFound(body.agentId);
        if (classified instanceof IntendedOpsError) throw classified;
        return decideAndRecord(scope, body, agent, classified, fingerprint);
      });
    } catch (error) {
      // A concurrent request with the same key committed first: answer with its intent.
      if (fingerprint !== null && body.idempotencyKey !== undefined && isConflict(error)) {
        const key = body.idempotencyKey;
        const winner = await ctx.store.read(async (tx) => {
          const record = await tx.idempotency.get(actor.tenantId, key);
          return record && replay(tx, record, fingerprint);
        });
        if (winner) return winner;
      }
      throw error;
    }
  }

  async function decideAndRecord(
    scope: WriteScope,
    body: CreateIntent,
    agent: Agent,
    classification: Classification,
    fingerprint: string | null,
  ): Promise<SubmitResult> {
    const { tx, tenantId, now, at } = scope;
    const rules = await ctx.rules.load(tx, tenantId);
    const started = performance.now();
    const decision = evaluate(toEvaluationIntent(body, classification), {
      agent,
      policies: rules.policies,
      intentions: rules.intentions,
      now,
      matrix: ctx.matrix,
      unmatchedPolicyEntries: STORED_UNMATCHED_POLICY_ENTRIES,
    });
    const evaluationSeconds = (performance.now() - started) / 1000;

    const intent: Intent = {
      id: newId("intent", now),
      tenantId,
      agentId: agent.id,
      type: classification.type.name,
      domain: classification.domain,
      params: classification.params,
      description: body.description ?? null,
      justification: body.justification ?? null,
      idempotencyKey: body.idempotencyKey ?? null,
      status: STATUS_BY_OUTCOME[decision.outcome],
      riskLevel: decision.riskLevel,
      decision,
      intention: decision.intention ?? "ambient",
      dataElements: body.dataElements ?? [],
      submittedBy: scope.actor.id,
      error: null,
      valueCents: null,
      valueCategory: null,
      createdAt: at,
      updatedAt: at,
      completedAt: null,
    };
    const approval = intent.status === "pending" ? newApproval(intent, decision, now) : null;
    if (intent.status === "approved") {
      const token = await mintOnApproval(ctx, scope, intent);
      if (token !== null) intent.intentToken = token;
    }

    await tx.intents.insert(intent);
    if (approval) await tx.approvals.insert(approval);
    recordSubmission(scope, intent, approval);
    if (intent.status === "blocked") {
      await applyTrustEvent(ctx, scope, agent.id, {
        kind: "policy_block",
        riskLevel: intent.riskLevel,
        intentId: intent.id,
      });
    }
    if (fingerprint !== null && body.idempotencyKey !== undefined) {
      await tx.idempotency.insert({
        tenantId,
        key: body.idempotencyKey,
        requestHash: fingerprint,
        intentId: intent.id,
        createdAt: at,
      });
    }
    scope.afterCommit(() => {
      ctx.metrics.intentDecided(intent, evaluationSeconds);
      if (approval) ctx.metrics.pendingApprovalsMoved(tenantId, 1);
    });
    return { intent, approval, replayed: false };
  }

  function newApproval(intent: Intent, decision: Decision, now: number): Approval {
    // Capped for policies stored before the schema bounded the window: a larger one overflowed
    // the date below and failed every submission it matched.
    const ttlSeconds = Math.min(
      decision.approval?.expiresInSeconds ?? ctx.approvalTtlSeconds,
      MAX_APPROVAL_EXPIRY_SECONDS,
    );
    return {
      id: newId("approval", now),
      tenantId: intent.tenantId,
      intentId: intent.id,
      status: "pending",
      reasons: decision.reasons,
      requiredApprovals: decision.approval?.approvers ?? 1,
      votes: [],
      decidedBy: null,
      decidedByName: null,
      decidedAt: null,
      rejectionReason: null,
      requestedAt: intent.createdAt,
      expiresAt: new Date(now + ttlSeconds * 1000).toISOString(),
    };
  }

  async function simulate(tenantId: string, input: unknown): Promise<SimulateResult> {
    const body = parseWithSchema(SimulateInputSchema, input);
    const now = ctx.clock();
    const { stored, rules } = await ctx.store.read(async (tx) => ({
      stored: await tx.agents.get(tenantId, body.agentId),
      rules: await ctx.rules.load(tx, tenantId),
    }));
    if (!stored && !body.agent) throw agentNotFound(body.agentId);
    const agent: EvaluationAgent = {
      id: body.agentId,
      status: body.agent?.status ?? stored?.status ?? "active",
      trustTier: body.agent?.trustTier ?? stored?.trustTier ?? "T0",
      domains: body.agent?.domains ?? stored?.domains ?? [],
      intentTypes: body.agent?.intentTypes ?? stored?.intentTypes ?? [],
    };
    const classification = ctx.catalog.classify(body.type, body.domain, paramsAsSent(input, body));
    const decision = evaluate(toEvaluationIntent(body, classification), {
      agent,
      policies: rules.policies,
      intentions: rules.intentions,
      now,
      matrix: ctx.matrix,
      explain: true,
    });
    return { decision, riskLevel: classification.riskLevel };
  }

  async function getIntent(tenantId: string, id: string): Promise<IntentDetails> {
    const details = await ctx.store.read(async (tx) => {
      const intent = await tx.intents.get(tenantId, id);
      if (!intent) return undefined;
      const approval = (await tx.approvals.getByIntent(tenantId, id)) ?? null;
      const history = await tx.audit.list(tenantId, { intentId: id }, { page: 1, pageSize: MAX_HISTORY });
      return { intent, approval, history: history.items };
    });
    if (!details) throw notFound("Intent", id);
    return details;
  }

  async function listIntents(
    tenantId: string,
    filter: IntentFilter = {},
    page?: PageInput,
  ): Promise<Page<Intent>> {
    // The bounds as the stored ISO form, so the stores' string comparison is exact.
    const normalized = normalizeDateBounds(filter, { createdFrom: "start", createdBefore: "start" });
    return ctx.store.read((tx) => tx.intents.list(tenantId, normalized, toPageRequest(page)));
  }

  return { submit, simulate, getIntent, listIntents };
}

/**
 * The params to classify: the caller's own object, once the body schema has accepted it. zod's
 * record copy skips a `__proto__` key (assigning it would replace the copy's prototype), so the
 * type's strict schema never saw it: the key vanished instead of failing as "Unknown field".
 */
function paramsAsSent(input: unknown, body: CreateIntent): unknown {
  return (input as { params?: unknown }).params ?? body.params;
}

/** The catalog's verdict on type, domain and params, or the VALIDATION_ERROR it raised. */
function classify(
  ctx: GovernorContext,
  body: CreateIntent,
  params: unknown,
): Classification | IntendedOpsError {
  try {
    return ctx.catalog.classify(body.type, body.domain, params);
  } catch (error) {
    if (isIntendedOpsError(error)) return error;
    throw error;
  }
}

function toEvaluationIntent(body: CreateIntent, classification: Classification): EvaluationIntent {
  return {
    type: classification.type.name,
    domain: classification.domain,
    agentId: body.agentId,
    params: classification.params,
    riskLevel: classification.riskLevel,
    intentClass: classification.type.intentClass,
    intention: body.intention,
    dataElements: body.dataElements,
  };
}

/** Answer a repeated idempotency key: the original intent when the body matches, else 422. */
async function replay(tx: StoreTx, record: IdempotencyRecord, fingerprint: string): Promise<SubmitResult> {
  if (record.requestHash !== fingerprint) {
    throw new IntendedOpsError(
      "IDEMPOTENCY_KEY_REUSED",
      `Idempotency key ${record.key} was already used with a different request`,
      { idempotencyKey: record.key, intentId: record.intentId },
    );
  }
  const intent = await tx.intents.get(record.tenantId, record.intentId);
  if (!intent) {
    throw new IntendedOpsError("INTERNAL_ERROR", `Idempotency key ${record.key} points to a missing intent`);
  }
  const approval = (await tx.approvals.getByIntent(record.tenantId, intent.id)) ?? null;
  return { intent, approval, replayed: true };
}

function recordSubmission(scope: WriteScope, intent: Intent, approval: Approval | null): void {
  const { decision } = intent;
  const ids = { agentId: intent.agentId, intentId: intent.id };
  // One event for the request and its decision: both happen in the same step (same transaction,
  // same instant), and every audit row costs a hash and six index entries on the hot path.
  // Every key below is written in canonical (UTF-16) order, absent ones as undefined (which
  // canonical JSON omits, as JSON does), so the audit hash's serializer need not sort and copy
  // them. Only `params`, whose order is the type schema's, still gets sorted.
  scope.audit({
    eventType: "intent.submitted",
    ...ids,
    data: {
      dataElements: intent.dataElements,
      decision: {
        approvalId: approval?.id,
        expiresAt: approval?.expiresAt,
        intention: intent.intention,
        matchedPolicies: decision.matchedPolicies,
        outcome: decision.outcome,
        reasons: decision.reasons,
        requiredApprovals: approval?.requiredApprovals,
        riskLevel: decision.riskLevel,
        shadow: decision.shadow,
        status: intent.status,
        tokenIssued: intent.intentToken ? true : undefined,
        trustTier: decision.trustTier,
      },
      description: intent.description,
      domain: intent.domain,
      idempotencyKey: intent.idempotencyKey,
      justification: intent.justification,
      params: intent.params,
      type: intent.type,
    },
  });
  const summary = { intentId: intent.id, type: intent.type, status: intent.status };
  scope.publish({
    event: "intent.submitted",
    data: {
      ...summary,
      domain: intent.domain,
      agentId: intent.agentId,
      riskLevel: intent.riskLevel,
      ...(approval && { approvalId: approval.id }),
    },
  });
  if (intent.status === "approved") {
    scope.publish({
      event: "intent.approved",
      data: {
        ...summary,
        approvedBy: "policy",
        ...(intent.intentToken && { intentToken: intent.intentToken }),
      },
    });
  } else if (intent.status === "blocked") {
    scope.audit({ eventType: "intent.blocked", ...ids, data: { reasons: decision.reasons } });
    scope.publish({ event: "intent.blocked", data: { ...summary, reasons: decision.reasons } });
  }
}

function agentNotFound(agentId: string): IntendedOpsError {
  return new IntendedOpsError("AGENT_NOT_FOUND", `Agent not found: ${agentId}`, { agentId });
}

function isConflict(error: unknown): boolean {
  return isIntendedOpsError(error) && error.code === "CONFLICT";
}
