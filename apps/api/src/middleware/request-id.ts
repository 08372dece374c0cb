import { newId } from "@intendedops/core";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context";
import { requestHeader } from "../node-request";

/** Accepted incoming ids: short and log-safe, so a client cannot inject into log lines. */
const ACCEPTED_ID = /^[\w.:@-]{1,128}$/;

/** A well-formed incoming `x-request-id`, else a fresh `req_<ulid>`. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming !== undefined && ACCEPTED_ID.test(incoming) ? incoming : newId("request");
}

/** Echo a well-formed `x-request-id` or mint `req_<ulid>`; set on the context and the response. */
export function requestId() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const id = requestIdFrom(requestHeader(c, "x-request-id"));
    c.set("requestId", id);
    c.header("x-request-id", id);
    await next();
  });
}
