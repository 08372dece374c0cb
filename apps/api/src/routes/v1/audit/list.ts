import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { AuditPageSchema, AuditQuerySchema } from "./schema";

export const listAuditRoute = defineRoute({
  operationId: "queryAudit",
  method: "get",
  path: "/v1/audit",
  permission: "read",
  summary: "Query the tenant's audit events in chain order",
  tags: ["Audit"],
  query: AuditQuerySchema,
  success: { status: 200, description: "A page of audit events", schema: envelope(AuditPageSchema) },
});

export function registerListAudit(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listAuditRoute, async (c, { query }) => {
    const { page, pageSize, ...filter } = query;
    const result = await c.get("governor").queryAudit(callerOf(c).tenantId, filter, { page, pageSize });
    return c.json({ data: result });
  });
}
