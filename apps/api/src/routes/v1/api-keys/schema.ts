import { z } from "@hono/zod-openapi";
import { ScopeSchema } from "../../../scopes";
import { dateTime } from "../../api-route";

export const ApiKeyViewSchema = z
  .object({
    id: z.string().openapi({ example: "key_01HN4X7KQZ8Y1A2B3C4D5E6F7G" }),
    name: z.string(),
    tenantId: z.string(),
    scopes: z.array(ScopeSchema),
    keyPrefix: z.string().openapi({ description: "The first characters of the key, for recognition" }),
    rateLimitPerMinute: z.number().int().nullable(),
    createdAt: dateTime(),
    lastUsedAt: dateTime().nullable(),
    revokedAt: dateTime().nullable(),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeyViewSchema.extend({
  key: z.string().openapi({ description: "The key itself: shown once, never again" }),
}).openapi("CreatedApiKey");

/** Strict, like every request body: a misspelled `rate_limit_per_minute` must fail, not drop the limit. */
export const CreateApiKeyBodySchema = z
  .strictObject({
    name: z
      .string({ error: "name is required" })
      .trim()
      .min(1, "name is required")
      // Its own message: zod 4 would otherwise report the type's "name is required" for a long name.
      .max(200, "name must be at most 200 characters"),
    scopes: z
      .array(ScopeSchema, { error: "scopes is required" })
      .min(1, "at least one scope is required")
      .transform((scopes) => [...new Set(scopes)]),
    rateLimitPerMinute: z
      .number({ error: "rateLimitPerMinute must be a whole number" })
      .int("rateLimitPerMinute must be a whole number")
      .min(1, "rateLimitPerMinute must be at least 1")
      .max(10_000_000, "rateLimitPerMinute must be at most 10000000")
      .optional(),
  })
  .openapi("CreateApiKey", { example: { name: "billing agent", scopes: ["agent"] } });
