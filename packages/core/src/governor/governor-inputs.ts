import { z } from "zod";
import { IntentionInputSchema } from "../intentions/intention-schema";
import { AgentStatusSchema } from "../model/agent";
import { TrustTierSchema } from "../model/enums";
import { CreateIntentInputSchema } from "../model/intent";
import { ValueSchema } from "../model/value";

/** The body of `POST /v1/intents/:id/complete`. */
export const CompleteIntentInputSchema = z.strictObject({
  result: z.unknown().optional(),
  /**
   * Explicit value; without it the intent type's estimator applies. Without a category the
   * type's value category applies (and a type without one records no value). Strict like every
   * body: a misspelled key (`catgory`) would otherwise be dropped and the value land in the type's
   * category, or a `currency` be ignored while the cents were counted as US cents.
   */
  value: z
    .strictObject({ cents: ValueSchema.shape.cents, category: ValueSchema.shape.category.optional() })
    .optional(),
});
export type CompleteIntentInput = z.input<typeof CompleteIntentInputSchema>;

/** The body of `POST /v1/intents/:id/fail`. */
export const FailIntentInputSchema = z.strictObject({
  error: z
    .string({ error: "error is required" })
    .trim()
    .min(1, "error is required")
    .max(4000, "error must be at most 4000 characters"),
});
export type FailIntentInput = z.input<typeof FailIntentInputSchema>;

/** The body of `POST /v1/approvals/:id/reject`. */
export const RejectApprovalInputSchema = z.strictObject({
  reason: z.string().trim().max(2000).optional(),
});
export type RejectApprovalInput = z.input<typeof RejectApprovalInputSchema>;

/** The body of `PUT /v1/agents/:id/trust`: an admin override, always with a reason. */
export const SetTrustInputSchema = z
  .strictObject({
    tier: TrustTierSchema.optional(),
    score: z.number().int().min(0).max(1000).optional(),
    reason: z
      .string({ error: "reason is required" })
      .trim()
      .min(1, "reason is required")
      .max(500, "reason must be at most 500 characters"),
  })
  .refine((input) => input.tier !== undefined || input.score !== undefined, {
    message: "tier or score is required",
    path: ["tier"],
  });
export type SetTrustInput = z.input<typeof SetTrustInputSchema>;

/** What-if agent fields for a simulation; anything omitted comes from the stored agent. */
export const SimulatedAgentSchema = z.strictObject({
  trustTier: TrustTierSchema.optional(),
  status: AgentStatusSchema.optional(),
  domains: z.array(z.string().min(1)).optional(),
  intentTypes: z.array(z.string().min(1)).optional(),
});

/** The body of `POST /v1/policies/simulate`: an intent, optionally with what-if agent fields. */
export const SimulateInputSchema = CreateIntentInputSchema.extend({
  agent: SimulatedAgentSchema.optional(),
});
export type SimulateInput = z.input<typeof SimulateInputSchema>;

const intention = IntentionInputSchema.shape;

/**
 * The body of `PATCH /v1/intentions/:id` (drafts only): each field given replaces the stored one,
 * with the create body's rules; `description: null` clears it. Nothing defaults here.
 */
export const IntentionPatchSchema = z.strictObject({
  label: intention.label.optional(),
  display_name: intention.display_name,
  description: intention.description.unwrap().nullable().optional(),
  intent_class: intention.intent_class.optional(),
  approval_required: intention.approval_required.unwrap().optional(),
  ttl_minutes: intention.ttl_minutes.unwrap().optional(),
  intent_types: intention.intent_types.unwrap().optional(),
  data_elements: intention.data_elements.unwrap().optional(),
});
export type IntentionPatch = z.input<typeof IntentionPatchSchema>;
