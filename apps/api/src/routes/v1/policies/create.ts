import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { PolicyBodySchema, PolicyViewSchema } from "./schema";

export const createPolicyRoute = defineRoute({
  operationId: "createPolicy",
  method: "post",
  path: "/v1/policies",
  permission: "policy_write",
  summary: "Create a policy (applies to the next decision)",
  tags: ["Policies"],
  body: PolicyBodySchema,
  success: { status: 201, description: "The policy (version 1)", schema: envelope(PolicyViewSchema) },
  errors: [409],
});

export function registerCreatePolicy(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, createPolicyRoute, async (c, { body }) => {
    const policy = await c.get("governor").createPolicy(actorOf(c), body);
    return c.json({ data: policy }, 201);
  });
}
