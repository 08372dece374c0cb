import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { DeliveryViewSchema } from "./schema";
import { toDeliveryView } from "./webhook-view";

export const redeliverRoute = defineRoute({
  operationId: "redeliverWebhookDelivery",
  method: "post",
  path: "/v1/webhooks/deliveries/{id}/redeliver",
  permission: "admin",
  summary: "Attempt a delivery again now: same payload id, same bytes, freshly signed",
  tags: ["Webhooks"],
  params: IdParamsSchema,
  success: {
    status: 200,
    description: "The delivery with the new attempt",
    schema: envelope(DeliveryViewSchema),
  },
  errors: [404, 409],
});

export function registerRedeliver(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, redeliverRoute, async (c, { params }) => {
    const delivery = await c.get("webhooks").dispatcher.redeliver(callerOf(c).tenantId, params.id);
    return c.json({ data: toDeliveryView(delivery) });
  });
}
