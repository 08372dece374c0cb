import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { DeliveryViewSchema } from "./schema";
import { toDeliveryView } from "./webhook-view";

export const pingWebhookRoute = defineRoute({
  operationId: "testWebhook",
  method: "post",
  path: "/v1/webhooks/{id}/test",
  permission: "admin",
  summary: "Send a webhook.ping event to the endpoint now (one attempt, no retries)",
  tags: ["Webhooks"],
  params: IdParamsSchema,
  success: {
    status: 200,
    description: "The ping delivery and its attempt",
    schema: envelope(DeliveryViewSchema),
  },
  errors: [404],
});

export function registerPingWebhook(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, pingWebhookRoute, async (c, { params }) => {
    const delivery = await c.get("webhooks").dispatcher.ping(callerOf(c).tenantId, params.id);
    return c.json({ data: toDeliveryView(delivery) });
  });
}
