import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { assertWebhookUrl } from "../../../webhooks/ssrf-guard";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { changeEndpoint } from "../endpoint-change";
import { IdParamsSchema } from "../pagination";
import { UpdateWebhookBodySchema, WebhookViewSchema } from "./schema";
import { toWebhookView } from "./webhook-view";

export const DISABLED_BY_ADMIN = "Disabled through the API";

export const updateWebhookRoute = defineRoute({
  operationId: "updateWebhook",
  method: "patch",
  path: "/v1/webhooks/{id}",
  permission: "admin",
  summary: "Change a webhook endpoint's URL, events or description, or enable / disable it",
  tags: ["Webhooks"],
  params: IdParamsSchema,
  body: UpdateWebhookBodySchema,
  success: { status: 200, description: "The updated endpoint", schema: envelope(WebhookViewSchema) },
  errors: [404],
});

export function registerUpdateWebhook(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, updateWebhookRoute, async (c, { params, body }) => {
    // The URL check resolves DNS: done before the transaction, which must not wait on the network.
    const url =
      body.url === undefined ? undefined : (await assertWebhookUrl(body.url, c.get("webhooks").guard)).href;
    const now = c.get("clock")();
    const at = new Date(now).toISOString();
    const updated = await changeEndpoint(
      c,
      (repos) => repos.endpoints,
      "Webhook",
      params.id,
      (endpoint) => {
        let { disabledAt, disabledReason } = endpoint;
        if (body.enabled === true) {
          disabledAt = null;
          disabledReason = null;
        } else if (body.enabled === false && disabledAt === null) {
          disabledAt = at;
          disabledReason = DISABLED_BY_ADMIN;
        }
        return {
          ...endpoint,
          url: url ?? endpoint.url,
          events: body.events ?? endpoint.events,
          description: body.description === undefined ? endpoint.description : body.description || null,
          disabledAt,
          disabledReason,
          updatedAt: at,
        };
      },
      {
        eventType: "webhook_endpoint.updated",
        data: (e) => ({ url: e.url, events: e.events, enabled: e.disabledAt === null }),
      },
    );
    return c.json({ data: toWebhookView(updated, now) });
  });
}
