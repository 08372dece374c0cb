import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { CompleteIntentBodySchema, IntentViewSchema } from "./schema";

export const completeIntentRoute = defineRoute({
  operationId: "completeIntent",
  method: "post",
  path: "/v1/intents/{id}/complete",
  permission: "agent",
  summary: "Report that an approved intent was carried out (value recorded, trust moves up)",
  tags: ["Intents"],
  params: IdParamsSchema,
  body: CompleteIntentBodySchema,
  bodyRequired: false,
  success: { status: 200, description: "The completed intent", schema: envelope(IntentViewSchema) },
  errors: [404, 409],
});

export function registerCompleteIntent(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, completeIntentRoute, async (c, { params, body }) => {
    const intent = await c.get("governor").complete(actorOf(c), params.id, body);
    return c.json({ data: intent });
  });
}
