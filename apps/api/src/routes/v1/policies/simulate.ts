import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { SimulateBodySchema, SimulationSchema } from "./schema";

export const simulatePolicyRoute = defineRoute({
  operationId: "simulatePolicies",
  method: "post",
  path: "/v1/policies/simulate",
  permission: "policy_write",
  summary: "Decide an intent against the current policies without storing anything (with the explain trace)",
  tags: ["Policies"],
  body: SimulateBodySchema,
  success: { status: 200, description: "The decision and its trace", schema: envelope(SimulationSchema) },
  errors: [404],
});

export function registerSimulatePolicy(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, simulatePolicyRoute, async (c, { body }) => {
    const result = await c.get("governor").simulate(callerOf(c).tenantId, body);
    return c.json({ data: result });
  });
}
