import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";

export const StatsSchema = z
  .object({
    intentsToday: z.number().int().openapi({ description: "Intents created since UTC midnight" }),
    pendingApprovals: z.number().int(),
    activeAgents: z.number().int(),
    valueGenerated: z.number().openapi({ description: "Dollars recorded by completed intents" }),
  })
  .openapi("Stats");

export const getStatsRoute = defineRoute({
  operationId: "getStats",
  method: "get",
  path: "/v1/stats",
  permission: "read",
  summary: "Tenant overview: today's intents, pending approvals, active agents, value generated",
  tags: ["Stats"],
  success: { status: 200, description: "The tenant's stats", schema: envelope(StatsSchema) },
});

export function registerGetStats(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, getStatsRoute, async (c) => {
    const stats = await c.get("governor").stats(callerOf(c).tenantId);
    return c.json({ data: stats });
  });
}
