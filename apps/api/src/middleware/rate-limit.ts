import { IntendedOpsError } from "@intendedops/core";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { rateLimitHeader, rateLimitPolicyHeader } from "../rate-limiter";

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * Fixed-window limit per API key (the key's own limit, else the default). Requests without a
 * valid key count against their client address, which also slows down key guessing.
 */
export function rateLimit(defaultLimit: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const caller = c.get("caller");
    const bucket = caller
      ? `key:${caller.keyId}`
      : `ip:${(c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? "local"}`;
    const limit = caller?.rateLimitPerMinute ?? defaultLimit;
    const verdict = c.get("rateLimiter").hit(bucket, limit, c.get("clock")());
    c.header("RateLimit-Policy", rateLimitPolicyHeader(limit));
    c.header("RateLimit", rateLimitHeader(verdict));
    if (!verdict.allowed) {
      c.header("Retry-After", String(verdict.resetSeconds));
      throw new IntendedOpsError("RATE_LIMITED", "Too many requests");
    }
    return next();
  });
}
