import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { PaginationQuerySchema } from "../pagination";
import { PolicyPageSchema } from "./schema";

export const listPoliciesRoute = defineRoute({
  operationId: "listPolicies",
  method: "get",
  path: "/v1/policies",
  permission: "read",
  summary: "List the tenant's policies",
  tags: ["Policies"],
  query: PaginationQuerySchema,
  success: { status: 200, description: "A page of policies", schema: envelope(PolicyPageSchema) },
});

export function registerListPolicies(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listPoliciesRoute, async (c, { query }) => {
    // A tenant holds few policies and evaluation needs them all, so the store returns the set whole.
    const policies = await c.get("governor").listPolicies(callerOf(c).tenantId);
    const start = (query.page - 1) * query.pageSize;
    const items = policies.slice(start, start + query.pageSize);
    return c.json({ data: { items, total: policies.length, page: query.page, pageSize: query.pageSize } });
  });
}
