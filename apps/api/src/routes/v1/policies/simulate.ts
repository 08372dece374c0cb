import type { OpenAPIHono } from "@hono/zod-openapi";
import type { SimulateInput } from "@intendedops/core";
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
  // The governor validates the body with this same schema, on the params as sent: a parsed copy
  // has lost any `__proto__` key, which must be refused as an unknown param, as on submission.
  governorBody: SimulateBodySchema,
  success: { status: 200, description: "The decision and its trace", schema: envelope(SimulationSchema) },
  errors: [404],
});

export function registerSimulatePolicy(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, simulatePolicyRoute, async (c) => {
    const sent = c.get("body");
    const input = (sent === undefined ? {} : sent) as SimulateInput;
    const result = await c.get("governor").simulate(callerOf(c).tenantId, input);
    return c.json({ data: result });
  });
}
