import type { IntentStatus } from "../model/intent-status";

/**
 * Base of the errors a domain agent throws when governance stops an intent. The handler
 * never ran; `intentId` and `reasons` say which intent and why.
 */
export class IntentNotExecutedError extends Error {
  readonly intentId: string;
  readonly status: IntentStatus;
  readonly reasons: readonly string[];

  constructor(intentId: string, status: IntentStatus, reasons: readonly string[], message: string) {
    super(message);
    this.name = "IntentNotExecutedError";
    this.intentId = intentId;
    this.status = status;
    this.reasons = reasons;
  }
}

const withReasons = (head: string, reasons: readonly string[]): string =>
  reasons.length > 0 ? `${head}: ${reasons.join("; ")}` : head;

/** A policy, the trust matrix or an undeclared domain blocked the intent. */
export class IntentBlockedError extends IntentNotExecutedError {
  constructor(intentId: string, reasons: readonly string[]) {
    super(intentId, "blocked", reasons, withReasons(`Intent ${intentId} was blocked`, reasons));
    this.name = "IntentBlockedError";
  }
}

/** A human rejected the intent; `reasons` holds the rejection reason. */
export class IntentRejectedError extends IntentNotExecutedError {
  readonly rejectedBy: string | null;

  constructor(intentId: string, reasons: readonly string[], rejectedBy: string | null = null) {
    super(intentId, "rejected", reasons, withReasons(`Intent ${intentId} was rejected`, reasons));
    this.name = "IntentRejectedError";
    this.rejectedBy = rejectedBy;
  }
}

/** The approval expired before a human decided. */
export class IntentExpiredError extends IntentNotExecutedError {
  constructor(intentId: string, reasons: readonly string[]) {
    super(intentId, "expired", reasons, withReasons(`Intent ${intentId} expired`, reasons));
    this.name = "IntentExpiredError";
  }
}

/** The agent stopped waiting; the intent stays pending on the server and may still be decided. */
export class ApprovalTimeoutError extends IntentNotExecutedError {
  readonly timeoutMs: number;

  constructor(intentId: string, reasons: readonly string[], timeoutMs: number) {
    super(
      intentId,
      "pending",
      reasons,
      `Intent ${intentId} is still pending after waiting ${timeoutMs} ms for approval`,
    );
    this.name = "ApprovalTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The intent is already executing, completed or failed — typically an idempotency-key
 * replay of an earlier call. The handler is not run a second time.
 */
export class IntentAlreadyHandledError extends IntentNotExecutedError {
  constructor(intentId: string, status: IntentStatus, reasons: readonly string[]) {
    super(
      intentId,
      status,
      reasons,
      `Intent ${intentId} is already ${status}; its handler will not run again`,
    );
    this.name = "IntentAlreadyHandledError";
  }
}

/** The user's handler threw; the failure was reported (trust moves) and `cause` is the original error. */
export class HandlerFailedError extends Error {
  readonly intentId: string;
  /** Set when reporting the failure to the backend failed as well. */
  readonly reportError: unknown;

  constructor(intentId: string, cause: unknown, reportError?: unknown) {
    super(`Handler for intent ${intentId} failed: ${errorMessage(cause)}`, { cause });
    this.name = "HandlerFailedError";
    this.intentId = intentId;
    this.reportError = reportError;
  }
}

/**
 * The handler succeeded but reporting the completion failed. The action HAS happened:
 * `result` holds the handler's return value so the caller does not redo it.
 */
export class CompletionReportError extends Error {
  readonly intentId: string;
  readonly result: unknown;

  constructor(intentId: string, result: unknown, cause: unknown) {
    super(`Intent ${intentId} ran but its completion could not be reported: ${errorMessage(cause)}`, {
      cause,
    });
    this.name = "CompletionReportError";
    this.intentId = intentId;
    this.result = result;
  }
}

/** A method was called without a handler; thrown before anything is submitted. */
export class MissingHandlerError extends Error {
  readonly method: string;

  constructor(domain: string, method: string) {
    super(`No handler for ${domain} agent method "${method}": pass handlers.${method} to the agent factory`);
    this.name = "MissingHandlerError";
    this.method = method;
  }
}

/** The message of anything thrown, for failure reports. */
export function errorMessage(error: unknown): string {
  const message = describe(error);
  // A handler that threw " " or "" still failed: governance refuses an empty error, and the failure
  // (and the trust it costs) would go unrecorded.
  return message.trim() === "" ? BLANK_FAILURE : message;
}

/** What a failure with a blank message is reported as. */
export const BLANK_FAILURE = "The handler failed without a message";

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.trim() === "" ? error.name : error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
