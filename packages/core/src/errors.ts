import type { ZodError } from "zod";

/** Every error code the API and the libraries use, with its HTTP status. One place. */
export const ERROR_STATUS = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_ERROR: 400,
  ALREADY_RESOLVED: 400,
  AGENT_NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  CONFLICT: 409,
  INVALID_STATE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ErrorCodes = Object.fromEntries(Object.keys(ERROR_STATUS).map((k) => [k, k])) as {
  readonly [K in ErrorCode]: K;
};

export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

/** The one error class of IntendedOps. `status` follows from `code`. */
export class IntendedOpsError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "IntendedOpsError";
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** The body of the guide's error envelope: `{"error":{"code","message","details"}}`. */
  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isIntendedOpsError(value: unknown): value is IntendedOpsError {
  return value instanceof IntendedOpsError;
}

/**
 * zod issues → the guide's `details: [{path, message}]`. An unknown field becomes one detail per
 * field, with the field in its path, so a client can point at `dataElements`' misspelling itself.
 */
export function zodIssues(error: ZodError, pathPrefix: (string | number)[] = []): ValidationIssue[] {
  return error.issues.flatMap((issue) => {
    const path = [...pathPrefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...path, key], message: "Unknown field" }));
    }
    return [{ path, message: issue.message }];
  });
}

/** The guide's message format: `type: Intent type is required; agentId: Agent ID is required`. */
export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** A VALIDATION_ERROR from a zod failure, shaped exactly as the guide shows. */
export function validationError(error: ZodError, pathPrefix: (string | number)[] = []): IntendedOpsError {
  const details = zodIssues(error, pathPrefix);
  return new IntendedOpsError("VALIDATION_ERROR", formatIssues(details), details);
}
