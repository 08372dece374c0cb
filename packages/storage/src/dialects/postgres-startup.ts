import { IntendedOpsError } from "@intendedops/core";

/**
 * What a PostgreSQL connection sends at start-up, and what a pooler in front of the server makes of
 * it. PgBouncer refuses every start-up parameter it does not know (`statement_timeout`, `options`)
 * unless listed in its `ignore_startup_parameters`, and then drops it.
 */

const STATEMENT_TIMEOUT_PARAMETER = /([?&])statement_timeout=([^&#]*)&?/;

/**
 * Takes `statement_timeout` out of a PostgreSQL URL, as the store's statement timeout in ms. pg
 * sends a URL's `statement_timeout` as a start-up parameter even when it is 0, so `?statement_timeout=0`
 * (no limit) still failed the start behind PgBouncer; lifted, 0 sends nothing. The value is whole
 * milliseconds, as the pool applies it (pg reads "30s" as 30 ms, so units are refused).
 */
export function liftStatementTimeout(url: string): { url: string; statementTimeoutMs?: number } {
  const found = STATEMENT_TIMEOUT_PARAMETER.exec(url);
  if (!found) return { url };
  const [whole, separator, value] = found as unknown as [string, string, string];
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2_147_483_647) {
    throw new IntendedOpsError(
      "VALIDATION_ERROR",
      "statement_timeout in the database URL must be whole milliseconds (0 for no limit), without a unit",
      [{ path: ["url"], message: "Invalid statement_timeout" }],
    );
  }
  // `?a=1&statement_timeout=5&b=2` → `?a=1&b=2`; `?statement_timeout=5&b=2` → `?b=2`; `?statement_timeout=5` → ``.
  const rest = whole.endsWith("&") ? separator : "";
  const lifted = url.slice(0, found.index) + rest + url.slice(found.index + whole.length);
  return { url: lifted.replace(/[?&]$/, ""), statementTimeoutMs: Number(value) };
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
