import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { rotateEndpointSecret } from "../endpoint-change";
import { IdParamsSchema } from "../pagination";
import { toInboundView } from "./inbound-view";
import { InboundEndpointWithSecretSchema } from "./schema";

export const rotateInboundSecretRoute = defineRoute({
  operationId: "rotateInboundSecret",
  method: "post",
  path: "/v1/inbound/{id}/rotate-secret",
  permission: "admin",
  summary: "Replace the inbound secret; for 24 hours reports signed with either secret are accepted",
  tags: ["Inbound webhooks"],
  params: IdParamsSchema,
  success: {
    status: 200,
    description: "The endpoint and its new secret",
    schema: envelope(InboundEndpointWithSecretSchema),
  },
  errors: [404],
});

export function registerRotateInboundSecret(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, rotateInboundSecretRoute, async (c, { params }) => {
    const now = c.get("clock")();
    const { rotated, secret } = await rotateEndpointSecret(
      c,
      (repos) => repos.inbound,
      "Inbound endpoint",
      params.id,
      now,
      "inbound_endpoint.secret_rotated",
    );
    return c.json({ data: { ...toInboundView(rotated, now), secret } });
  });
}
