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
} from "../agent-runtime/param-fields";
import { createCatalog } from "../catalog/catalog";
import { defineDomain, defineIntentType } from "../catalog/intent-type";
import {
  CompleteIntentInputSchema,
  FailIntentInputSchema,
  IntentionPatchSchema,
  RejectApprovalInputSchema,
  SetTrustInputSchema,
  SimulateInputSchema,
} from "../governor/governor-inputs";
import { IntentionInputSchema } from "../intentions/intention-schema";
import { RegisterAgentInputSchema } from "../model/agent";
import { CreateIntentInputSchema } from "../model/intent";
import { PolicyInputSchema } from "../policy/policy-schema";
import { type CompiledSchemaCheck, compileSchemaCheck, NOT_PROVEN } from "./compiled-check";

/** Schemas covering every construct the compiler knows, and some it hands back to zod. */
const SCHEMAS = {
  fields: z
    .object({
      id: idField("id"),
      amount: amountField("amount"),
      currency: currencyField(),
      due: dateField("due").optional(),
      email: emailField("email").optional(),
      memo: textField("memo", 20).optional(),
    })
    .strict(),
  numbers: z
    .object({
      count: z.number().int().min(5).max(480).default(30),
      ratio: z.number().gte(0).lt(1).optional(),
      level: z.number().positive().nullable(),
    })
    .strict(),
  choices: z
    .object({
      kind: z.enum(["a", "b", "c"]).default("a"),
      flag: z.boolean().default(true),
      exact: z.literal("yes").optional(),
      upper: z.string().toUpperCase().length(3).optional(),
    })
    .strict(),
  lists: z
    .object({
      tags: z.array(z.string().trim().min(1).max(5)).max(3).default([]),
      people: z
        .array(z.object({ name: z.string().min(1), email: z.email() }).strict())
        .min(1)
        .max(3),
    })
    .strict()
    .refine((p) => new Set(p.people.map((x) => x.email)).size === p.people.length),
  ranges: z
    .object({ start: z.iso.date().optional(), end: z.iso.date().optional(), at: z.iso.datetime().optional() })
    .strict()
    .refine((p) => dateOrderOk(p.start, p.end), { message: "end before start", path: ["end"] }),
  stripped: z.object({ a: z.string(), b: z.number().optional() }),
  handedToZod: z
    .object({
      link: z.url().optional(),
      either: z.union([z.string(), z.number()]).optional(),
      doubled: z
        .number()
        .transform((n) => n * 2)
        .optional(),
      later: z.string().default("x").optional(),
      nested: z.object({ x: z.number() }).passthrough().optional(),
      odd: z.number().multipleOf(3).optional(),
    })
    .strict(),
  record: z
    .object({ params: z.record(z.string(), z.unknown()).default({}), extra: z.unknown().optional() })
    .strict(),
  superRefined: z
    .object({ either: z.union([z.string(), z.number()]), later: z.string().optional() })
    .strict()
    .superRefine((p, ctx) => {
      if (p.either === "bad") ctx.addIssue({ code: "custom", message: "bad" });
    }),
} as const;

/** One valid params object per schema, for the generator to start from. */
const VALID: Record<keyof typeof SCHEMAS, Record<string, unknown>> = {
  fields: { id: "cust_1", amount: 5, due: "2026-02-28", email: "a@b.co", memo: " a " },
  numbers: { count: 6, ratio: 0.5, level: null },
  choices: { kind: "b", flag: false, exact: "yes", upper: "usd" },
  lists: { tags: [" b ", "c"], people: [{ name: "n", email: "a@b.co" }] },
  ranges: { start: "2026-02-28", end: "2026-03-31", at: "2026-03-31T10:00:00Z" },
  stripped: { a: "a", b: 1, c: 2 },
  handedToZod: { link: "https://example.com/x", either: 3, doubled: 1, later: "y", nested: { x: 1 }, odd: 3 },
  record: { params: { a: 1, b: { c: [2] } }, extra: [1] },
  superRefined: { either: "a", later: "b" },
};

/** Core's request bodies, each with a valid example, all checked through their compiled checks. */
const BODIES: [string, z.ZodType, Record<string, unknown>][] = [
  [
    "CreateIntentInput",
    CreateIntentInputSchema,
    {
      type: "billing.send_invoice",
      domain: "billing",
      agentId: "billing-agent",
      params: { customerId: "c", amount: 5 },
      description: "d",
      idempotencyKey: "k",
      intention: "invoicing",
      dataElements: [{ dataSourceId: "stripe", path: "Customer.Name" }],
    },
  ],
  [
    "SimulateInput",
    SimulateInputSchema,
    { type: "billing.send_invoice", agentId: "a", agent: { trustTier: "T2", domains: ["billing"] } },
  ],
  [
    "PolicyInput",
    PolicyInputSchema,
    {
      name: " Big invoices ",
      effect: "require_approval",
      match: {
        types: ["billing.*"],
        tiers: { max: "T2" },
        params: { field: "amount", op: "gt", value: 100 },
      },
      approval: { approvers: 2 },
    },
  ],
  [
    "IntentionInput",
    IntentionInputSchema,
    { label: "invoicing", intent_class: "write", intent_types: ["billing.*"], description: null },
  ],
  [
    "IntentionPatch",
    IntentionPatchSchema,
    { display_name: " Invoicing ", ttl_minutes: 30, description: null },
  ],
  ["RegisterAgentInput", RegisterAgentInputSchema, { name: " Billing Agent ", domains: ["billing"] }],
  ["CompleteIntentInput", CompleteIntentInputSchema, { result: { sent: true }, value: { cents: 100 } }],
  ["FailIntentInput", FailIntentInputSchema, { error: " timeout " }],
  ["RejectApprovalInput", RejectApprovalInputSchema, { reason: " no " }],
  ["SetTrustInput", SetTrustInputSchema, { tier: "T3", reason: "earned" }],
];

/** Values chosen to sit on and around the rules above (and some that no schema accepts). */
const INTERESTING: unknown[] = [
  "",
  " ",
  "a",
  " cust_1 ",
  "x".repeat(25),
  "USD",
  "usd",
  "abc",
  "yes",
  "bad",
  "2026-02-28",
  "2026-02-29",
  "2024-02-29",
  "2026-13-01",
  "2026-03-31T10:00:00Z",
  "a@b.co",
  "not an email",
  "https://example.com/x",
  "ftp:/nope",
  0,
  -0,
  -1,
  0.5,
  1,
  3,
  5,
  6,
  30,
  480,
  481,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  null,
  undefined,
  [],
  ["a"],
  [" b ", "c"],
  ["a", "b", "c", "d"],
  [{ name: "n", email: "a@b.co" }],
  [
    { name: "n", email: "a@b.co" },
    { name: "m", email: "a@b.co" },
  ],
  [{ name: "n", email: "a@b.co", extra: 1 }],
  {},
  { x: 1 },
  { x: 1, y: 2 },
];

const interesting = fc.constantFrom(...INTERESTING);

/**
 * Params to try: the valid example with keys dropped or set to interesting values (a stray key now
 * and then), objects of interesting values under the example's keys, and non-objects.
 */
function candidates(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = [...Object.keys(valid), "stray"];
  const key = fc.constantFrom(...keys);
  const mutated = fc
    .tuple(fc.uniqueArray(key, { maxLength: 3 }), fc.dictionary(key, interesting, { maxKeys: 2 }))
    .map(([dropped, changed]) => {
      const params: Record<string, unknown> = { ...valid, ...changed };
      for (const name of dropped) delete params[name];
      return params;
    });
  const objects = fc.dictionary(key, interesting, { maxKeys: keys.length });
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 3, arbitrary: objects },
    { weight: 1, arbitrary: interesting },
  );
}

/** The compiled check must answer zod's data, key order included, or NOT_PROVEN; never accept what zod refuses. */
function expectAgreement(schema: z.ZodType, check: CompiledSchemaCheck, input: unknown): boolean {
  const expected = schema.safeParse(input);
  const actual = check(input);
  if (!expected.success) {
    expect(actual).toBe(NOT_PROVEN);
    return false;
  }
  if (actual === NOT_PROVEN) return false;
  expect(actual).toStrictEqual(expected.data);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected.data));
  return true;
}

function compiled(schema: z.ZodType): CompiledSchemaCheck {
  const check = compileSchemaCheck(schema);
  if (!check) throw new Error("expected the schema to compile");
  return check;
}

describe("compileSchemaCheck", () => {
  describe.each(Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[])("%s", (name) => {
    const schema: z.ZodType = SCHEMAS[name];
    it("answers what zod answers, or NOT_PROVEN, for generated params", () => {
      const check = compiled(schema);
      expect(expectAgreement(schema, check, VALID[name])).toBe(true);
      let vouched = 0;
      fc.assert(
        fc.property(candidates(VALID[name]), (input) => {
          if (expectAgreement(schema, check, input)) vouched += 1;
        }),
        { numRuns: 3_000 },
      );
      // The property alone would pass for a check that never vouches; this one must do real work.
      expect(vouched).toBeGreaterThan(0);
    });
  });

  describe.each(BODIES)("request body %s", (_name, schema, valid) => {
    it("answers what zod answers, or NOT_PROVEN, for generated bodies", () => {
      const check = compiled(schema);
      expect(expectAgreement(schema, check, valid)).toBe(true);
      fc.assert(
        fc.property(candidates(valid), (input) => {
          expectAgreement(schema, check, input);
        }),
        { numRuns: 1_000 },
      );
    });
  });

  it("copies a record of unknown values, and leaves odd records to zod", () => {
    const check = compiled(SCHEMAS.record);
    const params = { a: 1 };
    const output = check({ params }) as { params: object };
    expect(output.params).toEqual({ a: 1 });
    expect(output.params).not.toBe(params);
    expect(check({ params: Object.assign(Object.create(null), { a: 1 }) })).toBe(NOT_PROVEN);
    expect(check({ params: { [Symbol("s")]: 1 } })).toBe(NOT_PROVEN);
    expect(check({ params: JSON.parse('{"__proto__": {"x": 1}}') })).toBe(NOT_PROVEN);
  });

  it("vouches for valid params with the schema's defaults filled in, in shape order", () => {
    const check = compiled(SCHEMAS.fields);
    const output = check({ amount: 99.99, id: " cust_1 " });
    expect(output).toStrictEqual({ id: "cust_1", amount: 99.99, currency: "USD" });
    expect(Object.keys(output as object)).toEqual(["id", "amount", "currency"]);
  });

  it("gives each call its own copy of an array default, as zod does", () => {
    const check = compiled(SCHEMAS.lists);
    const people = [{ name: "n", email: "a@b.co" }];
    const first = check({ people }) as { tags: string[] };
    const second = check({ people }) as { tags: string[] };
    expect(first.tags).toEqual([]);
    expect(first.tags).not.toBe(second.tags);
  });

  it("leaves the input untouched while trimming into the output", () => {
    const input = { id: "  cust_1  ", amount: 1 };
    const output = compiled(SCHEMAS.fields)(input) as { id: string };
    expect(output.id).toBe("cust_1");
    expect(input.id).toBe("  cust_1  ");
  });

  it("does not vouch for invalid params, a stray key or a failed refinement", () => {
    const fields = compiled(SCHEMAS.fields);
    expect(fields({ id: "c", amount: 0 })).toBe(NOT_PROVEN);
    expect(fields({ id: "c", amount: 1, stray: 1 })).toBe(NOT_PROVEN);
    expect(fields({ id: "c", amount: 1, due: "2026-02-30" })).toBe(NOT_PROVEN);
    const ranges = compiled(SCHEMAS.ranges);
    expect(ranges({ start: "2026-03-02", end: "2026-03-01" })).toBe(NOT_PROVEN);
    expect(ranges({ start: "2026-03-01", end: "2026-03-01" })).toEqual({
      start: "2026-03-01",
      end: "2026-03-01",
    });
  });

  it("does not vouch for a key inherited through the prototype of a strict object", () => {
    const input = Object.assign(Object.create({ stray: 1 }), { id: "c", amount: 1 });
    expect(compiled(SCHEMAS.fields)(input)).toBe(NOT_PROVEN);
    expect(SCHEMAS.fields.safeParse(input).success).toBe(false);
  });

  it("hands parts it does not know to zod and keeps their output", () => {
    const check = compiled(SCHEMAS.handedToZod);
    expect(check({ doubled: 2, later: undefined })).toBe(NOT_PROVEN);
    // optional(default(…)) absent is zod's to fill in; so is an absent union, which may hold one.
    expect(check({ doubled: 2, either: 1 })).toBe(NOT_PROVEN);
    expect(check({ doubled: 2, later: "y" })).toBe(NOT_PROVEN);
    const full = { doubled: 2, link: "https://example.com", either: 1, later: "y", nested: { x: 1, y: 2 } };
    expect(check(full)).toStrictEqual({
      link: "https://example.com",
      either: 1,
      doubled: 4,
      later: "y",
      nested: { x: 1, y: 2 },
    });
    expect(compiled(SCHEMAS.superRefined)({ either: "bad" })).toBe(NOT_PROVEN);
    expect(compiled(SCHEMAS.superRefined)({ either: 1, later: undefined })).toStrictEqual({
      either: 1,
      later: undefined,
    });
  });

  it("compiles nothing when zod is configured jitless (no generated code at all)", () => {
    z.config({ jitless: true });
    try {
      expect(compileSchemaCheck(SCHEMAS.fields)).toBeUndefined();
    } finally {
      z.config({ jitless: false });
    }
  });
});

describe("createCatalog params validation", () => {
  const type = defineIntentType({
    name: "demo.pay",
    description: "Pay",
    valueCategory: null,
    intentClass: "write",
    defaultRisk: "low",
    params: SCHEMAS.fields,
  });
  const catalog = createCatalog([defineDomain({ name: "demo", description: "Demo", types: { pay: type } })]);

  it("returns the parsed params of valid input", () => {
    expect(catalog.classify("demo.pay", "demo", { id: " c ", amount: 2 }).params).toEqual({
      id: "c",
      amount: 2,
      currency: "USD",
    });
  });

  it("answers the same with compiled checks turned off", () => {
    const zodOnly = createCatalog(
      [defineDomain({ name: "demo", description: "Demo", types: { pay: type } })],
      {
        compiledParamsChecks: false,
      },
    );
    const params = { id: " c ", amount: 2 };
    expect(zodOnly.classify("demo.pay", "demo", params)).toEqual(
      catalog.classify("demo.pay", "demo", params),
    );
  });

  it("still reports zod's details for invalid input", () => {
    expect(() => catalog.classify("demo.pay", "demo", { id: "", amount: -1, stray: true })).toThrow(
      expect.objectContaining({
        code: "VALIDATION_ERROR",
        details: expect.arrayContaining([
          expect.objectContaining({ path: ["params", "amount"] }),
          expect.objectContaining({ path: ["params", "id"] }),
        ]),
      }),
    );
  });
});
