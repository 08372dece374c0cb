import { IntendedOpsError } from "@intendedops/core";
import type { InsertResult } from "kysely";

/**
 * True when an `insert … on conflict do nothing` wrote its row. Conflicts are detected this way
 * rather than by catching the unique violation because a failed statement aborts the whole
 * transaction on PostgreSQL but not on SQLite; this keeps both dialects alike.
 */
export const inserted = (result: InsertResult): boolean => result.numInsertedOrUpdatedRows === 1n;

export const conflict = (message: string, details?: unknown): IntendedOpsError =>
  new IntendedOpsError("CONFLICT", message, details);
