import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  amountField,
  currencyField,
  dateField,
  dateOrderOk,
  emailField,
  idField,
  textField,
  urlField,
} from "./param-fields";

const issues = (schema: z.ZodType, value: unknown) => {
  const parsed = z.object({ field: schema }).safeParse({ field: value });
  return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
};

describe("param fields", () => {
  it("says Required when a required field is missing", () => {
    for (const schema of [idField("i"), amountField("a"), dateField("d"), emailField("e"), textField("t")]) {
      expect(issues(schema, undefined)).toEqual(["Required"]);
    }
  });

  it("says a too-long id or text is too long, not of the wrong type", () => {
    expect(issues(idField("i"), "c".repeat(201))).toEqual(["Must be at most 200 characters"]);
    expect(issues(textField("t", 10), "t".repeat(11))).toEqual(["Must be at most 10 characters"]);
    expect(issues(idField("i"), 5)).toEqual(["Must be a string id"]);
  });

  it("accepts the guide's values when they are well formed", () => {
    expect(issues(idField("i"), "cust_123")).toEqual([]);
    expect(issues(amountField("a"), 99.99)).toEqual([]);
    expect(issues(dateField("d"), "2026-03-31")).toEqual([]);
    expect(issues(emailField("e"), "user@example.com")).toEqual([]);
  });

  it.each([
    [idField("i"), "  ", "Must be a non-empty id"],
    [amountField("a"), 0, "Must be a positive amount"],
    [amountField("a"), "99.99", "Must be a number"],
    [dateField("d"), "2026-02-30", "Must be a date in YYYY-MM-DD form"],
    [dateField("d"), "2026-03-31T00:00:00Z", "Must be a date in YYYY-MM-DD form"],
    [emailField("e"), "user@", "Must be a valid email address"],
    [emailField("e"), "user name@example.com", "Must be a valid email address"],
    [emailField("e"), "user@example", "Must be a valid email address"],
    [emailField("e"), `${"a".repeat(250)}@x.io`, "Must be at most 254 characters"],
    [urlField("u"), "not a url", "Must be an http or https URL"],
    [urlField("u"), "javascript:alert(1)", "Must be an http or https URL"],
    [urlField("u"), "file:///etc/passwd", "Must be an http or https URL"],
    [urlField("u"), "data:text/html,hi", "Must be an http or https URL"],
    [urlField("u"), `https://example.com/${"a".repeat(2_000)}`, "Must be at most 2000 characters"],
    [currencyField(), "usd", "Must be a 3-letter ISO 4217 currency code, e.g. USD"],
  ])("explains the problem when the value is malformed (%#)", (schema, value, message) => {
    expect(issues(schema, value)).toEqual([message]);
  });

  it("accepts internationalized email addresses when they are well formed", () => {
    for (const address of [
      "josé.núñez@empresa.es",
      "ü@müller.de",
      "用户@例子.广告",
      "Pelé+tag@example.com",
      "user@example.xn--p1ai",
      "e\u0301lise@example.fr",
    ]) {
      expect(issues(emailField("e"), address), address).toEqual([]);
    }
  });

  it("accepts http and https links, in either case, when a URL param is given", () => {
    for (const link of [
      "https://files.example.com/q3.pdf?v=2#p4",
      "http://intranet.local/doc",
      "HTTPS://EXAMPLE.COM",
    ]) {
      expect(issues(urlField("u"), link), link).toEqual([]);
    }
    expect(issues(urlField("u"), undefined)).toEqual(["Required"]);
  });

  it("defaults the currency to USD when omitted", () => {
    expect(z.object({ currency: currencyField() }).parse({})).toEqual({ currency: "USD" });
  });

  it("orders any two ISO dates like the calendar does when compared", () => {
    const day = fc.date({ min: new Date("1900-01-01"), max: new Date("2999-12-31"), noInvalidDate: true });
    const dayNumber = (d: Date) => Math.floor(d.getTime() / 86_400_000);
    fc.assert(
      fc.property(day, day, (a, b) => {
        const iso = (d: Date) => d.toISOString().slice(0, 10);
        expect(dateOrderOk(iso(a), iso(b))).toBe(dayNumber(a) <= dayNumber(b));
      }),
    );
  });
});
