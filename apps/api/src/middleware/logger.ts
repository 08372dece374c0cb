import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { AppEnv } from "../context";
import type { Caller } from "../key-resolver";

/** Milliseconds since `startedAt` (a `performance.now()`), to the microsecond. */
function elapsedMs(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 1000) / 1000;
}

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
    durationMs: elapsedMs(startedAt),
    tenantId: caller?.tenantId,
    keyId: caller?.keyId,
  };
  if (status >= 500) logger.error(line, "request failed");
  else logger.info(line, "request");
}

/** A request refused at the protocol level, before any route saw it: what its log line holds. */
export interface ProtocolRefusal {
  /** The id in the answer's `x-request-id`, or minted for the line when the answer carries none. */
  requestId: string;
  /** Present when the request line was read; `path` is the target without its query, bounded and printable. */
  method?: string;
  path?: string;
  status: number;
  startedAt: number;
  /** The error message the answer carries (the parser's rule, never the client's bytes). */
  reason: string;
  remoteAddress?: string;
}

/**
 * The log line of a protocol refusal (a bad header section, a stalled request, a duplicate
 * Host): the fields of `logRequest`'s line, the reason and the client's address, level `warn` —
 * the server is fine, but an operator should see a client that cannot speak HTTP. No tenant or
 * key: the request was refused before its key was read.
 */
export function logRefusal(logger: Logger, refusal: ProtocolRefusal): void {
  const { requestId, method, path, status, startedAt, reason, remoteAddress } = refusal;
  logger.warn(
    { requestId, method, path, status, durationMs: elapsedMs(startedAt), reason, remoteAddress },
    "request refused",
  );
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
