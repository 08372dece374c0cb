import { z } from "@hono/zod-openapi";
import {
  type Intention,
  IntentionInputSchema,
  IntentionPatchSchema,
  IntentionSchema,
} from "@intendedops/core";
import { dateTime, named } from "../../api-route";
import { hasNoNul } from "../pagination";

const SEED_EXAMPLE = {
  label: "customer_support_lookup",
  display_name: "Customer Support Lookup",
  intent_class: "lookup",
  approval_required: false,
  ttl_minutes: 5,
  intent_types: ["support.*"],
  data_elements: [
    { data_source_id: "salesforce_prod", path: "Account.Name" },
    { data_source_id: "salesforce_prod", path: "Contact.Email" },
  ],
};

export const IntentionBodySchema = named(IntentionInputSchema, "IntentionInput", { example: SEED_EXAMPLE });
export const IntentionPatchBodySchema = named(IntentionPatchSchema, "IntentionPatch", {
  example: { ttl_minutes: 15 },
});

/** The intention as the API shows it: the contract's fields, without the internal tenant id. */
export const IntentionViewSchema = named(
  IntentionSchema.omit({ tenant_id: true }).extend({ created_at: dateTime(), updated_at: dateTime() }),
  "Intention",
);
export type IntentionView = z.infer<typeof IntentionViewSchema>;

/**
 * The contract's fields in the contract's order, without the tenant id (a caller only ever sees
 * its own tenant's intentions). Built field by field because PostgreSQL returns the stored jsonb
 * document with its keys reordered, and the same intention must read the same on either database.
 */
export function toIntentionView(intention: Intention): IntentionView {
  return {
    id: intention.id,
    label: intention.label,
    display_name: intention.display_name,
    description: intention.description,
    intent_class: intention.intent_class,
    status: intention.status,
    approval_required: intention.approval_required,
    ttl_minutes: intention.ttl_minutes,
    intent_types: intention.intent_types,
    data_elements: intention.data_elements.map((el) => ({
      data_source_id: el.data_source_id,
      path: el.path,
    })),
    created_at: intention.created_at,
    updated_at: intention.updated_at,
  };
}

const DataElementSchema = z.object({ data_source_id: z.string(), path: z.string() });

export const AmbientClusterSchema = z
  .object({
    id: z.string().openapi({ example: "amb_3f9c2a17b04e6d58" }),
    domain: z.string(),
    intent_type: z.string(),
    data_elements: z.array(DataElementSchema),
    count: z.number().int(),
    agents: z.array(z.string()),
    first_seen_at: dateTime(),
    last_seen_at: dateTime(),
    covered_by: z.string().nullable().openapi({
      description: "The active intention that would match this traffic now, or null",
    }),
    suggested: z.object({
      label: z.string(),
      display_name: z.string(),
      description: z.string(),
      intent_class: z.string(),
      intent_types: z.array(z.string()),
      data_elements: z.array(DataElementSchema),
    }),
  })
  .openapi("AmbientCluster");

export const ClusterParamsSchema = z.object({
  clusterId: z
    .string()
    .min(1)
    .max(200)
    .refine(hasNoNul, "clusterId must not contain a NUL character")
    .openapi({ param: { name: "clusterId", in: "path" } }),
});

export const AmbientQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, "limit must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(1, "limit must be at least 1").max(1000, "limit must be at most 1000"))
    .optional()
    .transform((value) => value ?? 100)
    .openapi({ type: "integer", minimum: 1, maximum: 1000, default: 100 }),
});
