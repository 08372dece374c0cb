import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerGetStats } from "./get";

export { getStatsRoute, StatsSchema } from "./get";

export function registerStatsRoutes(app: OpenAPIHono<AppEnv>): void {
  registerGetStats(app);
}
