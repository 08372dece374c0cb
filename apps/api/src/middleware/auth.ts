import { IntendedOpsError } from "@intendedops/core";
import { createMiddleware } from "hono/factory";
import { hashApiKey, hashesEqual, parseApiKey } from "../api-key-format";
import type { AppEnv } from "../context";
import type { Caller, KeyResolver } from "../key-resolver";
import { type HeaderReader, requestHeader } from "../node-request";
import { hasPermission, type Permission } from "../scopes";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Marks a request that presents two different API keys, one in each header. */
export const CONFLICTING_KEYS = Symbol("conflicting API keys");

/**
 * The key a request presents: `x-api-key`, or `Authorization: Bearer <key>` as the intentions
 * contract uses. When both carry an API key they must be the same key: otherwise a proxy that
 * authorizes by one header and this server, which reads the other, would act for different
 * callers. A bearer that is not an API key (a gateway's own token) does not count.
 */
export function presentedKey(header: HeaderReader): string | undefined | typeof CONFLICTING_KEYS {
  const direct = header("x-api-key")?.trim() || undefined;
  const authorization = header("authorization");
  const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (direct === undefined) return bearer;
  if (bearer !== undefined && parseApiKey(bearer) && !hashesEqual(hashApiKey(bearer), hashApiKey(direct))) {
    return CONFLICTING_KEYS;
  }
  return direct;
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
  if (key === CONFLICTING_KEYS) {
    return { failure: unauthorized("x-api-key and Authorization carry different API keys: send one key") };
  }
  let caller: Caller | undefined;
  try {
    caller = await keys.resolve(key);
  } catch (error) {
    // The lookup failed (the database is busy or down: 503). That is the answer for a route that
    // needs a key; the request is still counted and answered with its rate-limit headers, and the
    // public routes (/health, /metrics) answer as if no key had been sent.
    if (error instanceof IntendedOpsError) return { failure: error };
    throw error;
  }
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
