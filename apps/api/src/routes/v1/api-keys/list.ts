import type { OpenAPIHono } from "@hono/zod-openapi";
import { toApiKeyView } from "../../../api-key-service";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { PaginationQuerySchema, pageOf } from "../pagination";
import { ApiKeyViewSchema } from "./schema";

export const listApiKeysRoute = defineRoute({
  operationId: "listApiKeys",
  method: "get",
  path: "/v1/api-keys",
  permission: "admin",
  summary: "List the tenant's API keys, revoked ones included (never the secret)",
  tags: ["API keys"],
  query: PaginationQuerySchema,
  success: {
    status: 200,
    description: "A page of keys",
    schema: envelope(pageOf(ApiKeyViewSchema, "ApiKeyPage")),
  },
});

export function registerListApiKeys(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listApiKeysRoute, async (c, { query }) => {
    const keys = await c.get("store").apiKeys.list(callerOf(c).tenantId);
    const start = (query.page - 1) * query.pageSize;
    const items = keys.slice(start, start + query.pageSize).map(toApiKeyView);
    return c.json({ data: { items, total: keys.length, page: query.page, pageSize: query.pageSize } });
  });
}
