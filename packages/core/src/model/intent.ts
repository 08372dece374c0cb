import { z } from "zod";
import { DecisionSchema } from "./decision";
import { RiskLevelSchema, ValueCategorySchema } from "./enums";
import { IntentStatusSchema } from "./intent-status";

export const DataElementRefSchema = z
  .object({
    dataSourceId: z.string().min(1),
    path: z.string().min(1),
  })
  .strict();
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
