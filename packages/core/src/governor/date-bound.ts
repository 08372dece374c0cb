import { z } from "zod";
import { formatIssues, IntendedOpsError, type ValidationIssue } from "../errors";

/** A calendar date, leap years included (zod's ISO checks, not a hand-written calendar). */
const ISO_DATE = z.iso.date();
/** An RFC 3339 date-time; `local` also admits one without a zone, which we read as UTC. */
const ISO_DATE_TIME = z.iso.datetime({ offset: true, local: true });
const HAS_ZONE = /(?:Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;
/** A fraction of a second with a non-zero digit past the millisecond (`.1235`, not `.1230`). */
const SUB_MILLISECOND = /\.\d{3}\d*[1-9]/;
/** The instants an ISO string with a four-digit year can name: every stored timestamp lies between. */
const EARLIEST = Date.parse("0000-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

/** What a bound must be, for error messages that follow the parameter's name. */
export const DATE_BOUND_RULE =
  "must be a real calendar date (YYYY-MM-DD) or an ISO 8601 date-time such as 2024-01-15T10:30:00Z";

/**
 * A date filter (audit `fromDate`/`toDate`, intents' `createdFrom`/`createdBefore`) as the ISO
 * timestamp the stores compare as strings, or undefined when it is not a real calendar date
 * (`YYYY-MM-DD`) or an RFC 3339 date-time (`2024-01-15T10:30:00Z`, `…+02:00`). A bare date covers
 * its whole UTC day (`start` at 00:00, `end` at 23:59:59.999); a date-time without a zone is UTC,
 * never the server's local time, so the answer does not depend on where the server runs. Stored
 * timestamps have no digits past the millisecond, so a bound that has some is moved to the
 * millisecond that selects the same events: down for an end, up for a start.
 * @example parseDateBound("2024-01-15", "end") // "2024-01-15T23:59:59.999Z"
 */
export function parseDateBound(value: string, edge: "start" | "end"): string | undefined {
  if (ISO_DATE.safeParse(value).success) {
    const midnight = Date.parse(`${value}T00:00:00Z`);
    return new Date(edge === "start" ? midnight : midnight + DAY_MS - 1).toISOString();
  }
  if (!ISO_DATE_TIME.safeParse(value).success) return undefined;
  const parsed = Date.parse(HAS_ZONE.test(value) ? value : `${value}Z`);
  if (Number.isNaN(parsed)) return undefined;
  // Date.parse drops digits past the millisecond. For an end that is right (…00.1235 takes in an
  // event at …00.123), but a start (and `createdBefore`, read as one) must move to the next
  // millisecond: an event at …00.123 lies before …00.1235.
  const time = edge === "start" && SUB_MILLISECOND.test(value) ? parsed + 1 : parsed;
  // An offset can carry an instant past year 9999 or before year 0 (9999-12-31T23:59:59-01:00),
  // which toISOString writes with a six-digit year ("+010000-…") that sorts before every stored
  // timestamp as text and fails the governor's own check of the bound. The nearest four-digit
  // instant compares the same way with every stored timestamp.
  return new Date(Math.min(Math.max(time, EARLIEST), LATEST)).toISOString();
}

/**
 * A filter with each named date field normalized by `parseDateBound` at its edge, or one
 * VALIDATION_ERROR naming every field that does not parse. Absent fields stay absent.
 * @example normalizeDateBounds({ fromDate: "2024-01-15" }, { fromDate: "start", toDate: "end" })
 */
export function normalizeDateBounds<F extends object>(
  filter: F,
  edges: Partial<Record<keyof F & string, "start" | "end">>,
): F {
  const normalized = { ...filter } as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const [field, edge] of Object.entries(edges) as [string, "start" | "end"][]) {
    const value = normalized[field];
    if (typeof value !== "string") continue;
    const bound = parseDateBound(value, edge);
    if (bound === undefined) issues.push({ path: [field], message: `${field} ${DATE_BOUND_RULE}` });
    else normalized[field] = bound;
  }
  if (issues.length > 0) throw new IntendedOpsError("VALIDATION_ERROR", formatIssues(issues), issues);
  return normalized as F;
}
