import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { AgentViewSchema } from "./schema";

export const getAgentRoute = defineRoute({
  operationId: "getAgent",
  method: "get",
  path: "/v1/agents/{id}",
  permission: "read",
  summary: "Get an agent",
  tags: ["Agents"],
  params: IdParamsSchema,
  success: { status: 200, description: "The agent", schema: envelope(AgentViewSchema) },
  errors: [404],
});

export function registerGetAgent(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, getAgentRoute, async (c, { params }) => {
    const agent = await c.get("governor").getAgent(callerOf(c).tenantId, params.id);
    return c.json({ data: agent });
  });
}
