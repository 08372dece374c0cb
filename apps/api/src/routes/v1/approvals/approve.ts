import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { IdParamsSchema } from "../pagination";
import { ApprovalDecisionSchema } from "./schema";

export const approveRoute = defineRoute({
  operationId: "approveIntent",
  method: "post",
  path: "/v1/approvals/{id}/approve",
  permission: "approver",
  summary: "Approve (the key that submitted the intent cannot approve it)",
  tags: ["Approvals"],
  params: IdParamsSchema,
  success: {
    status: 200,
    description: "The approval and its intent",
    schema: envelope(ApprovalDecisionSchema),
  },
  errors: [404, 409],
});

export function registerApprove(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, approveRoute, async (c, { params }) => {
    const { approval, intent } = await c.get("governor").approve(actorOf(c), params.id);
    return c.json({ data: { ...approval, intent } });
  });
}
