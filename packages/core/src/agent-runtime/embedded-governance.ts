import type { Approval } from "../model/approval";
import type { CreateIntentInput, Intent } from "../model/intent";
import type { Value } from "../model/value";
import type {
  DecisionSummary,
  GovernanceBackend,
  IntentStatusReport,
  SubmittedIntent,
} from "./governance-backend";

/** Who acts inside the embedded governor (the governor's Actor shape). */
export interface EmbeddedActor {
  tenantId: string;
  id: string;
  name?: string | null;
  kind?: "key" | "user" | "system";
}

/**
 * The governor methods the embedded backend uses. Declared structurally so any object
 * with these methods (core's `createGovernor` result, or a wrapper around it) fits.
 */
export interface EmbeddedGovernor {
  submit(actor: EmbeddedActor, input: CreateIntentInput): Promise<{ intent: Intent; replayed?: boolean }>;
  getIntent(tenantId: string, id: string): Promise<{ intent: Intent; approval: Approval | null }>;
  complete(
    actor: EmbeddedActor,
    intentId: string,
    outcome: { result?: unknown; value?: Value },
  ): Promise<unknown>;
  fail(actor: EmbeddedActor, intentId: string, outcome: { error: string }): Promise<unknown>;
  /**
   * Expires overdue approvals (core's governor has it). With it, an agent waiting on an approval
   * whose time ran out gets `IntentExpiredError`; without it, it waits until its own timeout.
   */
  expireDue?(): Promise<unknown>;
}

export interface EmbeddedGovernanceOptions {
  tenantId: string;
  /** The id the agent acts under (recorded as submitter; it cannot approve its own intents). */
  actorId: string;
  actorName?: string;
}

/** Run a domain agent against a governor in the same process (no HTTP). */
export function embeddedGovernance(
  governor: EmbeddedGovernor,
  options: EmbeddedGovernanceOptions,
): GovernanceBackend {
  const actor: EmbeddedActor = {
    tenantId: options.tenantId,
    id: options.actorId,
    name: options.actorName ?? null,
    kind: "key",
  };
  return {
    async submit(input): Promise<SubmittedIntent> {
      const { intent, replayed } = await governor.submit(actor, input);
      return {
        intentId: intent.id,
        status: intent.status,
        decision: summarizeDecision(intent),
        replayed: replayed ?? false,
      };
    },
    async getStatus(intentId) {
      const found = await governor.getIntent(options.tenantId, intentId);
      // In a server a periodic job expires approvals; an embedded governor has none, so the
      // waiting agent expires its own overdue approval (the governor's clock has the last word).
      if (isOverdue(found) && governor.expireDue) {
        await governor.expireDue();
        const { intent, approval } = await governor.getIntent(options.tenantId, intentId);
        return statusReport(intent, approval);
      }
      return statusReport(found.intent, found.approval);
    },
    async complete(intentId, report) {
      await governor.complete(actor, intentId, report);
    },
    async fail(intentId, report) {
      await governor.fail(actor, intentId, report);
    },
  };
}

function isOverdue({ intent, approval }: { intent: Intent; approval: Approval | null }): boolean {
  if (intent.status !== "pending" || approval?.status !== "pending" || !approval.expiresAt) return false;
  return Date.parse(approval.expiresAt) <= Date.now();
}

/** The agent-facing part of an intent's decision. */
export function summarizeDecision(intent: Pick<Intent, "decision" | "intention">): DecisionSummary {
  const { outcome, reasons, riskLevel, trustTier } = intent.decision;
  return { outcome, reasons, riskLevel, trustTier, intention: intent.decision.intention ?? intent.intention };
}

/** Status plus the reasons that explain it, from a stored intent and its approval. */
export function statusReport(
  intent: Pick<Intent, "status" | "decision">,
  approval: Pick<Approval, "decidedBy" | "decidedByName" | "rejectionReason" | "expiresAt"> | null,
): IntentStatusReport {
  const decidedBy = approval ? (approval.decidedByName ?? approval.decidedBy) : null;
  if (intent.status === "rejected") {
    const reason = approval?.rejectionReason ?? `Rejected by ${decidedBy ?? "an approver"}`;
    return { status: intent.status, reasons: [reason], decidedBy };
  }
  if (intent.status === "expired") {
    const when = approval?.expiresAt ? ` at ${approval.expiresAt}` : "";
    return {
      status: intent.status,
      reasons: [`Approval expired${when} without a decision`],
      decidedBy: null,
    };
  }
  return { status: intent.status, reasons: [...intent.decision.reasons], decidedBy };
}
