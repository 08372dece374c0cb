import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { IntentDetailsSchema } from "./schema";

export const getIntentRoute = defineRoute({
  operationId: "getIntent",
  method: "get",
  path: "/v1/intents/{id}",
  permission: "read",
  summary: "Get an intent with its decision, approval and history",
  tags: ["Intents"],
  params: IdParamsSchema,
  success: { status: 200, description: "The intent", schema: envelope(IntentDetailsSchema) },
  errors: [404],
});

export function registerGetIntent(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, getIntentRoute, async (c, { params }) => {
    const { intent, approval, history } = await c.get("governor").getIntent(callerOf(c).tenantId, params.id);
    return c.json({ data: { ...intent, approval, history } });
  });
}
