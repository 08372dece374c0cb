import { IntendedOpsError } from "../errors";

/** Cents → dollars as a number with at most two decimals, e.g. `9999` → `99.99`. */
export function centsToDollars(cents: number): number {
  assertFinite(cents, "cents");
  return Math.round(cents) / 100;
}

/**
 * Dollars → integer cents, rounding half away from zero on the third decimal, e.g. `99.99` → `9999`.
 * Binary floating point makes `1.005 * 100` 100.4999…; fixing to 6 decimals first restores the intended value.
 */
export function dollarsToCents(dollars: number): number {
  assertFinite(dollars, "dollars");
  const cents = Number.parseFloat((Math.abs(dollars) * 100).toFixed(6));
  return Math.sign(dollars) * Math.round(cents) || 0;
}

function assertFinite(value: number, field: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    const message = `${field} must be a finite number`;
    throw new IntendedOpsError("VALIDATION_ERROR", message, [{ path: [field], message }]);
  }
}

/**
 * The most an intent's value can be, in cents: the same bound as an agent's explicit report
 * (an integer the platform can add exactly), about $90 trillion.
 */
export const MAX_VALUE_CENTS = Number.MAX_SAFE_INTEGER;

/**
 * A type estimator's figure as the cents to record: rounded, capped at MAX_VALUE_CENTS (params
 * are unbounded, so `amount: 1e300` must not become 1e302 "cents" that PostgreSQL's bigint
 * refuses), or null when it is not a positive amount (nothing is recorded then).
 */
export function estimateCents(estimate: number): number | null {
  if (typeof estimate !== "number" || Number.isNaN(estimate)) return null;
  const cents = Math.min(MAX_VALUE_CENTS, Math.round(estimate));
  return cents > 0 ? cents : null;
}

/**
 * The currency of every value figure: `cents` are US cents, `valueGenerated` in `GET /v1/stats` is
 * US dollars. The platform converts no currency.
 */
export const VALUE_CURRENCY = "USD";
