import { IntendedOpsError } from "@intendedops/core";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import type { Caller } from "../key-resolver";
import { type RateLimiter, rateLimitHeader, rateLimitPolicyHeader } from "../rate-limiter";

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * Count one request against its bucket and set the rate-limit headers through `setHeader`;
 * throws RATE_LIMITED (after setting `Retry-After`) when the bucket is over its limit. Requests
 * without a valid key count against their client address, which also slows down key guessing.
 */
export function countRequest(
  limiter: RateLimiter,
  defaultLimit: number,
  caller: Caller | undefined,
  remoteAddress: string | undefined,
  now: number,
  setHeader: (name: string, value: string) => void,
): void {
  const bucket = caller ? `key:${caller.keyId}` : `ip:${remoteAddress ?? "local"}`;
  const limit = caller?.rateLimitPerMinute ?? defaultLimit;
  const verdict = limiter.hit(bucket, limit, now);
  setHeader("RateLimit-Policy", rateLimitPolicyHeader(limit));
  setHeader("RateLimit", rateLimitHeader(verdict));
  if (!verdict.allowed) {
    setHeader("Retry-After", String(verdict.resetSeconds));
    throw new IntendedOpsError("RATE_LIMITED", "Too many requests");
  }
}

/** Fixed-window limit per API key (the key's own limit, else the default); see `countRequest`. */
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
    );
    return next();
  });
}
