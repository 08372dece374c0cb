import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { FailIntentBodySchema, IntentViewSchema } from "./schema";

export const failIntentRoute = defineRoute({
  operationId: "failIntent",
  method: "post",
  path: "/v1/intents/{id}/fail",
  permission: "agent",
  summary: "Report that an approved intent failed (trust moves down)",
  tags: ["Intents"],
  params: IdParamsSchema,
  body: FailIntentBodySchema,
  success: { status: 200, description: "The failed intent", schema: envelope(IntentViewSchema) },
  errors: [404, 409],
});

export function registerFailIntent(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, failIntentRoute, async (c, { params, body }) => {
    const intent = await c.get("governor").fail(actorOf(c), params.id, body);
    return c.json({ data: intent });
  });
}
