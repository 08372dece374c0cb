import { z } from "zod";

/**
 * Building blocks for intent-type params schemas, so every domain package spells ids,
 * money, currencies, dates and emails the same way (and their errors read the same).
 */

/** A zod error map: "Required" for a missing value, `text` otherwise. */
const requiredOr = (text: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "Required" : text;

/** A non-empty identifier, e.g. `cust_123`. */
export function idField(description: string) {
  // Length messages are explicit: zod 4 answers an over-long value with the type-level message.
  return z
    .string({ error: requiredOr("Must be a string id") })
    .trim()
    .min(1, "Must be a non-empty id")
    .max(200, "Must be at most 200 characters")
    .describe(description);
}

/** A positive money amount in the currency's major unit (`99.99` dollars). */
export function amountField(description: string) {
  return z
    .number({ error: requiredOr("Must be a number") })
    .positive("Must be a positive amount")
    .describe(description);
}

/** An ISO 4217 currency code, default `USD`. */
export function currencyField() {
  return z
    .string({ error: "Must be a 3-letter ISO 4217 currency code, e.g. USD" })
    .regex(/^[A-Z]{3}$/, "Must be a 3-letter ISO 4217 currency code, e.g. USD")
    .default("USD")
    .describe("ISO 4217 currency code of the amounts (default USD)");
}

/** A calendar date `YYYY-MM-DD`, e.g. `2026-03-31`. */
export function dateField(description: string) {
  return z.iso.date({ error: requiredOr("Must be a date in YYYY-MM-DD form") }).describe(description);
}

/** An email address. */
export function emailField(description: string) {
  return z.email({ error: requiredOr("Must be a valid email address") }).describe(description);
}

/** Free text with a sensible bound (notes, reasons, messages). */
export function textField(description: string, max = 2_000) {
  return z
    .string({ error: requiredOr("Must be text") })
    .trim()
    .min(1, "Must not be empty")
    .max(max, `Must be at most ${max} characters`)
    .describe(description);
}

/** True when `end` is absent or not before `start` (ISO dates compare as strings). */
export function dateOrderOk(start: string | undefined, end: string | undefined): boolean {
  return start === undefined || end === undefined || start <= end;
}

/** One valid and one invalid params example for an intent type (shared by package and API tests). */
export interface ParamsFixture {
  valid: Record<string, unknown>;
  invalid: Record<string, unknown>;
  /** The top-level params field the invalid example gets wrong. */
  invalidField: string;
}
