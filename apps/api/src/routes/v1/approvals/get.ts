import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { ApprovalViewSchema } from "./schema";

export const getApprovalRoute = defineRoute({
  operationId: "getApproval",
  method: "get",
  path: "/v1/approvals/{id}",
  permission: "read",
  summary: "Get an approval with its intent",
  tags: ["Approvals"],
  params: IdParamsSchema,
  success: { status: 200, description: "The approval", schema: envelope(ApprovalViewSchema) },
  errors: [404],
});

export function registerGetApproval(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, getApprovalRoute, async (c, { params }) => {
    const approval = await c.get("governor").getApproval(callerOf(c).tenantId, params.id);
    return c.json({ data: approval });
  });
}
