import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerCreateApiKey } from "./create";
import { registerRevokeApiKey } from "./delete";
import { registerListApiKeys } from "./list";

export { createApiKeyRoute } from "./create";
export { revokeApiKeyRoute } from "./delete";
export { listApiKeysRoute } from "./list";

export function registerApiKeyRoutes(app: OpenAPIHono<AppEnv>): void {
  registerListApiKeys(app);
  registerCreateApiKey(app);
  registerRevokeApiKey(app);
}
