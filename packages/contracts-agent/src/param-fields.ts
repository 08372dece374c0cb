import { z } from "zod";

/** A non-empty identifier such as `vendor_123`. */
export const id = (description: string) => z.string().min(1, "Must not be empty").describe(description);

/** A money amount in the currency's major unit (99.99 means $99.99). */
export const money = (description: string) =>
  z.number().positive("Must be greater than 0").describe(description);

/** ISO 4217 currency code; amounts are compared to thresholds in this currency without conversion. */
export const currency = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, "Must be a three-letter ISO 4217 code such as USD")
    .default("USD")
    .describe("ISO 4217 currency code of the amounts (default USD)");

/** A calendar date `YYYY-MM-DD`. */
export const isoDate = (description: string) =>
  z.iso.date("Must be a date in YYYY-MM-DD format").describe(description);
