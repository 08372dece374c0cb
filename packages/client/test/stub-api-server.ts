import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { IntendedOpsClient, type IntendedOpsClientOptions } from "../src/client";

/** A request as the stub server received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() at arrival. */
  at: number;
}

/** How the stub answers: a status and body, or a misbehaviour (hang, drop the connection). */
export type StubReply =
  | { status?: number; headers?: Record<string, string>; body?: unknown }
  | { hang: true }
  | { destroy: true };

/** Answers one route; `call` counts this route's requests from 0. */
export type StubHandler = (request: RecordedRequest, call: number) => StubReply;

export interface StubApi {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port that answers like the API for the
 * routes given (`"POST /v1/intents"`); `"*"` catches every other route, else 404 NOT_FOUND.
 */
export async function startStubApi(routes: Record<string, StubHandler>): Promise<StubApi> {
  const requests: RecordedRequest[] = [];
  const calls = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stub");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: performance.now(),
      };
      requests.push(recorded);
      const key = `${recorded.method} ${recorded.path}`;
      const route = routes[key] ? key : routes["*"] ? "*" : undefined;
      if (route === undefined) {
        send(res, { status: 404, body: { error: { code: "NOT_FOUND", message: `No route ${key}` } } });
        return;
      }
      const call = calls.get(route) ?? 0;
      calls.set(route, call + 1);
      const reply = routes[route]!(recorded, call);
      if ("hang" in reply) return;
      if ("destroy" in reply) {
        req.socket.destroy();
        return;
      }
      send(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(
  res: ServerResponse,
  reply: { status?: number; headers?: Record<string, string>; body?: unknown },
) {
  const isText = typeof reply.body === "string";
  const payload =
    reply.body === undefined ? "" : isText ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, {
    ...(reply.body === undefined ? {} : { "content-type": isText ? "text/plain" : "application/json" }),
    ...reply.headers,
  });
  res.end(payload);
}

/** The body of a recorded request, parsed. */
export function jsonOf(request: RecordedRequest | undefined): Record<string, unknown> {
  if (!request) throw new Error("no such request");
  return JSON.parse(request.body) as Record<string, unknown>;
}

/** The API's error envelope. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/**
 * For a test file: `const serve = stubClient(apiKey)` registers the stub's cleanup after each test
 * and returns a function that starts a stub API with `routes` and a client pointed at it (fast
 * retries unless `options` say otherwise).
 */
export function stubClient(
  apiKey: string,
): (
  routes: Record<string, StubHandler>,
  options?: Partial<IntendedOpsClientOptions>,
) => Promise<{ api: StubApi; client: IntendedOpsClient }> {
  let api: StubApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  return async (routes, options = {}) => {
    api = await startStubApi(routes);
    const client = new IntendedOpsClient({
      apiKey,
      baseUrl: api.url,
      retry: { baseDelayMs: 1, maxDelayMs: 2_000 },
      ...options,
    });
    return { api, client };
  };
}
