import { IntendedOpsError, type Page, type PageRequest } from "@intendedops/core";

/** LIMIT/OFFSET of a 1-based page; rejects pages that would make invalid SQL. */
export function pageWindow(request: PageRequest): { limit: number; offset: number } {
  if (!Number.isSafeInteger(request.page) || request.page < 1) {
    throw new IntendedOpsError("VALIDATION_ERROR", "page must be a positive integer", [
      { path: ["page"], message: "page must be a positive integer" },
    ]);
  }
  if (!Number.isSafeInteger(request.pageSize) || request.pageSize < 1) {
    throw new IntendedOpsError("VALIDATION_ERROR", "pageSize must be a positive integer", [
      { path: ["pageSize"], message: "pageSize must be a positive integer" },
    ]);
  }
  return { limit: request.pageSize, offset: (request.page - 1) * request.pageSize };
}

export function toPage<T>(items: T[], total: number, request: PageRequest): Page<T> {
  return { items, total, page: request.page, pageSize: request.pageSize };
}
