import { z } from "zod";
import { IntentClassSchema } from "../model/enums";
import { DATA_ELEMENT_LIMITS } from "../model/intent";

/** Field names are snake_case, exactly as the intentions API contract writes them. */
export const DataElementSchema = z.strictObject({
  data_source_id: z.string().min(1).max(DATA_ELEMENT_LIMITS.dataSourceId),
  path: z.string().min(1).max(DATA_ELEMENT_LIMITS.path),
});
export type DataElement = z.infer<typeof DataElementSchema>;

/** What `decision.intention` says when no intention matched; no intention may take it as its label. */
const RESERVED_LABEL = "ambient";

export const INTENTION_STATUSES = ["draft", "active", "archived"] as const;

const intentTypePattern = z
  .string()
  .regex(/^[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*)$/, "Intent type must be domain.action or domain.*");

/**
 * The body of `POST /v1/intentions`. Strict, like every request body: `approvalRequired` for
 * `approval_required` must fail loudly rather than create an intention without its approval.
 * Server-set fields (`id`, `status`, timestamps) are unknown fields here too.
 */
export const IntentionInputSchema = z.strictObject({
  label: z
    .string({
      error: (issue) => (issue.input === undefined ? "label is required" : "label must be a string"),
    })
    .max(100, "label must be at most 100 characters")
    .regex(/^[a-z][a-z0-9_]*$/, "label must be snake_case (a-z, 0-9, _), starting with a letter")
    // `decision.intention` is a label or "ambient": an intention with that label would match traffic
    // that then reads as ambient (no intent token, counted into the ambient clusters).
    .refine(
      (label) => label !== RESERVED_LABEL,
      `label "${RESERVED_LABEL}" is reserved for unmatched traffic`,
    ),
  display_name: z.string().trim().min(1).max(200).optional(),
  /** `null` is accepted (and stored as no description) so a read intention can be sent back. */
  description: z.string().max(2000).nullable().optional(),
  intent_class: IntentClassSchema,
  approval_required: z.boolean().default(false),
  ttl_minutes: z.number().int().min(1).max(10_080).default(5),
  intent_types: z.array(intentTypePattern).default([]),
  data_elements: z.array(DataElementSchema).max(500).default([]),
});
export type IntentionInput = z.input<typeof IntentionInputSchema>;

export const IntentionSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  label: z.string(),
  display_name: z.string(),
  description: z.string().nullable(),
  intent_class: IntentClassSchema,
  status: z.enum(INTENTION_STATUSES),
  approval_required: z.boolean(),
  ttl_minutes: z.number().int(),
  intent_types: z.array(z.string()),
  data_elements: z.array(DataElementSchema),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Intention = z.infer<typeof IntentionSchema>;
