import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../context";
import { registerJwksRoute } from "./jwks";

export { jwksRoute } from "./jwks";

/** The `/.well-known` documents: public, no key needed. */
export function registerWellKnownRoutes(app: OpenAPIHono<AppEnv>): void {
  registerJwksRoute(app);
}
