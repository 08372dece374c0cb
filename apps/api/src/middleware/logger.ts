import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { AppEnv } from "../context";
import type { Caller } from "../key-resolver";

/** The structured line every request writes once its response is ready. */
export function logRequest(
  logger: Logger,
  request: { requestId: string; method: string; path: string; status: number; startedAt: number },
  caller: Caller | undefined,
): void {
  const { requestId, method, path, status, startedAt } = request;
  const line = {
    requestId,
    method,
    path,
    status,
    durationMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
    tenantId: caller?.tenantId,
    keyId: caller?.keyId,
  };
  if (status >= 500) logger.error(line, "request failed");
  else logger.info(line, "request");
}

/** One structured line per request, written after the response is ready. */
export function requestLogger() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const startedAt = performance.now();
    await next();
    const request = {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      startedAt,
    };
    logRequest(c.get("logger"), request, c.get("caller"));
  });
}
