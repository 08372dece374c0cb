import { ERROR_STATUS, type ErrorCode, IntendedOpsError, isIntendedOpsError } from "@intendedops/core";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";

const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = Object.fromEntries(
  // First code per status wins, so 400 → VALIDATION_ERROR and 404 → NOT_FOUND.
  Object.entries(ERROR_STATUS)
    .reverse()
    .map(([code, status]) => [status, code as ErrorCode]),
);

/** Map anything thrown to an IntendedOpsError; unknown failures become INTERNAL_ERROR without internals. */
export function toIntendedOpsError(error: unknown, requestId: string): IntendedOpsError {
  if (isIntendedOpsError(error) && error.code !== "INTERNAL_ERROR") return error;
  if (error instanceof HTTPException && error.status < 500) {
    const code = CODE_BY_STATUS[error.status] ?? "VALIDATION_ERROR";
    return new IntendedOpsError(code, error.message || code);
  }
  return new IntendedOpsError("INTERNAL_ERROR", "Internal server error", { requestId });
}

/** True when the error is ours to show the client, false when it must be logged as a fault. */
export function isExpectedError(error: unknown): boolean {
  return (
    (isIntendedOpsError(error) && error.status < 500) ||
    (error instanceof HTTPException && error.status < 500)
  );
}

/**
 * The answer to anything a request threw: its status and the guide's error envelope. Faults (not
 * the client's doing) are logged with the request id the client gets, without reaching the client.
 */
export function errorAnswer(
  thrown: unknown,
  requestId: string,
  logger: Logger,
): { status: number; payload: ReturnType<IntendedOpsError["toJSON"]> } {
  const error = toIntendedOpsError(thrown, requestId);
  if (error.code === "SERVICE_UNAVAILABLE") {
    // The database was unreachable or busy past its timeout: a condition to watch, not a bug.
    logger.warn({ err: thrown, requestId }, "service unavailable: answered 503, retry shortly");
  } else if (!isExpectedError(thrown)) logger.error({ err: thrown, requestId }, "unhandled error");
  return { status: error.status, payload: error.toJSON() };
}
