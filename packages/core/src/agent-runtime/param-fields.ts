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

/**
 * zod's default email pattern with Unicode letters, marks and digits wherever it allows ASCII ones,
 * so internationalized addresses (RFC 6531: `josé.núñez@empresa.es`, `ü@müller.de`) pass as well as
 * punycode top-level domains (`xn--p1ai`). Still no quoted local parts or IP-literal domains.
 */
const EMAIL_PATTERN =
  /^(?:[\p{L}\p{M}\p{N}_'+-]+\.)*[\p{L}\p{M}\p{N}_'+-]*[\p{L}\p{M}\p{N}_+-]@(?:[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}-]*\.)+(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)$/iu;

/** The longest address SMTP can carry (RFC 5321's 256-octet path, less its angle brackets). */
const EMAIL_MAX_LENGTH = 254;

/** An email address, internationalized ones included. */
export function emailField(description: string) {
  const message = "Must be a valid email address";
  return z
    .email({ pattern: EMAIL_PATTERN, error: requiredOr(message) })
    .max(EMAIL_MAX_LENGTH, `Must be at most ${EMAIL_MAX_LENGTH} characters`)
    .describe(description);
}

/** The longest link a params field takes: links are stored with the intent and shown to approvers. */
const URL_MAX_LENGTH = 2_000;

/**
 * An `http:` or `https:` link, e.g. `https://files.example.com/q3.pdf`. Other schemes
 * (`javascript:`, `file:`, `data:`) are refused: an approver or a downstream system may open it.
 */
export function urlField(description: string) {
  const message = "Must be an http or https URL";
  return z
    .url({ protocol: /^https?$/, error: requiredOr(message) })
    .max(URL_MAX_LENGTH, `Must be at most ${URL_MAX_LENGTH} characters`)
    .describe(description);
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
