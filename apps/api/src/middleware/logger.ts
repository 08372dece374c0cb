import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";

/** One structured line per request, written after the response is ready. */
export function requestLogger() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    await next();
    const caller = c.get("caller");
    const status = c.res.status;
    const line = {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      tenantId: caller?.tenantId,
      keyId: caller?.keyId,
    };
    const logger = c.get("logger");
    if (status >= 500) logger.error(line, "request failed");
    else logger.info(line, "request");
  });
}
