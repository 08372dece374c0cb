import { describe, expect, it } from "vitest";
import { IntendedOpsError } from "../errors";
import { compileCondition, deepEqual } from "./condition-compiler";
import type { Condition } from "./policy-schema";

const test = (condition: Condition, params: Record<string, unknown>): boolean =>
  compileCondition(condition).test(params);

const params = {
  amount: 750,
  currency: "USD",
  closeDate: "2026-03-31",
  privileged: true,
  note: null,
  customer: { tier: "enterprise", region: "eu", tags: ["vip"] },
  scope: ["engineering", "finance"],
};

describe("compileCondition", () => {
  describe("eq / neq", () => {
    it("compares primitives strictly when the field is present", () => {
      expect(test({ field: "currency", op: "eq", value: "USD" }, params)).toBe(true);
      expect(test({ field: "amount", op: "eq", value: "750" }, params)).toBe(false);
      expect(test({ field: "privileged", op: "eq", value: true }, params)).toBe(true);
      expect(test({ field: "currency", op: "neq", value: "EUR" }, params)).toBe(true);
    });

    it("follows dot paths into nested objects", () => {
      expect(test({ field: "customer.tier", op: "eq", value: "enterprise" }, params)).toBe(true);
    });

    it("compares arrays and objects structurally", () => {
      expect(test({ field: "scope", op: "eq", value: ["engineering", "finance"] }, params)).toBe(true);
      expect(test({ field: "scope", op: "eq", value: ["finance", "engineering"] }, params)).toBe(false);
      expect(test({ field: "customer", op: "neq", value: { tier: "enterprise" } }, params)).toBe(true);
    });

    it("treats a missing field as unequal when the field is absent", () => {
      expect(test({ field: "missing", op: "eq", value: "x" }, params)).toBe(false);
      expect(test({ field: "missing", op: "neq", value: "x" }, params)).toBe(true);
      expect(test({ field: "customer.missing.deeper", op: "eq", value: 1 }, params)).toBe(false);
    });

    it("never reads inherited properties when the path names a prototype member", () => {
      expect(test({ field: "constructor", op: "exists" }, params)).toBe(false);
      expect(test({ field: "customer.__proto__", op: "exists" }, params)).toBe(false);
      expect(test({ field: "amount.toFixed", op: "exists" }, params)).toBe(false);
    });
  });

  describe("gt / gte / lt / lte", () => {
    it("orders numbers when both sides are numbers", () => {
      expect(test({ field: "amount", op: "gt", value: 500 }, params)).toBe(true);
      expect(test({ field: "amount", op: "gt", value: 750 }, params)).toBe(false);
      expect(test({ field: "amount", op: "gte", value: 750 }, params)).toBe(true);
      expect(test({ field: "amount", op: "lt", value: 750 }, params)).toBe(false);
      expect(test({ field: "amount", op: "lte", value: 750 }, params)).toBe(true);
    });

    it("orders strings lexicographically when both sides are strings (ISO dates)", () => {
      expect(test({ field: "closeDate", op: "lt", value: "2026-04-01" }, params)).toBe(true);
      expect(test({ field: "closeDate", op: "gte", value: "2026-04-01" }, params)).toBe(false);
    });

    it("is false for every operator when the types differ", () => {
      for (const op of ["gt", "gte", "lt", "lte"] as const) {
        expect(test({ field: "amount", op, value: "500" }, params)).toBe(false);
        expect(test({ field: "currency", op, value: 1 }, params)).toBe(false);
        expect(test({ field: "privileged", op, value: 0 }, params)).toBe(false);
      }
    });

    it("is false for every operator when the field is missing or null", () => {
      for (const op of ["gt", "gte", "lt", "lte"] as const) {
        expect(test({ field: "missing", op, value: 0 }, params)).toBe(false);
        expect(test({ field: "note", op, value: 0 }, params)).toBe(false);
      }
    });
  });

  describe("in / not_in", () => {
    it("tests membership when the field holds a listed value", () => {
      expect(test({ field: "currency", op: "in", value: ["USD", "EUR"] }, params)).toBe(true);
      expect(test({ field: "currency", op: "in", value: ["GBP"] }, params)).toBe(false);
      expect(test({ field: "currency", op: "not_in", value: ["GBP"] }, params)).toBe(true);
      expect(test({ field: "scope", op: "in", value: [["engineering", "finance"]] }, params)).toBe(true);
    });

    it("does not coerce types when the listed value has another type", () => {
      expect(test({ field: "amount", op: "in", value: ["750"] }, params)).toBe(false);
    });

    it("treats a missing field as not a member when the field is absent", () => {
      expect(test({ field: "missing", op: "in", value: ["x"] }, params)).toBe(false);
      expect(test({ field: "missing", op: "not_in", value: ["x"] }, params)).toBe(true);
    });
  });

  describe("exists", () => {
    it("is true for present non-null fields and false for missing or null ones", () => {
      expect(test({ field: "amount", op: "exists" }, params)).toBe(true);
      expect(test({ field: "privileged", op: "exists", value: true }, params)).toBe(true);
      expect(test({ field: "missing", op: "exists" }, params)).toBe(false);
      expect(test({ field: "note", op: "exists" }, params)).toBe(false);
    });

    it("inverts when value is false", () => {
      expect(test({ field: "missing", op: "exists", value: false }, params)).toBe(true);
      expect(test({ field: "amount", op: "exists", value: false }, params)).toBe(false);
    });
  });

  describe("matches", () => {
    it("tests strings against the regular expression when the field is a string", () => {
      expect(test({ field: "customer.region", op: "matches", value: "^(eu|uk)$" }, params)).toBe(true);
      expect(test({ field: "currency", op: "matches", value: "^EU" }, params)).toBe(false);
    });

    it("is false when the field is not a string or is missing", () => {
      expect(test({ field: "amount", op: "matches", value: "7" }, params)).toBe(false);
      expect(test({ field: "missing", op: "matches", value: ".*" }, params)).toBe(false);
    });
  });

  describe("all / any / not", () => {
    const big = { field: "amount", op: "gt", value: 500 } as const;
    const eur = { field: "currency", op: "eq", value: "EUR" } as const;

    it("requires every part when combined with all", () => {
      expect(test({ all: [big, eur] }, params)).toBe(false);
      expect(test({ all: [big, { not: eur }] }, params)).toBe(true);
    });

    it("requires one part when combined with any", () => {
      expect(test({ any: [big, eur] }, params)).toBe(true);
      expect(test({ any: [eur, { field: "missing", op: "exists" }] }, params)).toBe(false);
    });

    it("negates when wrapped in not", () => {
      expect(test({ not: big }, params)).toBe(false);
      expect(test({ not: { not: big } }, params)).toBe(true);
    });

    it("renders a readable text for the explain trace", () => {
      expect(compileCondition({ all: [big, { not: eur }] }).text).toBe(
        '(amount > 500 and not (currency == "EUR"))',
      );
    });
  });

  describe("validation", () => {
    const expectInvalid = (condition: unknown, path: (string | number)[]) => {
      try {
        compileCondition(condition as Condition);
        expect.unreachable("compile should throw");
      } catch (error) {
        expect(error).toBeInstanceOf(IntendedOpsError);
        const e = error as IntendedOpsError;
        expect(e.code).toBe("VALIDATION_ERROR");
        expect((e.details as { path: unknown }[])[0]?.path).toEqual(path);
      }
    };

    it("rejects operator values of the wrong kind when compiling", () => {
      expectInvalid({ field: "amount", op: "gt", value: true }, ["match", "params", "value"]);
      expectInvalid({ field: "amount", op: "in", value: "USD" }, ["match", "params", "value"]);
      expectInvalid({ field: "amount", op: "eq" }, ["match", "params", "value"]);
      expectInvalid({ field: "amount", op: "exists", value: "yes" }, ["match", "params", "value"]);
      expectInvalid({ all: [{ field: "a..b", op: "exists" }] }, ["match", "params", "all", 0, "field"]);
    });

    it("rejects invalid and over-long regular expressions when compiling", () => {
      expectInvalid({ field: "x", op: "matches", value: "([a-z]" }, ["match", "params", "value"]);
      expectInvalid({ field: "x", op: "matches", value: "(?=x)y" }, ["match", "params", "value"]);
      expectInvalid({ field: "x", op: "matches", value: "x".repeat(300) }, ["match", "params", "value"]);
    });

    it("rejects conditions nested too deeply when compiling", () => {
      let deep: Condition = { field: "x", op: "exists" };
      for (let i = 0; i < 40; i++) deep = { not: deep };
      expect(() => compileCondition(deep)).toThrow(/nest deeper/);
    });
  });
});

describe("matches", () => {
  const matches = (pattern: string, input: unknown) =>
    compileCondition({ field: "x", op: "matches", value: pattern }).test({ x: input });

  it("runs in linear time on patterns that backtrack catastrophically in V8", () => {
    // Each of these takes seconds or more on V8's engine with inputs this long.
    const slow = ["^a*a*a*a*a*a*a*a*a*a*b$", "^(a+)+$", "(a?)*b", "^(\\w?)+$", "^(?:a?){26}a{26}$"];
    const input = "a".repeat(5_000);
    for (const pattern of slow) expect(typeof matches(pattern, input)).toBe("boolean");
    expect(matches("^(a+)+$", input)).toBe(true);
    expect(matches("^a*a*a*a*a*a*a*a*a*a*b$", input)).toBe(false);
  });

  it("reads JavaScript syntax: escapes, classes, anchors, named groups, inline flags", () => {
    expect(matches("^caf\\u00e9$", "café")).toBe(true);
    expect(matches("^\\d{3}-\\d{4}$", "555-1234")).toBe(true);
    expect(matches("^[^@]+@acme\\.com$", "jo@acme.com")).toBe(true);
    expect(matches("^(?<year>\\d{4})-", "2026-12")).toBe(true);
    expect(matches("(?i)^ACME", "acme corp")).toBe(true);
    expect(matches("^a/b$", "a/b")).toBe(true);
    expect(matches("refund", 42)).toBe(false);
  });

  it("refuses lookaround and backreferences, which have no linear-time form", () => {
    for (const pattern of ["(?=a)b", "(?<!a)b", "(a)\\1"]) {
      expect(() => compileCondition({ field: "x", op: "matches", value: pattern })).toThrow(
        /Invalid regular expression/,
      );
    }
  });
});

describe("deepEqual", () => {
  it("compares nested JSON values when they have the same shape", () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
  });
});
