import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerApprove } from "./approve";
import { registerGetApproval } from "./get";
import { registerListApprovals } from "./list";
import { registerReject } from "./reject";

export { approveRoute } from "./approve";
export { getApprovalRoute } from "./get";
export { listApprovalsRoute } from "./list";
export { rejectRoute } from "./reject";

export function registerApprovalRoutes(app: OpenAPIHono<AppEnv>): void {
  registerListApprovals(app);
  registerGetApproval(app);
  registerApprove(app);
  registerReject(app);
}
