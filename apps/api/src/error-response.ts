import { ERROR_STATUS, type ErrorCode, IntendedOpsError, isIntendedOpsError } from "@intendedops/core";
import { HTTPException } from "hono/http-exception";

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
