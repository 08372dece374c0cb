import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../context";

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
