import { IntendedOpsError } from "@intendedops/core";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import type { Caller } from "../key-resolver";
import {
  type RateLimiter,
  type RateLimitVerdict,
  rateLimitHeader,
  rateLimitPolicyHeader,
} from "../rate-limiter";

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * Paths whose GET and HEAD are never counted nor refused: health probes and Prometheus scrapes
 * come without an API key, so they would share their address's budget with every other
 * unauthenticated request — and a flood from that address (or a busy prober) would make the
 * service look down and blind its monitoring exactly when it matters.
 */
const UNMETERED_PATHS = new Set(["/health", "/metrics"]);

function isUnmetered(method: string, path: string): boolean {
  return (method === "GET" || method === "HEAD") && UNMETERED_PATHS.has(path);
}

function bucketOf(caller: Caller | undefined, remoteAddress: string | undefined): string {
  return caller ? `key:${caller.keyId}` : `ip:${remoteAddress ?? "local"}`;
}

function setBudgetHeaders(setHeader: (name: string, value: string) => void, verdict: RateLimitVerdict): void {
  setHeader("RateLimit-Policy", rateLimitPolicyHeader(verdict.limit));
  setHeader("RateLimit", rateLimitHeader(verdict));
}

/**
 * Count one request against its bucket and set the rate-limit headers through `setHeader`;
 * throws RATE_LIMITED (after setting `Retry-After`) when the bucket is over its limit. Requests
 * without a valid key count against their client address, which also slows down key guessing.
 * With `spend` false (unmetered paths) the headers report the budget as it stands, untouched.
 */
export function countRequest(
  limiter: RateLimiter,
  defaultLimit: number,
  caller: Caller | undefined,
  remoteAddress: string | undefined,
  now: number,
  setHeader: (name: string, value: string) => void,
  spend = true,
): void {
  const limit = caller?.rateLimitPerMinute ?? defaultLimit;
  const bucket = bucketOf(caller, remoteAddress);
  const verdict = spend ? limiter.hit(bucket, limit, now) : limiter.peek(bucket, limit, now);
  setBudgetHeaders(setHeader, verdict);
  if (spend && !verdict.allowed) {
    setHeader("Retry-After", String(verdict.resetSeconds));
    throw new IntendedOpsError("RATE_LIMITED", "Too many requests");
  }
}

/**
 * Fixed-window limit per API key (the key's own limit, else the default); see `countRequest`.
 * GET/HEAD /health and /metrics are not counted (see UNMETERED_PATHS) but carry the headers too.
 */
export function rateLimit(defaultLimit: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const remoteAddress = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
    countRequest(
      c.get("rateLimiter"),
      defaultLimit,
      c.get("caller"),
      remoteAddress,
      c.get("clock")(),
      (name, value) => c.header(name, value),
      !isUnmetered(c.req.method, c.req.path),
    );
    return next();
  });
}
