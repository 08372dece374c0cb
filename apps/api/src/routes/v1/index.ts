import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { registerAgentRoutes } from "./agents/index";
import { registerApiKeyRoutes } from "./api-keys/index";
import { registerApprovalRoutes } from "./approvals/index";
import { registerAuditRoutes } from "./audit/index";
import { registerIntentRoutes } from "./intents/index";
import { registerPolicyRoutes } from "./policies/index";
import { registerStatsRoutes } from "./stats/index";

/** Every `/v1` endpoint, mounted on the app's single router. */
export function registerV1Routes(app: OpenAPIHono<AppEnv>): void {
  registerStatsRoutes(app);
  registerAgentRoutes(app);
  registerIntentRoutes(app);
  registerApprovalRoutes(app);
  registerPolicyRoutes(app);
  registerAuditRoutes(app);
  registerApiKeyRoutes(app);
}
