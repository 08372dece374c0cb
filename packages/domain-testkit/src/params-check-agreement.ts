import { compileSchemaCheck, type DomainDefinition, NOT_PROVEN, type ParamsFixture } from "@intendedops/core";
import { describe, expect, it } from "vitest";
import type { z } from "zod";

/** Values that sit on or next to the rules params schemas use (ids, amounts, dates, lists, enums). */
const REPLACEMENTS: readonly unknown[] = [
  undefined,
  null,
  "",
  "  ",
  " padded_1 ",
  "x".repeat(201),
  "USD",
  "usd",
  "2026-02-29",
  "2028-02-29",
  "2026-03-31T10:00:00Z",
  "a@b.co",
  "https://example.com/doc",
  0,
  -1,
  0.5,
  1,
  100,
  1e9,
  true,
  false,
  [],
  ["a"],
  [""],
  {},
];

/** The valid fixture with one field dropped or replaced, and with a stray field. */
function variants(valid: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [{ ...valid, stray: 1 }];
  for (const field of Object.keys(valid)) {
    const { [field]: _dropped, ...rest } = valid;
    out.push(rest);
    for (const value of REPLACEMENTS) out.push({ ...valid, [field]: value });
  }
  return out;
}

/**
 * The catalog checks params with code compiled from each schema and falls back to zod when that code
 * cannot vouch for them. These tests hold the compiled check of every type to zod's answer.
 */
export function describeParamsCheckAgreement(
  domain: DomainDefinition,
  fixtures: Readonly<Record<string, ParamsFixture>>,
): void {
  describe.each(Object.values(domain.types).map((type) => [type.name, type.params] as const))(
    "compiled params check of %s",
    (typeName, schema: z.ZodType) => {
      const check = compileSchemaCheck(schema);
      const fixture = fixtures[typeName] as ParamsFixture;

      it("vouches for the valid fixture with zod's output, key order included", () => {
        expect(check).toBeDefined();
        const expected = schema.safeParse(fixture.valid);
        expect(expected.success).toBe(true);
        const actual = check?.(fixture.valid);
        expect(actual).toStrictEqual(expected.data);
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected.data));
      });

      it("answers zod's output or NOT_PROVEN for every variant, and never accepts what zod refuses", () => {
        for (const params of [fixture.invalid, ...variants(fixture.valid)]) {
          const expected = schema.safeParse(params);
          const actual = check?.(params);
          const label = JSON.stringify(params);
          if (!expected.success) expect(actual, label).toBe(NOT_PROVEN);
          else if (actual !== NOT_PROVEN)
            expect(JSON.stringify(actual), label).toBe(JSON.stringify(expected.data));
        }
      });
    },
  );
}
