import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IntentionViewSchema, toIntentionView } from "./schema";

export const listIntentionsRoute = defineRoute({
  operationId: "listIntentions",
  method: "get",
  path: "/v1/intentions",
  permission: "read",
  summary: "List the tenant's intentions, oldest first (every status)",
  tags: ["Intentions"],
  success: {
    status: 200,
    description: "`{ data: [...] }`, a plain array as the intentions contract shows",
    schema: envelope(z.array(IntentionViewSchema)),
  },
});

export function registerListIntentions(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listIntentionsRoute, async (c) => {
    const intentions = await c.get("governor").listIntentions(callerOf(c).tenantId);
    return c.json({ data: intentions.map(toIntentionView) });
  });
}
