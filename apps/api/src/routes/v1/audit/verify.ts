import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { ChainVerificationSchema, VerifyQuerySchema } from "./schema";

export const verifyAuditRoute = defineRoute({
  operationId: "verifyAuditChain",
  method: "get",
  path: "/v1/audit/verify",
  permission: "read",
  summary: "Recompute every hash of the tenant's audit chain",
  tags: ["Audit"],
  query: VerifyQuerySchema,
  success: {
    status: 200,
    description: "Whether the chain is intact",
    schema: envelope(ChainVerificationSchema),
  },
});

export function registerVerifyAudit(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, verifyAuditRoute, async (c, { query }) => {
    const { anchorSeq, anchorHash } = query;
    const anchors =
      anchorSeq !== undefined && anchorHash !== undefined ? [{ seq: anchorSeq, hash: anchorHash }] : [];
    const result = await c.get("governor").verifyAudit(callerOf(c).tenantId, { anchors });
    return c.json({ data: result });
  });
}
