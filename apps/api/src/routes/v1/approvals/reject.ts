import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { ApprovalDecisionSchema, RejectBodySchema } from "./schema";

export const rejectRoute = defineRoute({
  operationId: "rejectIntent",
  method: "post",
  path: "/v1/approvals/{id}/reject",
  permission: "approver",
  summary: "Reject, optionally with a reason (trust moves down)",
  tags: ["Approvals"],
  params: IdParamsSchema,
  body: RejectBodySchema,
  bodyRequired: false,
  success: {
    status: 200,
    description: "The approval and its intent",
    schema: envelope(ApprovalDecisionSchema),
  },
  errors: [404, 409],
});

export function registerReject(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, rejectRoute, async (c, { params, body }) => {
    const { approval, intent } = await c.get("governor").reject(actorOf(c), params.id, body.reason);
    return c.json({ data: { ...approval, intent } });
  });
}
