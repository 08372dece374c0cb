import { z } from "zod";
import { OutcomeSchema, RiskLevelSchema, TrustTierSchema } from "./enums";

/** One line of the explain trace: a rule (policy, matrix, declaration, intention) and its verdict. */
export const TraceEntrySchema = z.object({
  rule: z.string(),
  kind: z.enum(["declaration", "agent_status", "policy", "intention", "matrix", "critical_guard"]),
  matched: z.boolean(),
  effect: OutcomeSchema.optional(),
  mode: z.enum(["enforce", "shadow"]).optional(),
  why: z.string(),
});
export type TraceEntry = z.infer<typeof TraceEntrySchema>;

/**
 * Longest approval window: one year. Bounded because each approval turns it into a date, and an
 * unbounded one (1e13 s) overflowed that date and failed each submission it applied to with a 500.
 */
export const MAX_APPROVAL_EXPIRY_SECONDS = 365 * 24 * 60 * 60;

export const ApprovalSettingsSchema = z.strictObject({
  approvers: z.number().int().min(1).max(10).default(1),
  expiresInSeconds: z
    .number()
    .int()
    .positive()
    .max(
      MAX_APPROVAL_EXPIRY_SECONDS,
      `Approval expiry must be at most ${MAX_APPROVAL_EXPIRY_SECONDS} seconds (one year)`,
    )
    .optional(),
});
export type ApprovalSettings = z.infer<typeof ApprovalSettingsSchema>;

export const DecisionSchema = z.object({
  outcome: OutcomeSchema,
  reasons: z.array(z.string()),
  riskLevel: RiskLevelSchema,
  trustTier: TrustTierSchema,
  /** Ids of the enforced policies whose effect decided the outcome. */
  matchedPolicies: z.array(z.string()),
  /** What shadow-mode policies would have done; never applied. */
  shadow: z.array(z.object({ policyId: z.string(), effect: OutcomeSchema })),
  approval: ApprovalSettingsSchema.optional(),
  /** The matched intention's label, or "ambient". */
  intention: z.string().optional(),
  trace: z.array(TraceEntrySchema),
  evaluatedAt: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;
