import type { IncomingMessage, ServerResponse } from "node:http";
import type { Actor } from "@intendedops/core";
import type { Services } from "./context";
import { errorAnswer } from "./error-response";
import type { Caller } from "./key-resolver";
import { authorizedCaller, identify } from "./middleware/auth";
import { readNodeJsonBody } from "./middleware/body";
import { logRequest } from "./middleware/logger";
import { countRequest } from "./middleware/rate-limit";
import { requestIdFrom } from "./middleware/request-id";
import { type HeaderReader, nodeHeader } from "./node-request";
import { actorFor } from "./routes/v1/actor";
import { createIntentRoute, REPLAYED_HEADER, submitIntent } from "./routes/v1/intents/create";
import type { Permission } from "./scopes";

const METHOD = createIntentRoute.method.toUpperCase();
const PATH = createIntentRoute.path;
const PERMISSION = requiredPermission(createIntentRoute.permission);

function requiredPermission(permission: Permission | "public"): Permission {
  // Would catch the route being made public without this listener following.
  if (permission === "public") throw new TypeError(`${METHOD} ${PATH} must require a permission`);
  return permission;
}

/** What the listener does with an authorized caller's parsed body: its status, payload and replay flag. */
export type SubmissionStep = (
  services: Services,
  actor: Actor,
  body: unknown,
) => Promise<{ status: number; replayed: boolean; payload: unknown }>;

/** The server's step: the governor decides and records the intent. */
const governedSubmission: SubmissionStep = (services, actor, body) =>
  submitIntent(services.governor, actor, body);

/**
 * `POST /v1/intents` straight on Node's request and response, for the server process. It runs
 * the same steps as the Hono app, from the same functions and in the same order — request id,
 * caller, rate limit, permission, body, submission, error envelope, log line — and answers with
 * the same status, headers and body; what it skips is the framework around them (context,
 * middleware chain, router, web Request/Response objects), which cost about 8 % of a submission's
 * CPU on the hottest path (docs/benchmarks.md). Any other request, including this path with a
 * query string, returns false and goes to the Hono app. The app keeps the route too: it is what
 * `app.request()`, embedding users and /openapi.json see. `submit` is replaced only by the
 * benchmark's floor servers (bench/floor-server.ts), which measure the same HTTP path without the
 * governor.
 */
export function createSubmissionListener(
  services: Services,
  submit: SubmissionStep = governedSubmission,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== METHOD || req.url !== PATH) return false;
    answer(services, submit, req, res).catch((error: unknown) => {
      // Only a failure to write the answer lands here (the socket went away); nothing to tell the client.
      services.logger.error({ err: error }, "could not answer a submission");
      if (!res.headersSent) res.destroy();
    });
    return true;
  };
}

async function answer(
  services: Services,
  submit: SubmissionStep,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const startedAt = performance.now();
  const header: HeaderReader = (name) => nodeHeader(req.headers, name);
  const requestId = requestIdFrom(header("x-request-id"));
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "x-request-id": requestId,
  };
  let caller: Caller | undefined;
  let status: number;
  let payload: unknown;
  try {
    const identified = await identify(services.keys, header);
    caller = identified.caller;
    countRequest(
      services.rateLimiter,
      services.config.rateLimitPerMinute,
      caller,
      req.socket.remoteAddress,
      services.clock(),
      (name, value) => {
        headers[name.toLowerCase()] = value;
      },
    );
    const actor = actorFor(authorizedCaller(caller, identified.failure, PERMISSION));
    const body = await readNodeJsonBody(req, header, services.config.bodyLimitBytes);
    const submitted = await submit(services, actor, body?.value);
    if (submitted.replayed) headers[REPLAYED_HEADER] = "true";
    status = submitted.status;
    payload = submitted.payload;
  } catch (thrown) {
    ({ status, payload } = errorAnswer(thrown, requestId, services.logger));
  }
  const text = JSON.stringify(payload);
  headers["content-length"] = Buffer.byteLength(text);
  res.writeHead(status, headers);
  res.end(text);
  if (!req.readableEnded) res.once("finish", () => drainUnread(req));
  logRequest(services.logger, { requestId, method: METHOD, path: PATH, status, startedAt }, caller);
}

/** @hono/node-server's limits for a body still arriving after the answer (its listener's drainIncoming). */
const DRAIN_TIMEOUT_MS = 500;
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * The rest of a body the answer did not wait for (401, 403, 429 or 413 before reading it, 413
 * part-way) is read and dropped for at most DRAIN_TIMEOUT_MS and MAX_DRAIN_BYTES, then the
 * connection closes: what @hono/node-server does after every route of the app. Node alone would
 * read it without limit, so the same request kept its connection here and lost it on the app's
 * path (`/v1/intents?…`), and a client could stream any amount after its 413.
 */
function drainUnread(req: IncomingMessage): void {
  if (req.readableEnded || req.destroyed) return;
  let bytes = 0;
  const close = () => {
    cleanup();
    if (!req.socket.destroyed) req.socket.destroySoon();
  };
  const timer = setTimeout(close, DRAIN_TIMEOUT_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    bytes += chunk.byteLength;
    if (bytes > MAX_DRAIN_BYTES) close();
  };
  const cleanup = () => {
    clearTimeout(timer);
    req.off("data", onData);
    req.off("end", cleanup);
    req.off("error", cleanup);
  };
  req.on("data", onData);
  req.on("end", cleanup);
  req.on("error", cleanup);
  req.resume();
}
