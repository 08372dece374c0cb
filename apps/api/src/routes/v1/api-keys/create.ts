import type { OpenAPIHono } from "@hono/zod-openapi";
import { issueApiKey, toApiKeyView } from "../../../api-key-service";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorFor, callerOf } from "../actor";
import { CreateApiKeyBodySchema, CreatedApiKeySchema } from "./schema";

export const createApiKeyRoute = defineRoute({
  operationId: "createApiKey",
  method: "post",
  path: "/v1/api-keys",
  permission: "admin",
  summary: "Create an API key in the caller's tenant (the key is returned once)",
  tags: ["API keys"],
  body: CreateApiKeyBodySchema,
  success: { status: 201, description: "The key, shown this once", schema: envelope(CreatedApiKeySchema) },
});

export function registerCreateApiKey(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, createApiKeyRoute, async (c, { body }) => {
    const caller = callerOf(c);
    const { key, record } = await issueApiKey(
      c.get("store"),
      { tenantId: caller.tenantId, ...body },
      c.get("clock")(),
      actorFor(caller),
    );
    return c.json({ data: { ...toApiKeyView(record), key } }, 201);
  });
}
