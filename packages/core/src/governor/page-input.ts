import type { PageRequest } from "../storage/storage-port";
import type { PageInput } from "./governor-types";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 500;

/** Fill defaults and clamp to sane bounds, so a store never sees page 0 or an unbounded page. */
export function toPageRequest(input: PageInput = {}): PageRequest {
  const page = Number.isSafeInteger(input.page) && (input.page ?? 0) >= 1 ? (input.page as number) : 1;
  const size = Number.isSafeInteger(input.pageSize) ? (input.pageSize as number) : DEFAULT_PAGE_SIZE;
  return { page, pageSize: Math.min(Math.max(size, 1), MAX_PAGE_SIZE) };
}
