import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { PaginationQuerySchema } from "../pagination";
import { WebhookPageSchema } from "./schema";
import { toWebhookView } from "./webhook-view";

export const listWebhooksRoute = defineRoute({
  operationId: "listWebhooks",
  method: "get",
  path: "/v1/webhooks",
  permission: "admin",
  summary: "List the tenant's webhook endpoints (never their secrets)",
  tags: ["Webhooks"],
  query: PaginationQuerySchema,
  success: { status: 200, description: "A page of endpoints", schema: envelope(WebhookPageSchema) },
});

export function registerListWebhooks(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listWebhooksRoute, async (c, { query }) => {
    const page = await c.get("store").webhooks.endpoints.list(callerOf(c).tenantId, query);
    const now = c.get("clock")();
    return c.json({ data: { ...page, items: page.items.map((record) => toWebhookView(record, now)) } });
  });
}
