import { z } from "@hono/zod-openapi";
import { ScopeSchema } from "../../../scopes";

export const ApiKeyViewSchema = z
  .object({
    id: z.string().openapi({ example: "key_01HN4X7KQZ8Y1A2B3C4D5E6F7G" }),
    name: z.string(),
    tenantId: z.string(),
    scopes: z.array(ScopeSchema),
    keyPrefix: z.string().openapi({ description: "The first characters of the key, for recognition" }),
    rateLimitPerMinute: z.number().int().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeyViewSchema.extend({
  key: z.string().openapi({ description: "The key itself: shown once, never again" }),
}).openapi("CreatedApiKey");

export const CreateApiKeyBodySchema = z
  .object({
    name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(200),
    scopes: z
      .array(ScopeSchema, { error: "scopes is required" })
      .min(1, "at least one scope is required")
      .transform((scopes) => [...new Set(scopes)]),
    rateLimitPerMinute: z.number().int().min(1).max(10_000_000).optional(),
  })
  .openapi("CreateApiKey", { example: { name: "billing agent", scopes: ["agent"] } });
