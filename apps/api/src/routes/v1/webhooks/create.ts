import type { OpenAPIHono } from "@hono/zod-openapi";
import { generateWebhookSecret, newId } from "@intendedops/core";
import type { AppEnv } from "../../../context";
import { assertWebhookUrl } from "../../../webhooks/ssrf-guard";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { insertEndpoint } from "../endpoint-change";
import { CreateWebhookBodySchema, WebhookWithSecretSchema } from "./schema";
import { toWebhookView } from "./webhook-view";

export const createWebhookRoute = defineRoute({
  operationId: "createWebhook",
  method: "post",
  path: "/v1/webhooks",
  permission: "admin",
  summary: "Register a webhook endpoint (its signing secret is returned once)",
  tags: ["Webhooks"],
  body: CreateWebhookBodySchema,
  success: {
    status: 201,
    description: "The endpoint and its secret",
    schema: envelope(WebhookWithSecretSchema),
  },
});

export function registerCreateWebhook(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, createWebhookRoute, async (c, { body }) => {
    const { tenantId } = callerOf(c);
    const webhooks = c.get("webhooks");
    const url = await assertWebhookUrl(body.url, webhooks.guard);
    const now = c.get("clock")();
    const at = new Date(now).toISOString();
    const id = newId("webhook", now);
    const secret = generateWebhookSecret();
    const record = {
      id,
      tenantId,
      url: url.href,
      description: body.description || null,
      events: body.events,
      secret: webhooks.secrets.seal(secret, id),
      previousSecret: null,
      previousSecretExpiresAt: null,
      disabledAt: null,
      disabledReason: null,
      createdAt: at,
      updatedAt: at,
    };
    await insertEndpoint(c, (repos) => repos.endpoints, "Webhook endpoint", record, {
      eventType: "webhook_endpoint.created",
      data: (e) => ({ url: e.url, events: e.events }),
    });
    return c.json({ data: { ...toWebhookView(record, now), secret } }, 201);
  });
}
