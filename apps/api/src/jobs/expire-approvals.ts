import type { Governor } from "@intendedops/core";
import type { PeriodicJob } from "./job-registry";

export const EXPIRY_JOB = "expire-approvals";

/** Resolve approvals past their deadline: the approval and its intent become `expired`. */
export function createExpiryJob(governor: Governor, intervalMs: number, clock: () => number): PeriodicJob {
  return { name: EXPIRY_JOB, intervalMs, run: () => governor.expireDue(clock()) };
}
