import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { ApprovalPageSchema, ListApprovalsQuerySchema } from "./schema";

export const listApprovalsRoute = defineRoute({
  operationId: "listApprovals",
  method: "get",
  path: "/v1/approvals",
  permission: "read",
  summary: "List approvals (pending by default) with their intent and why a human is needed",
  tags: ["Approvals"],
  query: ListApprovalsQuerySchema,
  success: { status: 200, description: "A page of approvals", schema: envelope(ApprovalPageSchema) },
});

export function registerListApprovals(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listApprovalsRoute, async (c, { query }) => {
    const { status, page, pageSize } = query;
    const filter = status === "all" ? {} : { status };
    const result = await c.get("governor").listApprovals(callerOf(c).tenantId, filter, { page, pageSize });
    return c.json({ data: result });
  });
}
