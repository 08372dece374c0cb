import type { z } from "zod";
import type { DomainDefinition, IntentTypeDefinition } from "../catalog/intent-type";
import type { DataElementRef } from "../model/intent";
import type { Value } from "../model/value";
import { parseWithSchema } from "../validation/compiled-check";
import {
  ApprovalTimeoutError,
  CompletionReportError,
  errorMessage,
  HandlerFailedError,
  IntentAlreadyHandledError,
  IntentBlockedError,
  IntentExpiredError,
  IntentRejectedError,
  MissingHandlerError,
} from "./agent-errors";
import { resolveWaitOptions, type WaitOptions, waitForDecision } from "./approval-wait";
import type {
  CompletionReport,
  DecisionSummary,
  GovernanceBackend,
  IntentStatusReport,
} from "./governance-backend";
import { type CamelCase, camelCase } from "./method-names";

type TypesOf<D> = D extends DomainDefinition<string, infer Types> ? Types : never;
type ActionOf<D> = keyof TypesOf<D> & string;
type SchemaOf<T> = T extends IntentTypeDefinition<string, infer Schema> ? Schema : never;
type TypesByMethod<D> = { [A in ActionOf<D> as CamelCase<A>]: TypesOf<D>[A] };

/** The agent method names of a domain: camelCase of each action (`sendInvoice`, …). */
export type MethodName<D> = keyof TypesByMethod<D> & string;
/** What a caller passes to a method (the schema's input: defaults may be omitted). */
export type MethodParams<D, M extends MethodName<D>> = z.input<SchemaOf<TypesByMethod<D>[M]>>;
/** What a handler receives (validated, defaults applied). */
export type HandlerParams<D, M extends MethodName<D>> = z.output<SchemaOf<TypesByMethod<D>[M]>>;

/** The decision an executed intent ran under. */
export interface AgentDecision extends DecisionSummary {
  /** Who approved it, or null when policy allowed it without a human. */
  approvedBy: string | null;
}

/** What a handler learns about the intent it executes. */
export interface HandlerContext {
  intentId: string;
  /** The intent type, e.g. `billing.send_invoice`. */
  type: string;
  decision: AgentDecision;
  /** The caller's signal, so long-running handlers can stop early. */
  signal?: AbortSignal;
}

/** The user's code per method; each runs only after governance allowed the intent. */
export type DomainHandlers<D> = {
  [M in MethodName<D>]?: (params: HandlerParams<D, M>, context: HandlerContext) => unknown;
};

type ResultOf<H, M> = M extends keyof H
  ? NonNullable<H[M]> extends (...args: never[]) => infer R
    ? Awaited<R>
    : unknown
  : unknown;

/** Per-call options of an agent method. */
export interface CallOptions {
  idempotencyKey?: string;
  justification?: string;
  description?: string;
  /** Label of the intention the agent acts under. */
  intention?: string;
  dataElements?: DataElementRef[];
  /**
   * Wait for a human when the intent is pending (default true, with DEFAULT_WAIT_OPTIONS).
   * `false` returns `{ status: "pending" }` at once without running the handler.
   */
  waitForApproval?: boolean | WaitOptions;
  /** Cancels waiting (rejects with the signal's reason; the intent stays pending). */
  signal?: AbortSignal;
  /** Value to record on completion; without it the intent type's estimator applies. */
  value?: Value;
}

/** Defaults applied to every call of an agent. */
export interface AgentDefaults {
  justification?: string;
  description?: string;
  intention?: string;
  /** Polling and timeout used when a call waits for approval. */
  waitForApproval?: WaitOptions;
}

export interface CompletedCall<R> {
  intentId: string;
  status: "completed";
  result: R;
  decision: AgentDecision;
}

export interface PendingCall {
  intentId: string;
  status: "pending";
  decision: DecisionSummary;
}

/** One typed agent method. Only `waitForApproval: false` can return a pending call. */
export interface AgentMethod<P, R> {
  (params: P, options: CallOptions & { waitForApproval: false }): Promise<CompletedCall<R> | PendingCall>;
  (params: P, options?: CallOptions & { waitForApproval?: true | WaitOptions }): Promise<CompletedCall<R>>;
  (params: P, options?: CallOptions): Promise<CompletedCall<R> | PendingCall>;
}

/** A governed agent: one method per intent type of the domain. */
export type DomainAgent<D, H = DomainHandlers<D>> = {
  readonly [M in MethodName<D>]: AgentMethod<MethodParams<D, M>, ResultOf<H, M>>;
};

export interface DomainAgentOptions<D, H extends DomainHandlers<D> = DomainHandlers<D>> {
  governance: GovernanceBackend;
  /** The registered agent's id, e.g. `billing-agent`. */
  agentId: string;
  handlers: H;
  defaults?: AgentDefaults;
}

/**
 * Build a typed, governed agent for a domain: each method validates its params, submits
 * the intent, waits for a human when needed, runs the handler only when approved and
 * reports the outcome.
 * @example createDomainAgent(billingDomain, { governance, agentId: "billing-agent", handlers: { sendInvoice } })
 */
export function createDomainAgent<const D extends DomainDefinition, H extends DomainHandlers<D>>(
  domain: D,
  options: DomainAgentOptions<D, H>,
): DomainAgent<D, H> {
  const actions = new Map<string, IntentTypeDefinition>();
  for (const [action, type] of Object.entries(domain.types)) actions.set(camelCase(action), type);
  for (const key of Object.keys(options.handlers)) {
    if (!actions.has(key)) {
      const known = [...actions.keys()].join(", ");
      throw new TypeError(`Unknown handler "${key}" for domain ${domain.name}; methods are: ${known}`);
    }
  }
  const agent: Record<string, (params: unknown, call?: CallOptions) => Promise<unknown>> = {};
  for (const [method, type] of actions) {
    agent[method] = (params, call = {}) => runIntent({ domain, options, method, type }, params, call);
  }
  return Object.freeze(agent) as unknown as DomainAgent<D, H>;
}

interface MethodSpec {
  domain: DomainDefinition;
  options: Omit<DomainAgentOptions<unknown>, "handlers"> & { handlers: Readonly<Record<string, unknown>> };
  method: string;
  type: IntentTypeDefinition;
}

type Handler = (params: unknown, context: HandlerContext) => unknown;

async function runIntent(spec: MethodSpec, params: unknown, call: CallOptions): Promise<unknown> {
  const { domain, options, method, type } = spec;
  const handler = options.handlers[method];
  if (typeof handler !== "function") throw new MissingHandlerError(domain.name, method);
  const validParams = parseWithSchema(type.params, params ?? {}, { pathPrefix: ["params"] }) as Record<
    string,
    unknown
  >;
  const { governance, agentId, defaults = {} } = options;
  const wait = call.waitForApproval ?? true;
  // Resolved before submitting, so a bad option fails the call before anything is sent.
  const waitOptions = resolveWaitOptions(
    defaults.waitForApproval,
    typeof wait === "object" ? wait : undefined,
  );
  const signal = call.signal;
  signal?.throwIfAborted();

  const submitted = await governance.submit(
    compact({
      type: type.name,
      domain: domain.name,
      agentId,
      params: validParams,
      description: call.description ?? defaults.description,
      justification: call.justification ?? defaults.justification,
      idempotencyKey: call.idempotencyKey,
      intention: call.intention ?? defaults.intention,
      dataElements: call.dataElements,
    }),
    { signal },
  );
  const { intentId, decision } = submitted;
  const execute = (approvedBy: string | null) =>
    executeHandler(governance, handler as Handler, validParams, {
      intentId,
      type: type.name,
      decision: { ...decision, approvedBy },
      signal,
      value: call.value,
    });

  if (submitted.status === "approved") {
    // A replay may find an intent a human approved earlier; only a fresh approval is the policy's.
    return execute(submitted.replayed ? await approverOf(governance, intentId, signal) : null);
  }
  if (submitted.status === "blocked") throw new IntentBlockedError(intentId, decision.reasons);
  if (submitted.status !== "pending") throw notExecuted(intentId, await governance.getStatus(intentId));

  if (wait === false) return { intentId, status: "pending", decision };
  const outcome = await waitForDecision(governance, intentId, waitOptions, signal);
  if (outcome.kind === "timeout") {
    throw new ApprovalTimeoutError(intentId, outcome.report.reasons, waitOptions.timeoutMs);
  }
  if (outcome.report.status === "approved") return execute(outcome.report.decidedBy ?? null);
  throw notExecuted(intentId, outcome.report);
}

interface Execution {
  intentId: string;
  type: string;
  decision: AgentDecision;
  signal: AbortSignal | undefined;
  value: Value | undefined;
}

/** Longest failure message sent to the backend; handler errors can carry whole payloads. */
const MAX_ERROR_LENGTH = 2_000;

async function executeHandler(
  governance: GovernanceBackend,
  handler: Handler,
  params: unknown,
  run: Execution,
): Promise<unknown> {
  const { intentId, type, decision, signal } = run;
  let result: unknown;
  try {
    result = await handler(
      params,
      signal ? { intentId, type, decision, signal } : { intentId, type, decision },
    );
  } catch (error) {
    let reportError: unknown;
    try {
      await governance.fail(intentId, { error: errorMessage(error).slice(0, MAX_ERROR_LENGTH) });
    } catch (failure) {
      reportError = failure;
    }
    throw new HandlerFailedError(intentId, error, reportError);
  }
  try {
    await governance.complete(intentId, compact<CompletionReport>({ result, value: run.value }));
  } catch (error) {
    throw new CompletionReportError(intentId, result, error);
  }
  return { intentId, status: "completed", result, decision };
}

/** Who approved an already approved intent: the human's name or id, null when policy allowed it. */
async function approverOf(
  governance: GovernanceBackend,
  intentId: string,
  signal: AbortSignal | undefined,
): Promise<string | null> {
  return (await governance.getStatus(intentId, { signal })).decidedBy ?? null;
}

/** The typed error for an intent that left `pending` without being approved. */
function notExecuted(intentId: string, report: IntentStatusReport): Error {
  switch (report.status) {
    case "blocked":
      return new IntentBlockedError(intentId, report.reasons);
    case "rejected":
      return new IntentRejectedError(intentId, report.reasons, report.decidedBy ?? null);
    case "expired":
      return new IntentExpiredError(intentId, report.reasons);
    default:
      return new IntentAlreadyHandledError(intentId, report.status, report.reasons);
  }
}

/** Drop undefined members so bodies and idempotency fingerprints stay minimal. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
