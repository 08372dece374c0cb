import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { IntentionViewSchema, toIntentionView } from "./schema";

export const getIntentionRoute = defineRoute({
  operationId: "getIntention",
  method: "get",
  path: "/v1/intentions/{id}",
  permission: "read",
  summary: "Get an intention",
  tags: ["Intentions"],
  params: IdParamsSchema,
  success: { status: 200, description: "The intention", schema: envelope(IntentionViewSchema) },
  errors: [404],
});

export function registerGetIntention(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, getIntentionRoute, async (c, { params }) => {
    const intention = await c.get("governor").getIntention(callerOf(c).tenantId, params.id);
    return c.json({ data: toIntentionView(intention) });
  });
}
