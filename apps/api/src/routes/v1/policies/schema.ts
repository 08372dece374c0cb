import { z } from "@hono/zod-openapi";
import {
  ConditionSchema,
  PolicyInputSchema,
  PolicyMatchSchema,
  PolicySchema,
  RiskLevelSchema,
  SimulateInputSchema,
} from "@intendedops/core";
import { dateTime, named } from "../../api-route";
import { ApprovalSettingsViewSchema, DecisionViewSchema } from "../model-views";
import { pageOf } from "../pagination";

/**
 * Conditions nest (`all`/`any`/`not`), so the generator needs a component to point back to or it
 * recurses forever. For a lazy schema zod-to-openapi's `.openapi` also tags the original instance —
 * the one core's policy schema refers to — so call the patched method on core's own instance.
 */
(z.ZodType.prototype as unknown as { openapi: (this: unknown, name: string) => unknown }).openapi.call(
  ConditionSchema,
  "Condition",
);

export const PolicyBodySchema = named(PolicyInputSchema, "PolicyInput", {
  example: {
    name: "Large refunds need a human",
    effect: "require_approval",
    match: { types: ["billing.process_refund"], params: { field: "amount", op: "gt", value: 500 } },
    reason: "Refunds above $500 are reviewed",
  },
});
export const PolicyViewSchema = named(
  PolicySchema.extend({
    enabled: z.boolean(),
    mode: z.enum(["enforce", "shadow"]),
    match: PolicyMatchSchema,
    approval: ApprovalSettingsViewSchema.optional(),
    createdAt: dateTime(),
    updatedAt: dateTime(),
  }),
  "Policy",
);
export const PolicyPageSchema = pageOf(PolicyViewSchema, "PolicyPage");

export const SimulateBodySchema = named(SimulateInputSchema, "SimulateIntent");
export const SimulationSchema = z
  .object({ decision: DecisionViewSchema, riskLevel: RiskLevelSchema })
  .openapi("Simulation");
