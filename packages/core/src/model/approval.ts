import { z } from "zod";

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "expired"] as const;
export const ApprovalStatusSchema = z.enum(APPROVAL_STATUSES);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

export const ApprovalVoteSchema = z.object({ by: z.string(), byName: z.string().nullable(), at: z.string() });
export type ApprovalVote = z.infer<typeof ApprovalVoteSchema>;

export const ApprovalSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  intentId: z.string(),
  status: ApprovalStatusSchema,
  /** Why a human is needed (the decision's reasons). */
  reasons: z.array(z.string()),
  requiredApprovals: z.number().int().min(1),
  votes: z.array(ApprovalVoteSchema),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  requestedAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type Approval = z.infer<typeof ApprovalSchema>;
