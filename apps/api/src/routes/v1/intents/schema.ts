import { z } from "@hono/zod-openapi";
import {
  CompleteIntentInputSchema,
  CreateIntentInputSchema,
  FailIntentInputSchema,
  INTENT_STATUSES,
  IntentStatusSchema,
  OutcomeSchema,
  RiskLevelSchema,
  TrustTierSchema,
} from "@intendedops/core";
import { dateTime, named } from "../../api-route";
import { AuditEventViewSchema } from "../audit/schema";
import { ApprovalRecordSchema, IntentRecordSchema } from "../model-views";
import { PaginationQuerySchema, pageOf } from "../pagination";

export const CreateIntentBodySchema = named(CreateIntentInputSchema, "CreateIntent", {
  example: {
    type: "billing.send_invoice",
    domain: "billing",
    agentId: "billing-agent",
    params: { customerId: "cust_123", amount: 99.99 },
    description: "Send monthly subscription invoice",
    idempotencyKey: "invoice-cust_123-2024-01",
  },
});

export const SubmittedIntentSchema = z
  .object({
    intentId: z.string().openapi({ example: "int_01HN4X7KQZ8Y1A2B3C4D5E6F7G" }),
    status: z.enum(INTENT_STATUSES).openapi({
      description:
        "pending (awaits a human), approved or blocked; a replay (200) reports the intent's status now, e.g. completed",
    }),
    createdAt: dateTime(),
    decision: z.object({
      outcome: OutcomeSchema,
      reasons: z.array(z.string()),
      riskLevel: RiskLevelSchema,
      trustTier: TrustTierSchema,
      intention: z.string().optional(),
    }),
  })
  .openapi("SubmittedIntent");

export const IntentViewSchema = named(IntentRecordSchema, "Intent");
export const IntentDetailsSchema = IntentViewSchema.extend({
  approval: ApprovalRecordSchema.nullable(),
  history: z.array(AuditEventViewSchema),
}).openapi("IntentDetails");
export const IntentPageSchema = pageOf(IntentViewSchema, "IntentPage");

export const ListIntentsQuerySchema = PaginationQuerySchema.extend({
  status: IntentStatusSchema.optional(),
  agentId: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  domain: z.string().min(1).optional(),
});

export const CompleteIntentBodySchema = named(CompleteIntentInputSchema, "CompleteIntent", {
  example: { result: { invoiceId: "inv_42" }, value: { cents: 9900, category: "revenue" } },
});
export const FailIntentBodySchema = named(FailIntentInputSchema, "FailIntent", {
  example: { error: "Payment provider timed out" },
});
