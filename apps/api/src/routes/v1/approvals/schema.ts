import { z } from "@hono/zod-openapi";
import {
  APPROVAL_STATUSES,
  ApprovalSchema,
  IntentSchema,
  RejectApprovalInputSchema,
} from "@intendedops/core";
import { named } from "../../api-route";
import { PaginationQuerySchema, pageOf } from "../pagination";

export const IntentSummarySchema = IntentSchema.pick({
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

export const ApprovalViewSchema = ApprovalSchema.extend({
  reasons: z.array(z.string()).openapi({ description: "Why a human is needed" }),
  intent: IntentSummarySchema.nullable(),
}).openapi("Approval");
export const ApprovalPageSchema = pageOf(ApprovalViewSchema);

export const ApprovalDecisionSchema = ApprovalSchema.extend({ intent: IntentSchema }).openapi(
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
