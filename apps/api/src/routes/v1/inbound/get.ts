import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { IdParamsSchema } from "../pagination";
import { findInboundEndpoint, toInboundView } from "./inbound-view";
import { InboundEndpointViewSchema } from "./schema";

export const getInboundEndpointRoute = defineRoute({
  operationId: "getInboundEndpoint",
  method: "get",
  path: "/v1/inbound/{id}",
  permission: "admin",
  summary: "Get an inbound endpoint",
  tags: ["Inbound webhooks"],
  params: IdParamsSchema,
  success: { status: 200, description: "The inbound endpoint", schema: envelope(InboundEndpointViewSchema) },
  errors: [404],
});

export function registerGetInboundEndpoint(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, getInboundEndpointRoute, async (c, { params }) => {
    const endpoint = await findInboundEndpoint(c, params.id);
    return c.json({ data: toInboundView(endpoint, c.get("clock")()) });
  });
}
