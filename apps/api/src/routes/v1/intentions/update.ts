import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { IntentionPatchBodySchema, IntentionViewSchema, toIntentionView } from "./schema";

export const updateIntentionRoute = defineRoute({
  operationId: "updateIntention",
  method: "patch",
  path: "/v1/intentions/{id}",
  permission: "policy_write",
  summary: "Change fields of a draft intention (409 INVALID_STATE once published or archived)",
  tags: ["Intentions"],
  params: IdParamsSchema,
  body: IntentionPatchBodySchema,
  success: { status: 200, description: "The updated draft", schema: envelope(IntentionViewSchema) },
  errors: [404, 409],
});

export function registerUpdateIntention(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, updateIntentionRoute, async (c, { params, body }) => {
    const intention = await c.get("governor").updateIntention(actorOf(c), params.id, body);
    return c.json({ data: toIntentionView(intention) });
  });
}
