import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { registerAgentRoutes } from "./agents/index";
import { registerApiKeyRoutes } from "./api-keys/index";
import { registerApprovalRoutes } from "./approvals/index";
import { registerAuditRoutes } from "./audit/index";
import { registerInboundRoutes } from "./inbound/index";
import { registerIntentionRoutes } from "./intentions/index";
import { registerIntentRoutes } from "./intents/index";
import { registerPolicyRoutes } from "./policies/index";
import { registerStatsRoutes } from "./stats/index";
import { registerTokenRoutes } from "./tokens/index";
import { registerWebhookRoutes } from "./webhooks/index";

/** Every `/v1` endpoint, mounted on the app's single router. */
export function registerV1Routes(app: OpenAPIHono<AppEnv>): void {
  registerStatsRoutes(app);
  registerAgentRoutes(app);
  registerIntentRoutes(app);
  registerApprovalRoutes(app);
  registerPolicyRoutes(app);
  registerIntentionRoutes(app);
  registerTokenRoutes(app);
  registerAuditRoutes(app);
  registerApiKeyRoutes(app);
  registerWebhookRoutes(app);
  registerInboundRoutes(app);
}
