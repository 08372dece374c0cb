import { IntendedOpsError } from "@intendedops/core";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import type { Caller, KeyResolver } from "../key-resolver";
import { type HeaderReader, requestHeader } from "../node-request";
import { hasPermission, type Permission } from "../scopes";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The key a request presents: `x-api-key`, or `Authorization: Bearer <key>` as the intentions contract uses. */
export function presentedKey(header: HeaderReader): string | undefined {
  const direct = header("x-api-key");
  if (direct !== undefined && direct.trim() !== "") return direct.trim();
  const authorization = header("authorization");
  if (authorization === undefined) return undefined;
  return BEARER.exec(authorization)?.[1];
}

const unauthorized = (message: string) => new IntendedOpsError("UNAUTHORIZED", message);

/** Who is calling, or why nobody valid is: nothing is refused yet. */
export type Identification =
  | { caller: Caller; failure?: undefined }
  | { caller?: undefined; failure: IntendedOpsError };

/** Resolve the presented key and check `x-tenant-id` against the key's tenant. */
export async function identify(keys: KeyResolver, header: HeaderReader): Promise<Identification> {
  const key = presentedKey(header);
  if (key === undefined) return { failure: unauthorized("API key missing: send it in the x-api-key header") };
  const caller = await keys.resolve(key);
  if (!caller) return { failure: unauthorized("Invalid API key") };
  const tenantHeader = header("x-tenant-id");
  if (tenantHeader !== undefined && tenantHeader !== caller.tenantId) {
    return { failure: unauthorized("x-tenant-id does not match the API key's tenant") };
  }
  return { caller };
}

/**
 * Resolve the caller from the presented key without refusing anything yet: the rate limiter needs
 * to know who is calling, and public routes (health, metrics) ignore the outcome.
 */
export function identifyCaller() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { caller, failure } = await identify(c.get("keys"), (name) => requestHeader(c, name));
    if (caller) c.set("caller", caller);
    else c.set("authFailure", failure);
    return next();
  });
}

/** What a 403 says would have sufficed: admin grants everything, so it is named once. */
function grantingScopes(permission: Permission): string {
  if (permission === "read") return "any scope";
  return permission === "admin" ? "admin" : `${permission} or admin`;
}

/** The caller, if it holds `permission`; else the 401 (no valid key) or 403 (scope missing) to answer. */
export function authorizedCaller(
  caller: Caller | undefined,
  failure: IntendedOpsError | undefined,
  permission: Permission,
): Caller {
  if (!caller) throw failure ?? unauthorized("API key missing");
  if (!hasPermission(caller.scopes, permission)) {
    throw new IntendedOpsError(
      "FORBIDDEN",
      `This API key lacks the scope for this operation (needs ${grantingScopes(permission)})`,
      { required: permission, scopes: caller.scopes },
    );
  }
  return caller;
}

/** Refuse the request unless a valid key with `permission` was presented (401, then 403). */
export function requirePermission(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    authorizedCaller(c.get("caller"), c.get("authFailure"), permission);
    return next();
  });
}
