import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { AgentMetricsSchema } from "./schema";

export const getAgentMetricsRoute = defineRoute({
  operationId: "getAgentMetrics",
  method: "get",
  path: "/v1/agents/{id}/metrics",
  permission: "read",
  summary: "An agent's intents by status, success rate, trust and value by category",
  tags: ["Agents"],
  params: IdParamsSchema,
  success: { status: 200, description: "The agent's metrics", schema: envelope(AgentMetricsSchema) },
  errors: [404],
});

export function registerGetAgentMetrics(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, getAgentMetricsRoute, async (c, { params }) => {
    const metrics = await c.get("governor").agentMetrics(callerOf(c).tenantId, params.id);
    return c.json({ data: metrics });
  });
}
