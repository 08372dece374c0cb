import type { Actor } from "@intendedops/core";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import type { Caller } from "../../key-resolver";

/** The authenticated caller; routes mounted with a permission always have one. */
export function callerOf(c: Context<AppEnv>): Caller {
  const caller = c.get("caller");
  if (!caller) throw c.get("authFailure") ?? new Error("Route mounted without a permission guard");
  return caller;
}

/** The governor's actor for this request: the API key, recorded as submitter, approver and audit actor. */
export function actorOf(c: Context<AppEnv>): Actor {
  return actorFor(callerOf(c));
}

/** The governor's actor for an authenticated caller. */
export function actorFor(caller: Caller): Actor {
  return { tenantId: caller.tenantId, id: caller.keyId, name: caller.keyName, kind: "key" };
}
