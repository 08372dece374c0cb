import { OpenAPIHono } from "@hono/zod-openapi";
import { IntendedOpsError, validationError } from "@intendedops/core";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CachedRouter } from "./cached-router";
import type { AppEnv, Services } from "./context";
import { errorAnswer } from "./error-response";
import { createMethodMatcher, type MethodMatcher } from "./method-matcher";
import { identifyCaller } from "./middleware/auth";
import { requestLogger } from "./middleware/logger";
import { rateLimit } from "./middleware/rate-limit";
import { requestId } from "./middleware/request-id";
import { registerHealthRoute } from "./routes/health";
import { registerMetricsRoute } from "./routes/metrics";
import { registerOpenApiRoute } from "./routes/openapi";
import { registerV1Routes } from "./routes/v1/index";
import { registerWellKnownRoutes } from "./routes/well-known/index";

const SERVICE_KEYS = [
  "config",
  "store",
  "governor",
  "catalog",
  "logger",
  "clock",
  "keys",
  "rateLimiter",
  "webhooks",
  "tokens",
] as const satisfies readonly (keyof Services)[];

/**
 * The IntendedOps HTTP app: middleware, every route, one error handler. Pure wiring — the
 * services (store, governor, clock, …) come in, so tests build it on a real store in memory.
 * @example const app = createApp(await createServices(loadConfig({ DATABASE_URL: "file::memory:" })))
 */
export function createApp(services: Services): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    router: new CachedRouter(),
    // Routes added with app.openapi() (zod-openapi validators) fail in the same envelope as ours.
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });

  app.use("*", async (c, next) => {
    for (const key of SERVICE_KEYS) c.set(key, services[key] as never);
    await next();
  });
  app.use("*", requestId());
  app.use("*", requestLogger());
  app.use("*", identifyCaller());
  app.use("*", rateLimit(services.config.rateLimitPerMinute));

  registerHealthRoute(app);
  registerMetricsRoute(app);
  registerWellKnownRoutes(app);
  registerV1Routes(app);
  registerOpenApiRoute(app);

  let matcher: MethodMatcher | undefined;
  let matcherSize = -1;
  app.notFound((c) => {
    // Built lazily: more routes may be registered after createApp returns.
    if (!matcher || matcherSize !== app.routes.length) {
      matcher = createMethodMatcher(app.routes);
      matcherSize = app.routes.length;
    }
    const allowed = matcher.allowedMethods(c.req.path);
    if (allowed.length > 0) {
      c.header("Allow", allowed.join(", "));
      const error = new IntendedOpsError(
        "METHOD_NOT_ALLOWED",
        `Method ${c.req.method} is not allowed on ${c.req.path}`,
        { allowed },
      );
      return c.json(error.toJSON(), 405);
    }
    const error = new IntendedOpsError("NOT_FOUND", `Route not found: ${c.req.method} ${c.req.path}`);
    return c.json(error.toJSON(), 404);
  });

  app.onError((thrown, c) => {
    const answer = errorAnswer(thrown, c.get("requestId") ?? "unknown", services.logger);
    return c.json(answer.payload, answer.status as ContentfulStatusCode);
  });

  return app;
}
