import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerCompleteIntent } from "./complete";
import { registerCreateIntent } from "./create";
import { registerFailIntent } from "./fail";
import { registerGetIntent } from "./get";
import { registerListIntents } from "./list";

export { completeIntentRoute } from "./complete";
export { createIntentRoute, toSubmittedIntent } from "./create";
export { failIntentRoute } from "./fail";
export { getIntentRoute } from "./get";
export { listIntentsRoute } from "./list";

export function registerIntentRoutes(app: OpenAPIHono<AppEnv>): void {
  registerListIntents(app);
  registerCreateIntent(app);
  registerGetIntent(app);
  registerCompleteIntent(app);
  registerFailIntent(app);
}
