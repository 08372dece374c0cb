import type { GovernanceBackend, IntentStatusReport } from "@intendedops/core";
import type { IntendedOpsClient } from "./client";
import type { Intent } from "./types";

/** The client methods a remote backend calls; any object with them fits (e.g. a wrapped client). */
export type GovernanceClient = Pick<
  IntendedOpsClient,
  "createIntent" | "getIntent" | "completeIntent" | "failIntent"
>;

/**
 * What `fail` reports for a handler error whose message is blank (the server needs some text): the
 * text of core's BLANK_FAILURE, written out because the client imports core for types only.
 */
const BLANK_FAILURE = "The handler failed without a message";

/**
 * A domain agent's governance over HTTP: submits, polls and reports through the API.
 *
 * @example
 * const agent = createBillingAgent({ governance: remoteGovernance(client), agentId: "billing-agent", handlers });
 */
export function remoteGovernance(client: GovernanceClient): GovernanceBackend {
  return {
    async submit(input, options) {
      const signal = options?.signal;
      const submitted = await client.createIntent(input, { signal });
      if (!submitted.replayed) {
        return {
          intentId: submitted.intentId,
          status: submitted.status,
          decision: submitted.decision,
          replayed: false,
        };
      }
      // An agent restarted after its handler ran must see "completed", not "approved", or it would
      // run the handler a second time. The replay already carries the intent's current status;
      // reading the intent back keeps that true whatever answered the replay.
      const now = await client.getIntent(submitted.intentId, { signal });
      const { outcome, reasons, riskLevel, trustTier, intention } = now.decision;
      return {
        intentId: now.id,
        status: now.status,
        decision: { outcome, reasons, riskLevel, trustTier, intention: intention ?? now.intention },
        replayed: true,
      };
    },
    async getStatus(intentId, options) {
      return statusOf(await client.getIntent(intentId, { signal: options?.signal }));
    },
    async complete(intentId, report) {
      await client.completeIntent(intentId, report);
    },
    async fail(intentId, report) {
      // The server trims the error and refuses an empty one: a handler that threw " " (or a bare
      // "") would leave the intent approved, its failure unrecorded and trust unmoved.
      const error = report.error.trim() === "" ? BLANK_FAILURE : report.error;
      await client.failIntent(intentId, { ...report, error });
    },
  };
}

/** Where an intent stands and why: a human's rejection reason or the expiry beat the decision's reasons. */
export function statusOf(intent: Pick<Intent, "status" | "decision" | "approval">): IntentStatusReport {
  const approval = intent.approval ?? null;
  const decidedBy = approval ? (approval.decidedByName ?? approval.decidedBy) : null;
  switch (intent.status) {
    case "rejected":
      return {
        status: "rejected",
        reasons: [approval?.rejectionReason ?? `Rejected by ${decidedBy ?? "an approver"}`],
        decidedBy,
      };
    case "expired":
      return {
        status: "expired",
        reasons: [
          `Approval expired${approval?.expiresAt ? ` at ${approval.expiresAt}` : ""} without a decision`,
        ],
        decidedBy: null,
      };
    default:
      return { status: intent.status, reasons: [...intent.decision.reasons], decidedBy };
  }
}
