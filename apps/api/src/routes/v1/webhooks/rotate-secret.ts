import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { rotateEndpointSecret } from "../endpoint-change";
import { IdParamsSchema } from "../pagination";
import { WebhookWithSecretSchema } from "./schema";
import { toWebhookView } from "./webhook-view";

export const rotateWebhookSecretRoute = defineRoute({
  operationId: "rotateWebhookSecret",
  method: "post",
  path: "/v1/webhooks/{id}/rotate-secret",
  permission: "admin",
  summary: "Replace the signing secret; for 24 hours both secrets sign (two webhook-signature entries)",
  tags: ["Webhooks"],
  params: IdParamsSchema,
  success: {
    status: 200,
    description: "The endpoint and its new secret",
    schema: envelope(WebhookWithSecretSchema),
  },
  errors: [404],
});

export function registerRotateWebhookSecret(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, rotateWebhookSecretRoute, async (c, { params }) => {
    const now = c.get("clock")();
    const { rotated, secret } = await rotateEndpointSecret(
      c,
      (repos) => repos.endpoints,
      "Webhook",
      params.id,
      now,
      "webhook_endpoint.secret_rotated",
    );
    return c.json({ data: { ...toWebhookView(rotated, now), secret } });
  });
}
