import { IntendedOpsError } from "@intendedops/core";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { requestHeader } from "../node-request";
import { hasPermission, type Permission } from "../scopes";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The key a request presents: `x-api-key`, or `Authorization: Bearer <key>` as the intentions contract uses. */
export function presentedKey(c: Context): string | undefined {
  const direct = requestHeader(c, "x-api-key");
  if (direct !== undefined && direct.trim() !== "") return direct.trim();
  const authorization = requestHeader(c, "authorization");
  if (authorization === undefined) return undefined;
  return BEARER.exec(authorization)?.[1];
}

const unauthorized = (message: string) => new IntendedOpsError("UNAUTHORIZED", message);

/**
 * Resolve the caller from the presented key without refusing anything yet: the rate limiter needs
 * to know who is calling, and public routes (health, metrics) ignore the outcome.
 */
export function identifyCaller() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = presentedKey(c);
    if (key === undefined) {
      c.set("authFailure", unauthorized("API key missing: send it in the x-api-key header"));
      return next();
    }
    const caller = await c.get("keys").resolve(key);
    if (!caller) {
      c.set("authFailure", unauthorized("Invalid API key"));
      return next();
    }
    const tenantHeader = requestHeader(c, "x-tenant-id");
    if (tenantHeader !== undefined && tenantHeader !== caller.tenantId) {
      c.set("authFailure", unauthorized("x-tenant-id does not match the API key's tenant"));
      return next();
    }
    c.set("caller", caller);
    return next();
  });
}

/** Refuse the request unless a valid key with `permission` was presented (401, then 403). */
export function requirePermission(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const caller = c.get("caller");
    if (!caller) throw c.get("authFailure") ?? unauthorized("API key missing");
    if (!hasPermission(caller.scopes, permission)) {
      throw new IntendedOpsError(
        "FORBIDDEN",
        `This API key lacks the scope for this operation (needs ${permission === "read" ? "any scope" : `${permission} or admin`})`,
        { required: permission, scopes: caller.scopes },
      );
    }
    return next();
  });
}
