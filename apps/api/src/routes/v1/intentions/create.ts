import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IntentionBodySchema, IntentionViewSchema, toIntentionView } from "./schema";

export const createIntentionRoute = defineRoute({
  operationId: "createIntention",
  method: "post",
  path: "/v1/intentions",
  permission: "policy_write",
  summary: "Create an intention (status draft)",
  tags: ["Intentions"],
  body: IntentionBodySchema,
  success: { status: 201, description: "The new draft intention", schema: envelope(IntentionViewSchema) },
  errors: [409],
});

export function registerCreateIntention(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, createIntentionRoute, async (c, { body }) => {
    const intention = await c.get("governor").createIntention(actorOf(c), body);
    return c.json({ data: toIntentionView(intention) }, 201);
  });
}
