import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { deleteEndpoint } from "../endpoint-change";
import { IdParamsSchema } from "../pagination";
import { toInboundView } from "./inbound-view";
import { InboundEndpointViewSchema } from "./schema";

export const deleteInboundEndpointRoute = defineRoute({
  operationId: "deleteInboundEndpoint",
  method: "delete",
  path: "/v1/inbound/{id}",
  permission: "admin",
  summary: "Delete an inbound endpoint; reports sent to it are refused from now on",
  tags: ["Inbound webhooks"],
  params: IdParamsSchema,
  success: { status: 200, description: "The deleted endpoint", schema: envelope(InboundEndpointViewSchema) },
  errors: [404],
});

export function registerDeleteInboundEndpoint(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, deleteInboundEndpointRoute, async (c, { params }) => {
    const endpoint = await deleteEndpoint(c, (repos) => repos.inbound, "Inbound endpoint", params.id, {
      eventType: "inbound_endpoint.deleted",
    });
    return c.json({ data: toInboundView(endpoint, c.get("clock")()) });
  });
}
