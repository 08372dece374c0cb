import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerVerifyToken } from "./verify";

export { verifyTokenRoute } from "./verify";

export function registerTokenRoutes(app: OpenAPIHono<AppEnv>): void {
  registerVerifyToken(app);
}
