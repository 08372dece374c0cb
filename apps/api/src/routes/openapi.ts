import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { ErrorEnvelopeSchema } from "./api-route";

export const API_VERSION = "1.0.0";

/** Serve the OpenAPI 3.1 document generated from the routes' own zod schemas. */
export function registerOpenApiRoute(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "ApiKeyAuth", {
    type: "apiKey",
    in: "header",
    name: "x-api-key",
    description: "intendedops_<tenantId>_<secret>",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "BearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "The same API key as a bearer token",
  });
  const error = (description: string) => ({
    description,
    content: { "application/json": { schema: ErrorEnvelopeSchema } },
  });
  // The document lists itself: a public route, counted by the rate limiter like any other.
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/openapi.json",
    summary: "This OpenAPI 3.1 document (no authentication)",
    tags: ["System"],
    responses: {
      200: {
        description: "The OpenAPI 3.1 document",
        content: { "application/json": { schema: z.looseObject({ openapi: z.string() }) } },
      },
      429: error("Rate limit reached (RATE_LIMITED)"),
      500: error("Unexpected failure (INTERNAL_ERROR)"),
    },
  });
  let cached: { routes: number; document: unknown } | undefined;
  app.get("/openapi.json", (c) => {
    // Generated once per route set: later registrations (extensions) refresh it.
    if (!cached || cached.routes !== app.routes.length) {
      const document = app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: "IntendedOps API",
          version: API_VERSION,
          description:
            "Governance for AI agents: intents, policies, trust tiers, approvals and a tamper-evident audit log.",
        },
      });
      cached = { routes: app.routes.length, document };
    }
    return c.json(cached.document);
  });
}
