import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { IntentionViewSchema, toIntentionView } from "./schema";

export const archiveIntentionRoute = defineRoute({
  operationId: "archiveIntention",
  method: "post",
  path: "/v1/intentions/{id}/archive",
  permission: "policy_write",
  summary: "Archive a draft or active intention: it stops matching traffic",
  tags: ["Intentions"],
  params: IdParamsSchema,
  success: { status: 200, description: "The archived intention", schema: envelope(IntentionViewSchema) },
  errors: [404, 409],
});

export function registerArchiveIntention(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, archiveIntentionRoute, async (c, { params }) => {
    const intention = await c.get("governor").archiveIntention(actorOf(c), params.id);
    return c.json({ data: toIntentionView(intention) });
  });
}
