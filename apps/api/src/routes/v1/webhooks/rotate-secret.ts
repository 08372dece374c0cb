import type { OpenAPIHono } from "@hono/zod-openapi";
import { generateWebhookSecret } from "@intendedops/core";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { IdParamsSchema } from "../pagination";
import { findWebhook } from "./find-webhook";
import { WebhookWithSecretSchema } from "./schema";
import { toWebhookView } from "./webhook-view";

/** How long the replaced secret keeps signing, so receivers can switch without losing a message. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export const rotateWebhookSecretRoute = defineRoute({
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
    const endpoint = await findWebhook(c, params.id);
    const now = c.get("clock")();
    const secret = generateWebhookSecret();
    const rotated = {
      ...endpoint,
      secret: c.get("webhooks").secrets.seal(secret, endpoint.id),
      // The stored form moves as is: it is bound to the same endpoint id.
      previousSecret: endpoint.secret,
      previousSecretExpiresAt: new Date(now + ROTATION_OVERLAP_MS).toISOString(),
      updatedAt: new Date(now).toISOString(),
    };
    await c.get("store").webhooks.endpoints.update(rotated);
    return c.json({ data: { ...toWebhookView(rotated, now), secret } });
  });
}
