import type { IncomingHttpHeaders } from "node:http";
import type { Context } from "hono";

/** Reads a request header by its lower-case name. */
export type HeaderReader = (name: string) => string | undefined;

/** A header of Node's parsed headers; repeated headers read as Node joins them. */
export function nodeHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The Node request @hono/node-server passes as `c.env.incoming`. */
export interface NodeIncoming {
  readableEnded?: boolean;
  headers: IncomingHttpHeaders;
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** The Node request behind a Hono context, when the app runs on @hono/node-server. */
export function nodeIncoming(env: unknown): NodeIncoming | undefined {
  const incoming = (env as { incoming?: NodeIncoming } | undefined)?.incoming;
  return incoming && typeof incoming.on === "function" ? incoming : undefined;
}

/**
 * A request header (`name` in lower case). On Node it is read from the headers Node already
 * parsed: `c.req.header()` makes @hono/node-server build a web `Headers` object first, which cost
 * more than the rest of the middleware of a small request. Repeated headers read as Node joins them.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeIncoming(c.env);
  if (!incoming) return c.req.header(name);
  return nodeHeader(incoming.headers, name);
}
