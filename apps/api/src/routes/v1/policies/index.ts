import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerCreatePolicy } from "./create";
import { registerDeletePolicy } from "./delete";
import { registerGetPolicy } from "./get";
import { registerListPolicies } from "./list";
import { registerSimulatePolicy } from "./simulate";
import { registerUpdatePolicy } from "./update";

export { createPolicyRoute } from "./create";
export { deletePolicyRoute } from "./delete";
export { getPolicyRoute } from "./get";
export { listPoliciesRoute } from "./list";
export { simulatePolicyRoute } from "./simulate";
export { updatePolicyRoute } from "./update";

export function registerPolicyRoutes(app: OpenAPIHono<AppEnv>): void {
  // `simulate` first: a static segment must not be taken for a policy id.
  registerSimulatePolicy(app);
  registerListPolicies(app);
  registerCreatePolicy(app);
  registerGetPolicy(app);
  registerUpdatePolicy(app);
  registerDeletePolicy(app);
}
