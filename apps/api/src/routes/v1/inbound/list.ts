import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { PaginationQuerySchema } from "../pagination";
import { toInboundView } from "./inbound-view";
import { InboundEndpointPageSchema } from "./schema";

export const listInboundEndpointsRoute = defineRoute({
  operationId: "listInboundEndpoints",
  method: "get",
  path: "/v1/inbound",
  permission: "admin",
  summary: "List the tenant's inbound endpoints (never their secrets)",
  tags: ["Inbound webhooks"],
  query: PaginationQuerySchema,
  success: {
    status: 200,
    description: "A page of inbound endpoints",
    schema: envelope(InboundEndpointPageSchema),
  },
});

export function registerListInboundEndpoints(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listInboundEndpointsRoute, async (c, { query }) => {
    const page = await c.get("store").webhooks.inbound.list(callerOf(c).tenantId, query);
    const now = c.get("clock")();
    return c.json({ data: { ...page, items: page.items.map((record) => toInboundView(record, now)) } });
  });
}
