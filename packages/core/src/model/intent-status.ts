import { z } from "zod";
import { IntendedOpsError } from "../errors";

export const INTENT_STATUSES = [
  "pending",
  "approved",
  "rejected",
  "blocked",
  "executing",
  "completed",
  "failed",
  "expired",
] as const;
export const IntentStatusSchema = z.enum(INTENT_STATUSES);
export type IntentStatus = z.infer<typeof IntentStatusSchema>;

/**
 * The legal transitions of an intent, as one explicit table.
 * `pending` awaits a human; `approved` may go straight to `completed`/`failed`
 * (the agent reports the outcome) or through `executing`.
 */
export const INTENT_TRANSITIONS: Readonly<Record<IntentStatus, readonly IntentStatus[]>> = {
  pending: ["approved", "rejected", "expired"],
  approved: ["executing", "completed", "failed"],
  executing: ["completed", "failed"],
  rejected: [],
  blocked: [],
  completed: [],
  failed: [],
  expired: [],
};

export const TERMINAL_STATUSES: readonly IntentStatus[] = INTENT_STATUSES.filter(
  (s) => INTENT_TRANSITIONS[s].length === 0,
);

export function canTransition(from: IntentStatus, to: IntentStatus): boolean {
  return INTENT_TRANSITIONS[from].includes(to);
}

/** Returns `to` when the move is legal; otherwise throws INVALID_STATE (never a silent overwrite). */
export function assertTransition(from: IntentStatus, to: IntentStatus): IntentStatus {
  if (!canTransition(from, to)) {
    throw new IntendedOpsError("INVALID_STATE", `Intent cannot move from ${from} to ${to}`, {
      from,
      to,
      allowed: INTENT_TRANSITIONS[from],
    });
  }
  return to;
}
