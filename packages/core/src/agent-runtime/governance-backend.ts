import type { Decision } from "../model/decision";
import type { CreateIntentInput } from "../model/intent";
import type { IntentStatus } from "../model/intent-status";
import type { Value } from "../model/value";

/** The part of a governance decision an agent needs: outcome, reasons, risk and the agent's tier. */
export type DecisionSummary = Pick<Decision, "outcome" | "reasons" | "riskLevel" | "trustTier"> & {
  /** The matched intention's label, or "ambient", when the backend reports it. */
  intention?: string;
};

/** What submitting an intent returns. */
export interface SubmittedIntent {
  intentId: string;
  /** `approved`, `pending` or `blocked` for a fresh intent; any status for an idempotent replay. */
  status: IntentStatus;
  decision: DecisionSummary;
  /** True when an idempotency key replayed an earlier submission. */
  replayed?: boolean;
}

/** Where an intent stands now and why. */
export interface IntentStatusReport {
  status: IntentStatus;
  /**
   * Why the intent is in this status: the decision's reasons, the human's rejection reason
   * for `rejected`, an expiry note for `expired`.
   */
  reasons: string[];
  /** Who approved or rejected it (name or id), when a human decided. */
  decidedBy?: string | null;
}

/** How an intent ended, reported by the agent after its handler ran. */
export interface CompletionReport {
  result?: unknown;
  /** Explicit value; without it the server-side estimator of the intent type applies. */
  value?: Value;
}

export interface FailureReport {
  error: string;
}

/** Per-call options a backend may honour (remote backends pass the signal to fetch). */
export interface BackendCallOptions {
  signal?: AbortSignal;
}

/**
 * Where a domain agent's intents are governed: an embedded governor (`embeddedGovernance`)
 * or the HTTP API (`remoteGovernance` from @intendedops/client). Errors are thrown as
 * IntendedOpsError (embedded) or the client's typed API errors (remote).
 */
export interface GovernanceBackend {
  submit(input: CreateIntentInput, options?: BackendCallOptions): Promise<SubmittedIntent>;
  getStatus(intentId: string, options?: BackendCallOptions): Promise<IntentStatusReport>;
  complete(intentId: string, report: CompletionReport): Promise<void>;
  fail(intentId: string, report: FailureReport): Promise<void>;
}
