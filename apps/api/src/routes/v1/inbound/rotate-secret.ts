import type { OpenAPIHono } from "@hono/zod-openapi";
import { generateWebhookSecret } from "@intendedops/core";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { IdParamsSchema } from "../pagination";
import { ROTATION_OVERLAP_MS } from "../webhooks/rotate-secret";
import { findInboundEndpoint, toInboundView } from "./inbound-view";
import { InboundEndpointWithSecretSchema } from "./schema";

export const rotateInboundSecretRoute = defineRoute({
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
    const endpoint = await findInboundEndpoint(c, params.id);
    const now = c.get("clock")();
    const secret = generateWebhookSecret();
    const rotated = {
      ...endpoint,
      secret: c.get("webhooks").secrets.seal(secret, endpoint.id),
      previousSecret: endpoint.secret,
      previousSecretExpiresAt: new Date(now + ROTATION_OVERLAP_MS).toISOString(),
      updatedAt: new Date(now).toISOString(),
    };
    await c.get("store").webhooks.inbound.update(rotated);
    return c.json({ data: { ...toInboundView(rotated, now), secret } });
  });
}
