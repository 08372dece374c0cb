import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { PolicyViewSchema } from "./schema";

export const deletePolicyRoute = defineRoute({
  operationId: "deletePolicy",
  method: "delete",
  path: "/v1/policies/{id}",
  permission: "policy_write",
  summary: "Delete a policy",
  tags: ["Policies"],
  params: IdParamsSchema,
  success: {
    status: 200,
    description: "The policy as it was before deletion",
    schema: envelope(PolicyViewSchema),
  },
  errors: [404],
});

export function registerDeletePolicy(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, deletePolicyRoute, async (c, { params }) => {
    const policy = await c.get("governor").deletePolicy(actorOf(c), params.id);
    return c.json({ data: policy });
  });
}
