import type { OpenAPIHono } from "@hono/zod-openapi";
import { IntendedOpsError } from "@intendedops/core";
import { toApiKeyView } from "../../../api-key-service";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { ApiKeyViewSchema } from "./schema";

export const revokeApiKeyRoute = defineRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  permission: "admin",
  summary: "Revoke an API key; it stops working immediately",
  tags: ["API keys"],
  params: IdParamsSchema,
  success: { status: 200, description: "The revoked key", schema: envelope(ApiKeyViewSchema) },
  errors: [404],
});

export function registerRevokeApiKey(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, revokeApiKeyRoute, async (c, { params }) => {
    const { tenantId } = callerOf(c);
    const store = c.get("store");
    const revoked = await store.apiKeys.revoke(tenantId, params.id);
    const record = revoked ? await store.apiKeys.get(tenantId, params.id) : undefined;
    if (!record) throw new IntendedOpsError("NOT_FOUND", `API key not found: ${params.id}`);
    c.get("keys").invalidate(record.id);
    return c.json({ data: toApiKeyView(record) });
  });
}
