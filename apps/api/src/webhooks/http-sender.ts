import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { ForbiddenTargetError, guardedLookup, literalTargetError, type SsrfOptions } from "./ssrf-guard";

/** One POST of a webhook body. */
export interface WebhookRequest {
  url: string;
  body: string;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Cuts the attempt when aborted (the server shutting down), as a timeout would. */
  signal?: AbortSignal;
}

/** What an attempt learned: a status code, or why there was none. */
export interface WebhookResponse {
  /** Null when no response arrived (timeout, refused target, network failure). */
  statusCode: number | null;
  /** The raw `Retry-After` header, if the receiver sent one. */
  retryAfter: string | null;
  /** Time until the response headers arrived (or the failure), in ms. */
  latencyMs: number;
  /** Null for a 2xx; otherwise a short reason (`HTTP 503`, `timeout after 10000 ms`, …). */
  error: string | null;
}

export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

export const USER_AGENT = "IntendedOps-Webhooks/1.0";

class TimeoutError extends Error {}

/** Why an attempt was given up before its timeout: the server is shutting down. */
export const CUT_AT_SHUTDOWN = "cut: the server is shutting down";

function describe(error: unknown): string {
  if (error instanceof TimeoutError || error instanceof ForbiddenTargetError) return error.message;
  const { code, message } = error as NodeJS.ErrnoException;
  return code ? `${code}: ${message}` : String(message ?? error);
}

/**
 * Sends webhooks with node:http(s): never follows redirects (a 3xx is a failed attempt), connects
 * only to addresses the SSRF guard accepted, gives up after `timeoutMs`, opens a fresh connection
 * each time so no socket outlives its attempt, and never reads the response body.
 */
export function createHttpSender(guard: SsrfOptions): WebhookSender {
  const lookup = guardedLookup(guard);
  return (request) =>
    new Promise<WebhookResponse>((resolve) => {
      const started = performance.now();
      let settled = false;
      const finish = (statusCode: number | null, retryAfter: string | null, error: string | null) => {
        if (settled) return;
        settled = true;
        resolve({ statusCode, retryAfter, latencyMs: Math.round(performance.now() - started), error });
      };

      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return finish(null, null, "invalid URL");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        return finish(null, null, "refused: only http and https targets");
      }
      const refused = literalTargetError(url, guard);
      if (refused) return finish(null, null, refused.message);
      if (request.signal?.aborted) return finish(null, null, CUT_AT_SHUTDOWN);

      const transport = url.protocol === "https:" ? https : http;
      const req = transport.request(
        url,
        {
          method: "POST",
          agent: false,
          lookup,
          headers: {
            ...request.headers,
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(request.body)),
            "user-agent": USER_AGENT,
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const retryAfter = res.headers["retry-after"];
          // The body is not needed: close the connection now (it is never reused) rather than
          // read a large or endless body until the timeout.
          res.on("error", () => undefined);
          res.destroy();
          finish(
            status,
            typeof retryAfter === "string" ? retryAfter : null,
            status >= 200 && status < 300 ? null : `HTTP ${status}`,
          );
        },
      );
      const timer = setTimeout(
        () => req.destroy(new TimeoutError(`timeout after ${request.timeoutMs} ms`)),
        request.timeoutMs,
      );
      const cut = () => req.destroy(new TimeoutError(CUT_AT_SHUTDOWN));
      request.signal?.addEventListener("abort", cut, { once: true });
      req.on("close", () => {
        clearTimeout(timer);
        request.signal?.removeEventListener("abort", cut);
      });
      req.on("error", (error) => finish(null, null, describe(error)));
      req.end(request.body);
    });
}
