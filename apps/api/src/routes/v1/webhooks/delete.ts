import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { deleteEndpoint } from "../endpoint-change";
import { IdParamsSchema } from "../pagination";
import { WebhookViewSchema } from "./schema";
import { toWebhookView } from "./webhook-view";

export const deleteWebhookRoute = defineRoute({
  operationId: "deleteWebhook",
  method: "delete",
  path: "/v1/webhooks/{id}",
  permission: "admin",
  summary: "Delete a webhook endpoint and its delivery log; pending deliveries are dropped",
  tags: ["Webhooks"],
  params: IdParamsSchema,
  success: { status: 200, description: "The deleted endpoint", schema: envelope(WebhookViewSchema) },
  errors: [404],
});

export function registerDeleteWebhook(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, deleteWebhookRoute, async (c, { params }) => {
    const endpoint = await deleteEndpoint(c, (repos) => repos.endpoints, "Webhook", params.id, {
      eventType: "webhook_endpoint.deleted",
      data: (e) => ({ url: e.url }),
    });
    return c.json({ data: toWebhookView(endpoint, c.get("clock")()) });
  });
}
