import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { IdParamsSchema, PaginationQuerySchema } from "../pagination";
import { findWebhook } from "./find-webhook";
import { DeliveryPageSchema } from "./schema";
import { toDeliveryView } from "./webhook-view";

export const listDeliveriesRoute = defineRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  permission: "admin",
  summary:
    "List an endpoint's deliveries, newest first, with every attempt (time, status code, latency, error)",
  tags: ["Webhooks"],
  params: IdParamsSchema,
  query: PaginationQuerySchema,
  success: { status: 200, description: "A page of deliveries", schema: envelope(DeliveryPageSchema) },
  errors: [404],
});

export function registerListDeliveries(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listDeliveriesRoute, async (c, { params, query }) => {
    const endpoint = await findWebhook(c, params.id);
    const page = await c.get("store").webhooks.deliveries.list(endpoint.tenantId, endpoint.id, query);
    return c.json({ data: { ...page, items: page.items.map(toDeliveryView) } });
  });
}
