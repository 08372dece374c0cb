import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerCreateAgent } from "./create";
import { registerGetAgent } from "./get";
import { registerListAgents } from "./list";
import { registerGetAgentMetrics } from "./metrics";
import { registerSetAgentTrust } from "./set-trust";

export { createAgentRoute } from "./create";
export { getAgentRoute } from "./get";
export { listAgentsRoute } from "./list";
export { getAgentMetricsRoute } from "./metrics";
export { setAgentTrustRoute } from "./set-trust";

export function registerAgentRoutes(app: OpenAPIHono<AppEnv>): void {
  registerListAgents(app);
  registerCreateAgent(app);
  registerGetAgent(app);
  registerGetAgentMetrics(app);
  registerSetAgentTrust(app);
}
