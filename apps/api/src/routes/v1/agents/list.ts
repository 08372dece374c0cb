import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { PaginationQuerySchema } from "../pagination";
import { AgentPageSchema } from "./schema";

export const listAgentsRoute = defineRoute({
  operationId: "listAgents",
  method: "get",
  path: "/v1/agents",
  permission: "read",
  summary: "List the tenant's agents",
  tags: ["Agents"],
  query: PaginationQuerySchema,
  success: { status: 200, description: "A page of agents", schema: envelope(AgentPageSchema) },
});

export function registerListAgents(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listAgentsRoute, async (c, { query }) => {
    const page = await c.get("governor").listAgents(callerOf(c).tenantId, query);
    return c.json({ data: page });
  });
}
