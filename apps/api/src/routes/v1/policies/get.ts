import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { PolicyViewSchema } from "./schema";

export const getPolicyRoute = defineRoute({
  operationId: "getPolicy",
  method: "get",
  path: "/v1/policies/{id}",
  permission: "read",
  summary: "Get a policy",
  tags: ["Policies"],
  params: IdParamsSchema,
  success: { status: 200, description: "The policy", schema: envelope(PolicyViewSchema) },
  errors: [404],
});

export function registerGetPolicy(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, getPolicyRoute, async (c, { params }) => {
    const policy = await c.get("governor").getPolicy(callerOf(c).tenantId, params.id);
    return c.json({ data: policy });
  });
}
