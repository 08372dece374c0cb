import type { ErrorCode } from "@intendedops/core";

/** A code the API sends, or one the client uses when no response arrived. */
export type ApiErrorCode = ErrorCode | "NETWORK_ERROR" | "TIMEOUT" | "INVALID_RESPONSE" | (string & {});

export interface ApiErrorInit {
  code: ApiErrorCode;
  /** HTTP status; 0 when no response arrived (network failure, timeout). */
  status: number;
  message: string;
  details?: unknown;
  requestId?: string;
  cause?: unknown;
}

/** Every error the client throws for a failed call; `code` is the API's error code. */
export class IntendedOpsApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly details: unknown;
  readonly requestId: string | undefined;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
    this.requestId = init.requestId;
  }
}

/** 400 VALIDATION_ERROR; `details` lists `{ path, message }` per failed field. */
export class ValidationError extends IntendedOpsApiError {
  declare readonly details: ValidationIssue[];

  constructor(init: ApiErrorInit) {
    // A 400 without the envelope (e.g. from a proxy) still gets an array, so callers can iterate.
    super({ ...init, details: Array.isArray(init.details) ? init.details : [] });
  }
}

export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

/** 401: the API key is missing, unknown or revoked. */
export class UnauthorizedError extends IntendedOpsApiError {}

/** 403: the key lacks the scope, or separation of duties forbids the call. */
export class ForbiddenError extends IntendedOpsApiError {}

/** 404: the resource does not exist in the key's tenant. */
export class NotFoundError extends IntendedOpsApiError {}

/** 404 AGENT_NOT_FOUND: the intent names an agent that is not registered. */
export class AgentNotFoundError extends NotFoundError {}

/** 409 CONFLICT: the id or label is taken, or this key already voted on the approval. */
export class ConflictError extends IntendedOpsApiError {}

/**
 * 409 INVALID_STATE: the intent's (or intention's) status does not allow the call (e.g. completing a
 * pending intent, editing a published intention).
 */
export class InvalidStateError extends IntendedOpsApiError {}

/** 400 ALREADY_RESOLVED: the approval was already approved, rejected or expired. */
export class AlreadyResolvedError extends IntendedOpsApiError {}

/** 422 IDEMPOTENCY_KEY_REUSED: the idempotency key was used before with a different body. */
export class IdempotencyKeyReusedError extends IntendedOpsApiError {}

/** 429 RATE_LIMITED, thrown once retries are exhausted. */
export class RateLimitedError extends IntendedOpsApiError {
  /** The server's `Retry-After`, in seconds, when it sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: ApiErrorInit & { retryAfterSeconds?: number }) {
    super(init);
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** 413 PAYLOAD_TOO_LARGE: the body is over the server's limit (1 MiB). */
export class PayloadTooLargeError extends IntendedOpsApiError {}

/** Any 5xx, thrown once retries are exhausted. */
export class InternalError extends IntendedOpsApiError {}

/** No response arrived: DNS, connection refused or reset. `cause` holds the fetch error. */
export class NetworkError extends IntendedOpsApiError {}

/** No response arrived within `timeoutMs`. */
export class TimeoutError extends NetworkError {}

type ErrorClass = new (init: ApiErrorInit) => IntendedOpsApiError;

const CLASS_BY_CODE: Readonly<Record<string, ErrorClass>> = {
  VALIDATION_ERROR: ValidationError,
  UNAUTHORIZED: UnauthorizedError,
  FORBIDDEN: ForbiddenError,
  NOT_FOUND: NotFoundError,
  AGENT_NOT_FOUND: AgentNotFoundError,
  CONFLICT: ConflictError,
  INVALID_STATE: InvalidStateError,
  ALREADY_RESOLVED: AlreadyResolvedError,
  IDEMPOTENCY_KEY_REUSED: IdempotencyKeyReusedError,
  RATE_LIMITED: RateLimitedError,
  PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  INTERNAL_ERROR: InternalError,
};

/** The class for a status when the code is unknown to this client version. */
function classForStatus(status: number): ErrorClass {
  if (status >= 500) return InternalError;
  switch (status) {
    case 401:
      return UnauthorizedError;
    case 403:
      return ForbiddenError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 413:
      return PayloadTooLargeError;
    case 429:
      return RateLimitedError;
    default:
      return IntendedOpsApiError;
  }
}

/** The code a bare status implies, for bodies that are not the error envelope (proxies, gateways). */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: "VALIDATION_ERROR",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
  503: "SERVICE_UNAVAILABLE",
};

function codeForStatus(status: number): ApiErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? "INTERNAL_ERROR" : `HTTP_${status}`);
}

interface ErrorEnvelope {
  code: string;
  message?: unknown;
  details?: unknown;
  requestId?: unknown;
}

function readEnvelope(bodyText: string): ErrorEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const error = (parsed as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? { ...(error as object), code } : undefined;
}

export interface FailedResponse {
  status: number;
  statusText: string;
  bodyText: string;
  requestId: string | undefined;
  retryAfterSeconds: number | undefined;
}

/** Longest slice of a non-envelope body kept in the message, so an HTML error page cannot flood logs. */
const MAX_BODY_SNIPPET = 200;

/**
 * The typed error for a non-2xx response: by the envelope's `code` when the body is the API's
 * `{"error":{…}}`, otherwise by the HTTP status, so a proxy's HTML page still yields a typed error.
 */
export function errorFromResponse(response: FailedResponse): IntendedOpsApiError {
  const envelope = readEnvelope(response.bodyText);
  const code = envelope?.code ?? codeForStatus(response.status);
  const snippet = response.bodyText.trim().slice(0, MAX_BODY_SNIPPET);
  const fallbackMessage = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}${
    snippet ? `: ${snippet}` : ""
  }`;
  const message = typeof envelope?.message === "string" ? envelope.message : fallbackMessage;
  const requestId =
    response.requestId ?? (typeof envelope?.requestId === "string" ? envelope.requestId : undefined);
  const ErrorType = CLASS_BY_CODE[code] ?? classForStatus(response.status);
  const init = { code, status: response.status, message, details: envelope?.details, requestId };
  if (ErrorType === RateLimitedError) {
    return new RateLimitedError({ ...init, retryAfterSeconds: response.retryAfterSeconds });
  }
  return new ErrorType(init);
}
