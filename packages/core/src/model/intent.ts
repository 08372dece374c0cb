import { z } from "zod";
import { DecisionSchema } from "./decision";
import { RiskLevelSchema, ValueCategorySchema } from "./enums";
import { IntentStatusSchema } from "./intent-status";

/**
 * The longest data source id and path a data element may have. Intentions allow elements up to
 * the same lengths, so any element an intent may request can also be allowed by an intention (and
 * an ambient cluster of such intents can be generalized into one).
 */
export const DATA_ELEMENT_LIMITS = { dataSourceId: 200, path: 500 } as const;

/** A data element an intent requests: what a stored intent holds, within the limits above. */
export const DataElementRefSchema = z.strictObject({
  dataSourceId: z
    .string()
    .min(1)
    .max(
      DATA_ELEMENT_LIMITS.dataSourceId,
      `dataSourceId must be at most ${DATA_ELEMENT_LIMITS.dataSourceId} characters`,
    ),
  path: z
    .string()
    .min(1)
    .max(DATA_ELEMENT_LIMITS.path, `path must be at most ${DATA_ELEMENT_LIMITS.path} characters`),
});
export type DataElementRef = z.infer<typeof DataElementRefSchema>;

/**
 * The body of `POST /v1/intents`, with the guide's messages. Strict: an unknown field is an
 * error, not ignored, because a misspelled one (`data_elements` for `dataElements`) would
 * otherwise drop a restriction silently and the intent would be decided without it.
 */
export const CreateIntentInputSchema = z.strictObject({
  type: z
    .string({ error: "Intent type is required" })
    .regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, "Intent type must look like domain.action"),
  /** Optional: defaults to the type's prefix; when given it must equal it. */
  domain: z.string().min(1, "Domain must not be empty").optional(),
  agentId: z.string({ error: "Agent ID is required" }).min(1, "Agent ID is required"),
  params: z.record(z.string(), z.unknown()).default({}),
  description: z.string().max(2000).optional(),
  justification: z.string().max(4000).optional(),
  idempotencyKey: z.string().min(1).max(255).optional(),
  /** Label of the intention the agent acts under (see docs/intentions.md). */
  intention: z.string().min(1).max(200).optional(),
  /** Data elements the intent will touch. */
  dataElements: z.array(DataElementRefSchema).max(200).optional(),
});
export type CreateIntentInput = z.input<typeof CreateIntentInputSchema>;
export type CreateIntent = z.output<typeof CreateIntentInputSchema>;

export const IntentSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  agentId: z.string(),
  type: z.string(),
  domain: z.string(),
  params: z.record(z.string(), z.unknown()),
  description: z.string().nullable(),
  justification: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  status: IntentStatusSchema,
  riskLevel: RiskLevelSchema,
  decision: DecisionSchema,
  /** Matched intention label or "ambient". */
  intention: z.string(),
  dataElements: z.array(DataElementRefSchema),
  /** Key id (or embedding caller id) that submitted the intent. */
  submittedBy: z.string(),
  result: z.unknown().optional(),
  error: z.string().nullable(),
  valueCents: z.number().int().nullable(),
  valueCategory: ValueCategorySchema.nullable(),
  /** Signed intent token (JWT), minted when an intent that matched an intention is approved. */
  intentToken: z.string().nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
});
export type Intent = z.infer<typeof IntentSchema>;
