import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IntentPageSchema, ListIntentsQuerySchema } from "./schema";

export const listIntentsRoute = defineRoute({
  operationId: "listIntents",
  method: "get",
  path: "/v1/intents",
  permission: "read",
  summary: "List intents, newest first, filtered by status, agent, type or domain",
  tags: ["Intents"],
  query: ListIntentsQuerySchema,
  success: { status: 200, description: "A page of intents", schema: envelope(IntentPageSchema) },
});

export function registerListIntents(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listIntentsRoute, async (c, { query }) => {
    const { page, pageSize, ...filter } = query;
    const result = await c.get("governor").listIntents(callerOf(c).tenantId, filter, { page, pageSize });
    return c.json({ data: result });
  });
}
