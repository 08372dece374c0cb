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

/** A page's rows read from one end of the list: `asc` reads from the end, the rows then reversed. */
export interface ListWindow {
  limit: number;
  offset: number;
  order: "asc" | "desc";
}

/**
 * Where to read a page of a newest-first list of `total` rows: from the front (`desc`), or, past
 * the middle, from the back (`asc`, then reversed), so that no page skips more than half the list.
 * OFFSET visits every row it skips: the last page of 400,000 intents took 150–270 ms on PostgreSQL
 * read from the front. `undefined` when the page lies past the end (nothing to read at all).
 */
export function nearerEnd(window: { limit: number; offset: number }, total: number): ListWindow | undefined {
  const { limit, offset } = window;
  if (offset >= total) return undefined;
  const fromBack = Math.max(0, total - offset - limit);
  return fromBack < offset
    ? { limit: Math.min(limit, total - offset), offset: fromBack, order: "asc" }
    : { limit, offset, order: "desc" };
}

/** The page's rows newest first, whichever end they were read from. */
export function inListOrder<T>(rows: T[], window: ListWindow | undefined): T[] {
  return window?.order === "asc" ? rows.reverse() : rows;
}

export function toPage<T>(items: T[], total: number, request: PageRequest): Page<T> {
  return { items, total, page: request.page, pageSize: request.pageSize };
}
