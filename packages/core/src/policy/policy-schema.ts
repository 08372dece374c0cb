import { z } from "zod";
import { ApprovalSettingsSchema } from "../model/decision";
import { OutcomeSchema, RiskLevelSchema, TrustTierSchema } from "../model/enums";

export const CONDITION_OPS = [
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "in",
  "not_in",
  "exists",
  "matches",
] as const;

/** A comparison on a params field; `field` is a dot path inside params, e.g. `amount` or `customer.tier`. */
export const ComparisonSchema = z.strictObject({
  field: z.string().min(1),
  op: z.enum(CONDITION_OPS),
  value: z.unknown().optional(),
});

export type Condition =
  | z.infer<typeof ComparisonSchema>
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** The message of a condition that fits none of its shapes (zod's own says only "Invalid input"). */
export const CONDITION_SHAPE_MESSAGE = `A condition is {"field": "<params path>", "op": one of ${CONDITION_OPS.join(", ")}, "value": …}, or {"all": [conditions]}, {"any": [conditions]} or {"not": condition}`;

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union(
    [
      ComparisonSchema,
      z.strictObject({ all: z.array(ConditionSchema).min(1) }),
      z.strictObject({ any: z.array(ConditionSchema).min(1) }),
      z.strictObject({ not: ConditionSchema }),
    ],
    { error: CONDITION_SHAPE_MESSAGE },
  ),
);

/**
 * Most entries one match list may hold, and longest entry. Every evaluation in the policy's scope
 * walks its lists, and every stored decision trace names them, so an unbounded list (20,000 globs)
 * would tax each submission of the tenant; the catalog has 75 types, and globs cover the rest.
 */
export const MATCH_LIST_LIMITS = { items: 1_000, chars: 200 } as const;

/** Most policies a tenant holds unless the governor is given another bound (`maxPoliciesPerTenant`). */
export const MAX_POLICIES_PER_TENANT = 1_000;

function matchList(field: string) {
  const { items, chars } = MATCH_LIST_LIMITS;
  return z
    .array(z.string().min(1).max(chars, `Each of ${field} must be at most ${chars} characters`))
    .min(1)
    .max(items, `${field} may list at most ${items} entries`)
    .optional();
}

/**
 * What a policy matches. Every present field must match; absent fields match anything — which is
 * why the schema is strict: a misspelled field (`type` for `types`) would otherwise be dropped and
 * the policy would match every intent.
 */
export const PolicyMatchSchema = z.strictObject({
  /** Intent types, exact or glob (`billing.*`, `*.delete_*`, `*`). */
  types: matchList("types"),
  domains: matchList("domains"),
  agentIds: matchList("agentIds"),
  tiers: z.strictObject({ min: TrustTierSchema.optional(), max: TrustTierSchema.optional() }).optional(),
  riskLevels: z.array(RiskLevelSchema).min(1).optional(),
  params: ConditionSchema.optional(),
});
export type PolicyMatch = z.infer<typeof PolicyMatchSchema>;

/** The body of `POST /v1/policies` and `PUT /v1/policies/:id`. */
export const PolicyInputSchema = z.strictObject({
  name: z
    .string({ error: "Policy name is required" })
    .trim()
    .min(1, "Policy name is required")
    .max(200, "Policy name must be at most 200 characters"),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().default(true),
  mode: z.enum(["enforce", "shadow"]).default("enforce"),
  effect: OutcomeSchema,
  match: PolicyMatchSchema.default({}),
  approval: ApprovalSettingsSchema.optional(),
  /** Shown in the decision's reasons when the policy decides. */
  reason: z.string().max(500).optional(),
});
export type PolicyInput = z.input<typeof PolicyInputSchema>;

export const PolicySchema = PolicyInputSchema.extend({
  id: z.string(),
  tenantId: z.string(),
  /** Starts at 1, +1 on every update. */
  version: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Policy = z.infer<typeof PolicySchema>;
