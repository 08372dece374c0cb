import { IntendedOpsError } from "@intendedops/core";

/**
 * What a PostgreSQL connection sends at start-up, and what a pooler in front of the server makes of
 * it. PgBouncer refuses every start-up parameter it does not know (`statement_timeout`, `options`)
 * unless listed in its `ignore_startup_parameters`, and then drops it.
 */

/** A query parameter's name or value as pg reads it (URLSearchParams: `+` is a space). */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/**
 * Takes `statement_timeout` out of a PostgreSQL URL, as the store's statement timeout in ms. pg
 * sends a URL's `statement_timeout` as a start-up parameter even when it is 0, so `?statement_timeout=0`
 * (no limit) still failed the start behind PgBouncer; lifted, 0 sends nothing. The query is read as
 * pg reads it (names and values percent-decoded), and every occurrence is taken out: one left behind
 * would still be sent. Repeats must agree. The value is whole milliseconds, as the pool applies it
 * (pg read "30s" as 30 ms, so units are refused).
 */
export function liftStatementTimeout(url: string): { url: string; statementTimeoutMs?: number } {
  const queryAt = url.indexOf("?");
  if (queryAt < 0) return { url };
  const fragmentAt = url.indexOf("#", queryAt);
  const queryEnd = fragmentAt < 0 ? url.length : fragmentAt;
  const kept: string[] = [];
  const values = new Set<string>();
  for (const part of url.slice(queryAt + 1, queryEnd).split("&")) {
    const equals = part.indexOf("=");
    const name = decoded(equals < 0 ? part : part.slice(0, equals));
    if (name === "statement_timeout") values.add(equals < 0 ? "" : decoded(part.slice(equals + 1)));
    else if (part !== "") kept.push(part);
  }
  if (values.size === 0) return { url };
  const [value] = values;
  if (values.size > 1 || value === undefined || !/^\d{1,10}$/.test(value) || Number(value) > 2_147_483_647) {
    throw new IntendedOpsError(
      "VALIDATION_ERROR",
      "statement_timeout in the database URL must be whole milliseconds (0 for no limit), without a unit, and given once",
      [{ path: ["url"], message: "Invalid statement_timeout" }],
    );
  }
  const query = kept.length > 0 ? `?${kept.join("&")}` : "";
  return { url: url.slice(0, queryAt) + query + url.slice(queryEnd), statementTimeoutMs: Number(value) };
}

/** What to do instead of each start-up parameter a pooler refuses. */
const INSTEAD: Record<string, string> = {
  statement_timeout:
    "add statement_timeout=0 to the database URL and set the limit on the role instead (ALTER ROLE … SET statement_timeout = '30s'), or list statement_timeout in PgBouncer's ignore_startup_parameters",
  options:
    "set the schema on the role instead (ALTER ROLE … SET search_path = …), and drop options from the database URL (or the store's schema option, which sends it); PgBouncer's ignore_startup_parameters would drop it silently",
};

/**
 * The refusal of a start-up parameter (PgBouncer's "unsupported startup parameter: …", SQLSTATE
 * 08P01), told what to do about it; undefined for any other error.
 */
export function refusedStartupParameter(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const parameter = /unsupported startup parameter: (\S+)/.exec(error.message)?.[1];
  if (parameter === undefined) return undefined;
  const instead =
    INSTEAD[parameter] ??
    `drop ${parameter} from the database URL, or list it in PgBouncer's ignore_startup_parameters`;
  return new Error(
    `${error.message} (a connection pooler such as PgBouncer refuses start-up parameters it does not know: ${instead})`,
    { cause: error },
  );
}
