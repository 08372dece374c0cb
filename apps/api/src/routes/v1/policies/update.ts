import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { PolicyBodySchema, PolicyViewSchema } from "./schema";

export const updatePolicyRoute = defineRoute({
  operationId: "updatePolicy",
  method: "put",
  path: "/v1/policies/{id}",
  permission: "policy_write",
  summary: "Replace a policy's definition (version + 1)",
  tags: ["Policies"],
  params: IdParamsSchema,
  body: PolicyBodySchema,
  success: { status: 200, description: "The updated policy", schema: envelope(PolicyViewSchema) },
  errors: [404],
});

export function registerUpdatePolicy(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, updatePolicyRoute, async (c, { params, body }) => {
    const policy = await c.get("governor").updatePolicy(actorOf(c), params.id, body);
    return c.json({ data: policy });
  });
}
