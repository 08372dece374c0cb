import { z } from "zod";
import { ValueCategorySchema } from "./enums";

/** Business value, always in integer cents. */
export const ValueSchema = z.object({
  cents: z.number().int().nonnegative(),
  category: ValueCategorySchema,
});
export type Value = z.infer<typeof ValueSchema>;

export const ValueRecordSchema = ValueSchema.extend({
  id: z.string(),
  tenantId: z.string(),
  intentId: z.string(),
  agentId: z.string(),
  domain: z.string(),
  type: z.string(),
  recordedAt: z.string(),
});
export type ValueRecord = z.infer<typeof ValueRecordSchema>;
