import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { IdParamsSchema } from "../pagination";
import { findWebhook } from "./find-webhook";
import { WebhookViewSchema } from "./schema";
import { toWebhookView } from "./webhook-view";

export const getWebhookRoute = defineRoute({
  operationId: "getWebhook",
  method: "get",
  path: "/v1/webhooks/{id}",
  permission: "admin",
  summary: "Get a webhook endpoint",
  tags: ["Webhooks"],
  params: IdParamsSchema,
  success: { status: 200, description: "The endpoint", schema: envelope(WebhookViewSchema) },
  errors: [404],
});

export function registerGetWebhook(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, getWebhookRoute, async (c, { params }) => {
    const endpoint = await findWebhook(c, params.id);
    return c.json({ data: toWebhookView(endpoint, c.get("clock")()) });
  });
}
