import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerListAudit } from "./list";
import { registerVerifyAudit } from "./verify";

export { listAuditRoute } from "./list";
export { verifyAuditRoute } from "./verify";

export function registerAuditRoutes(app: OpenAPIHono<AppEnv>): void {
  registerVerifyAudit(app);
  registerListAudit(app);
}
