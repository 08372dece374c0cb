import type { OpenAPIHono } from "@hono/zod-openapi";
import { IntendedOpsError } from "@intendedops/core";
import { revokeApiKey, toApiKeyView } from "../../../api-key-service";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorFor, callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { ApiKeyViewSchema } from "./schema";

export const revokeApiKeyRoute = defineRoute({
  operationId: "revokeApiKey",
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
    const caller = callerOf(c);
    const outcome = await revokeApiKey(
      c.get("store"),
      caller.tenantId,
      params.id,
      actorFor(caller),
      c.get("clock")(),
    );
    // Revoking is idempotent: a repeat answers the revoked record again (and audits nothing new).
    if (!outcome) throw new IntendedOpsError("NOT_FOUND", `API key not found: ${params.id}`);
    c.get("keys").invalidate(outcome.record.id);
    return c.json({ data: toApiKeyView(outcome.record) });
  });
}
