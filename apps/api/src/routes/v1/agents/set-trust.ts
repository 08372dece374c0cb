import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { AgentViewSchema, SetTrustBodySchema } from "./schema";

export const setAgentTrustRoute = defineRoute({
  operationId: "setAgentTrust",
  method: "put",
  path: "/v1/agents/{id}/trust",
  permission: "admin",
  summary: "Override an agent's trust tier or score (admin; the reason is audited)",
  tags: ["Agents"],
  params: IdParamsSchema,
  body: SetTrustBodySchema,
  success: { status: 200, description: "The agent after the override", schema: envelope(AgentViewSchema) },
  errors: [404],
});

export function registerSetAgentTrust(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, setAgentTrustRoute, async (c, { params, body }) => {
    const agent = await c.get("governor").setTrust(actorOf(c), params.id, body);
    return c.json({ data: agent });
  });
}
