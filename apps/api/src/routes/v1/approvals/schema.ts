import { z } from "@hono/zod-openapi";
import { APPROVAL_STATUSES, RejectApprovalInputSchema } from "@intendedops/core";
import { named } from "../../api-route";
import { IntentViewSchema } from "../intents/schema";
import { ApprovalRecordSchema, IntentRecordSchema } from "../model-views";
import { PaginationQuerySchema, pageOf } from "../pagination";

export const IntentSummarySchema = IntentRecordSchema.pick({
  id: true,
  type: true,
  domain: true,
  agentId: true,
  status: true,
  riskLevel: true,
  params: true,
  description: true,
  justification: true,
  submittedBy: true,
  createdAt: true,
}).openapi("IntentSummary");

export const ApprovalViewSchema = ApprovalRecordSchema.extend({
  reasons: z.array(z.string()).openapi({ description: "Why a human is needed" }),
  // A union, not `.nullable()`: that would make the IntentSummary component itself nullable.
  intent: z.union([IntentSummarySchema, z.null()]),
}).openapi("Approval");
export const ApprovalPageSchema = pageOf(ApprovalViewSchema, "ApprovalPage");

export const ApprovalDecisionSchema = ApprovalRecordSchema.extend({ intent: IntentViewSchema }).openapi(
  "ApprovalDecision",
);

export const ListApprovalsQuerySchema = PaginationQuerySchema.extend({
  status: z
    .enum([...APPROVAL_STATUSES, "all"])
    .default("pending")
    .openapi({ description: "pending (default), approved, rejected, expired or all" }),
});

export const RejectBodySchema = named(RejectApprovalInputSchema, "RejectApproval", {
  example: { reason: "Amount exceeds approved limit" },
});
