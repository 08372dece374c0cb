import { z } from "@hono/zod-openapi";
import {
  AgentSchema,
  INTENT_STATUSES,
  RegisterAgentInputSchema,
  SetTrustInputSchema,
  TrustChangeSchema,
  TrustTierSchema,
  VALUE_CATEGORIES,
} from "@intendedops/core";
import { dateTime, named } from "../../api-route";
import { pageOf } from "../pagination";

/** Core's agent and trust change, with their timestamps documented as `format: date-time`. */
export const AgentViewSchema = named(
  AgentSchema.extend({ tierSince: dateTime(), createdAt: dateTime(), updatedAt: dateTime() }),
  "Agent",
);
export const AgentPageSchema = pageOf(AgentViewSchema, "AgentPage");
const TrustChangeViewSchema = named(TrustChangeSchema.extend({ at: dateTime() }), "TrustChange");
export const RegisterAgentBodySchema = named(RegisterAgentInputSchema, "RegisterAgent", {
  example: {
    name: "Billing Agent",
    description: "Handles billing operations",
    domains: ["billing"],
    intentTypes: ["billing.send_invoice", "billing.collect_payment"],
  },
});
export const SetTrustBodySchema = named(SetTrustInputSchema, "SetTrust", {
  example: { tier: "T3", reason: "Six months without incident" },
});

const countsByStatus = z.object(
  Object.fromEntries(INTENT_STATUSES.map((s) => [s, z.number().int().optional()])) as Record<
    (typeof INTENT_STATUSES)[number],
    z.ZodOptional<z.ZodNumber>
  >,
);
const centsByCategory = z.object(
  Object.fromEntries(VALUE_CATEGORIES.map((c) => [c, z.number().int().optional()])) as Record<
    (typeof VALUE_CATEGORIES)[number],
    z.ZodOptional<z.ZodNumber>
  >,
);

export const AgentMetricsSchema = z
  .object({
    agentId: z.string(),
    intents: z.object({ total: z.number().int(), byStatus: countsByStatus }),
    successRate: z.number().nullable().openapi({ description: "completed / (completed + failed)" }),
    trustScore: z.number().int(),
    trustTier: TrustTierSchema,
    tierName: z.string(),
    valueByCategory: centsByCategory.openapi({ description: "Cents per value category" }),
    valueGeneratedCents: z.number().int(),
    recentTrustChanges: z.array(TrustChangeViewSchema),
  })
  .openapi("AgentMetrics");
