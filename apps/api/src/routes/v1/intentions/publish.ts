import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { IntentionViewSchema, toIntentionView } from "./schema";

export const publishIntentionRoute = defineRoute({
  operationId: "publishIntention",
  method: "post",
  path: "/v1/intentions/{id}/publish",
  permission: "policy_write",
  summary: "Promote a draft to active: the next matching intent is decided against it",
  tags: ["Intentions"],
  params: IdParamsSchema,
  success: { status: 200, description: "The active intention", schema: envelope(IntentionViewSchema) },
  errors: [404, 409],
});

export function registerPublishIntention(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, publishIntentionRoute, async (c, { params }) => {
    const intention = await c.get("governor").publishIntention(actorOf(c), params.id);
    return c.json({ data: toIntentionView(intention) });
  });
}
