import { abortableSleep, attemptSignal } from "./abort-signals";
import { errorFromResponse, IntendedOpsApiError, NetworkError, TimeoutError } from "./api-errors";
import {
  type AttemptFailure,
  isRetryable,
  parseRetryAfter,
  type RetryConfig,
  retryDelayMs,
} from "./retry-policy";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Per-call settings; every client method takes them as its last argument. */
export interface RequestOptions {
  /** Aborts the call (and any wait between retries); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for each attempt of this call. */
  timeoutMs?: number;
  /** Overrides the client's `retry.maxRetries` for this call. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

export interface TransportConfig {
  apiKey: string;
  /** Without a trailing slash. */
  baseUrl: string;
  tenantId: string | undefined;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  retry: RetryConfig;
  headers: Record<string, string>;
  /** Epoch ms; resolves `Retry-After` dates. */
  now: () => number;
  /** In [0, 1); draws the backoff jitter. */
  random: () => number;
}

export type QueryValue = string | number | boolean | null | undefined;

export interface ApiRequest {
  method: HttpMethod;
  path: string;
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
  /** Safe to repeat after a 5xx or a lost response; defaults to true for GET, PUT and DELETE. */
  idempotent?: boolean;
  /** `data`: the envelope's `data`; `json`: the whole JSON body; `text`: the raw body; `none`: nothing. */
  read?: "data" | "json" | "text" | "none";
  /** Shapes the result from the read body and the response (e.g. a header the caller needs). */
  map?: (body: unknown, response: Response) => unknown;
  /** Non-2xx statuses whose body is a result rather than an error (a health check's 503). */
  resultStatuses?: readonly number[];
  /** False turns retrying off for this request whatever the configuration. */
  retry?: boolean;
  options?: RequestOptions;
}

export type Transport = <T>(request: ApiRequest) => Promise<T>;

/** A path segment that is "." or "..". */
const DOT_SEGMENT = /\/\.{1,2}(?=\/|$)/;

const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(["GET", "PUT", "DELETE"]);

/** `/v1/intents` + `{ page: 2, status: undefined }` → `/v1/intents?page=2`. */
export function buildPath(path: string, query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** One HTTP exchange's outcome: a body to return, or an error with what retrying needs to know. */
type AttemptResult =
  | { ok: true; value: unknown }
  | { ok: false; error: IntendedOpsApiError; failure: AttemptFailure };

/** Builds the function every client method calls: one request with timeout, typed errors and retries. */
export function createTransport(config: TransportConfig): Transport {
  // Called unbound: browsers throw "Illegal invocation" when `window.fetch` runs with `this` set
  // to another object (here it would have been `config`).
  const fetchImpl = config.fetch;
  const attempt = async (request: ApiRequest, body: string | undefined): Promise<AttemptResult> => {
    const options = request.options ?? {};
    const timeoutMs = options.timeoutMs ?? config.timeoutMs;
    const signal = attemptSignal(options.signal, timeoutMs);
    // Header names are case-insensitive: merged by their lower-case form, so `X-Tenant-Id` in
    // `headers` cannot travel next to the client's own `x-tenant-id` as "acme, acme" (a 401).
    const headers = mergeHeaders({ accept: "application/json" }, config.headers, options.headers);
    headers["x-api-key"] = config.apiKey;
    if (config.tenantId !== undefined) headers["x-tenant-id"] = config.tenantId;
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      const response = await fetchImpl(`${config.baseUrl}${buildPath(request.path, request.query)}`, {
        method: request.method,
        headers,
        body,
        signal: signal.signal,
      });
      const bodyText = await response.text();
      if (response.ok) {
        const body = readBody(bodyText, request.read ?? "data", response);
        return { ok: true, value: request.map ? request.map(body, response) : body };
      }
      if (request.resultStatuses?.includes(response.status)) {
        // Only the API's own answer is a result; a proxy's "no healthy upstream" is an error.
        const body = dataOf(bodyText);
        if (body !== undefined) {
          return { ok: true, value: request.map ? request.map(body.data, response) : body.data };
        }
      }
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), config.now());
      const error = errorFromResponse({
        status: response.status,
        statusText: response.statusText,
        bodyText,
        requestId: response.headers.get("x-request-id") ?? undefined,
        retryAfterSeconds: retryAfterMs === undefined ? undefined : retryAfterMs / 1000,
      });
      return { ok: false, error, failure: { kind: "status", status: response.status, retryAfterMs } };
    } catch (cause) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (cause instanceof IntendedOpsApiError) throw cause;
      const error = signal.timedOut()
        ? new TimeoutError({
            code: "TIMEOUT",
            status: 0,
            message: `${request.method} ${request.path} timed out after ${timeoutMs} ms`,
            cause,
          })
        : new NetworkError({
            code: "NETWORK_ERROR",
            status: 0,
            message: `${request.method} ${request.path} failed: ${describe(cause)}`,
            cause,
          });
      return { ok: false, error, failure: { kind: "network" } };
    } finally {
      signal.dispose();
    }
  };

  return async <T>(request: ApiRequest): Promise<T> => {
    if (DOT_SEGMENT.test(request.path)) {
      // encodeURIComponent leaves "." and "..", and URLs resolve them (%2E too), so the call
      // would reach another route: getAgentMetrics(".") would read GET /v1/agents/metrics.
      throw new TypeError(
        `IntendedOpsClient: "." and ".." are not valid ids (${request.method} ${request.path})`,
      );
    }
    // Serialized once, before anything is sent: a body JSON cannot hold (a BigInt, a cycle) is the
    // caller's TypeError, not a NetworkError retried as if the connection had failed.
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(request.method);
    const maxRetries = request.retry === false ? 0 : (request.options?.maxRetries ?? config.retry.maxRetries);
    // True once an attempt may have reached the server without its answer reaching us.
    let outcomeUnknown = false;
    for (let retry = 0; ; retry++) {
      const result = await attempt(request, body);
      if (result.ok) return result.value as T;
      if (outcomeUnknown && request.method === "DELETE" && result.error.code === "NOT_FOUND") {
        // The earlier attempt deleted it and its answer was lost: the delete is done.
        return undefined as T;
      }
      outcomeUnknown ||= result.failure.kind === "network" || result.failure.status >= 500;
      const delay =
        retry < maxRetries && isRetryable(result.failure, idempotent)
          ? retryDelayMs(retry, result.failure.retryAfterMs, config.retry, config.random)
          : undefined;
      if (delay === undefined) throw result.error;
      await abortableSleep(delay, request.options?.signal);
    }
  };
}

/** Header records merged by lower-cased name; a later record's value replaces an earlier one's. */
function mergeHeaders(...records: (Record<string, string> | undefined)[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const record of records) {
    for (const [name, value] of Object.entries(record ?? {})) merged[name.toLowerCase()] = value;
  }
  return merged;
}

/** The `{"data": …}` envelope of a body, or undefined when the body is something else. */
function dataOf(bodyText: string): { data: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    return typeof parsed === "object" && parsed !== null && "data" in parsed
      ? { data: parsed.data }
      : undefined;
  } catch {
    return undefined;
  }
}

function readBody(bodyText: string, read: NonNullable<ApiRequest["read"]>, response: Response): unknown {
  if (read === "none") return undefined;
  if (read === "text") return bodyText;
  if (bodyText.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch (cause) {
    throw invalidResponse(response, "the body is not JSON", cause);
  }
  if (read === "json") return parsed;
  if (typeof parsed !== "object" || parsed === null || !("data" in parsed)) {
    throw invalidResponse(response, 'the body has no "data" member');
  }
  return parsed.data;
}

function invalidResponse(response: Response, why: string, cause?: unknown): IntendedOpsApiError {
  return new IntendedOpsApiError({
    code: "INVALID_RESPONSE",
    status: response.status,
    message: `Unexpected response from the API: ${why}`,
    requestId: response.headers.get("x-request-id") ?? undefined,
    cause,
  });
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // undici hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : "";
  return `${cause.message}${inner}`;
}
