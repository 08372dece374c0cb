import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  formatIssues,
  generateWebhookSecret,
  IntendedOpsError,
  intentTypeIssues,
  newId,
} from "@intendedops/core";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { insertEndpoint } from "../endpoint-change";
import { toInboundView } from "./inbound-view";
import { CreateInboundEndpointBodySchema, InboundEndpointWithSecretSchema } from "./schema";

export const createInboundEndpointRoute = defineRoute({
  operationId: "createInboundEndpoint",
  method: "post",
  path: "/v1/inbound",
  permission: "admin",
  summary: "Create an inbound endpoint for an external executor (its secret is returned once)",
  tags: ["Inbound webhooks"],
  body: CreateInboundEndpointBodySchema,
  bodyRequired: false,
  success: {
    status: 201,
    description: "The endpoint and its secret",
    schema: envelope(InboundEndpointWithSecretSchema),
  },
});

export function registerCreateInboundEndpoint(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, createInboundEndpointRoute, async (c, { body }) => {
    // An entry no intent type can match would refuse every report it was meant to let through.
    // `*` (any type) is the inbound list's own entry: agents and intentions have no such thing.
    const intentTypes = body.intentTypes ?? [];
    const issues = intentTypeIssues(c.get("catalog"), intentTypes, "intentTypes").filter(
      (issue) => intentTypes[issue.path[1] as number] !== "*",
    );
    if (issues.length > 0) throw new IntendedOpsError("VALIDATION_ERROR", formatIssues(issues), issues);
    const now = c.get("clock")();
    const at = new Date(now).toISOString();
    const id = newId("webhook", now);
    const secret = generateWebhookSecret();
    const record = {
      id,
      tenantId: callerOf(c).tenantId,
      description: body.description || null,
      intentTypes: body.intentTypes ?? [],
      secret: c.get("webhooks").secrets.seal(secret, id),
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: at,
      updatedAt: at,
    };
    await insertEndpoint(c, (repos) => repos.inbound, "Inbound endpoint", record, {
      eventType: "inbound_endpoint.created",
      data: (e) => ({ intentTypes: e.intentTypes }),
    });
    return c.json({ data: { ...toInboundView(record, now), secret } }, 201);
  });
}
