import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import {
  ErrorEnvelopeSchema,
  errorResponse,
  errorResponseComponents,
  RESPONSE_HEADER_COMPONENTS,
  responseHeaders,
} from "./api-route";

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
  for (const [name, header] of Object.entries(RESPONSE_HEADER_COMPONENTS)) {
    app.openAPIRegistry.registerComponent("headers", name, header);
  }
  // The shared error responses refer to the envelope by name, so it is registered explicitly.
  app.openAPIRegistry.register("Error", ErrorEnvelopeSchema);
  for (const [name, response] of Object.entries(errorResponseComponents())) {
    app.openAPIRegistry.registerComponent("responses", name, response as never);
  }
  // The document lists itself: a public route, counted by the rate limiter like any other.
  app.openAPIRegistry.registerPath({
    operationId: "getOpenApiDocument",
    method: "get",
    path: "/openapi.json",
    summary: "This OpenAPI 3.1 document (no authentication)",
    tags: ["System"],
    security: [],
    responses: {
      200: {
        description: "The OpenAPI 3.1 document",
        headers: responseHeaders(200),
        content: { "application/json": { schema: z.looseObject({ openapi: z.string() }) } },
      },
      429: errorResponse(429),
      500: errorResponse(500),
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
          license: { name: "Apache-2.0", url: "https://www.apache.org/licenses/LICENSE-2.0" },
        },
        // Relative: the server that serves this document serves the API.
        servers: [{ url: "/" }],
      });
      cached = { routes: app.routes.length, document };
    }
    return c.json(cached.document);
  });
}
