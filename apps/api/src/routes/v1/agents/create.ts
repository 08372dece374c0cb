import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { AgentViewSchema, RegisterAgentBodySchema } from "./schema";

export const createAgentRoute = defineRoute({
  operationId: "registerAgent",
  method: "post",
  path: "/v1/agents",
  permission: "agent",
  summary: "Register an agent (id defaults to the slug of its name; starts at trust tier T0)",
  tags: ["Agents"],
  body: RegisterAgentBodySchema,
  success: { status: 201, description: "The registered agent", schema: envelope(AgentViewSchema) },
  errors: [409],
});

export function registerCreateAgent(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, createAgentRoute, async (c, { body }) => {
    const agent = await c.get("governor").registerAgent(actorOf(c), body);
    return c.json({ data: agent }, 201);
  });
}
