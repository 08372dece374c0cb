import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, DIALECTS, type TestApp } from "./support/test-app";

/**
 * Property-based round trips on both databases: whatever odd but valid text or JSON an accepted
 * request carries (RTL marks, emoji, zero-width characters, `__proto__`/`constructor` keys, long
 * strings, extreme numbers) is read back exactly as sent, and params the intent type does not
 * know are refused by name, `__proto__` included, never silently dropped.
 */

const SEED = 20_260_302;

const LONE_SURROGATE = /\p{Cs}/u;
/** NUL and lone surrogates are refused by design (docs/api.md); everything else must survive. */
const storable = (value: unknown): boolean => {
  if (typeof value === "string") return !value.includes("\0") && !LONE_SURROGATE.test(value);
  if (value === null || typeof value !== "object") return true;
  return Object.entries(value).every(([key, child]) => storable(key) && storable(child));
};

/** What a client reads back for what it sent: the value after JSON's own round trip (-0 → 0). */
const asSent = <T>(value: T): T => JSON.parse(JSON.stringify(value));

const oddText = fc
  .oneof(
    fc.constantFrom(
      "\u202eevil\u202c",
      "\u200f\u200e\u200b\u2060",
      "😀👨‍👩‍👧🏳️‍🌈",
      "é vs é",
      "__proto__",
      "constructor",
      "toString",
      "'\"\\<>&;--",
      "\\u0000 as text",
      "日本語テキスト",
      "ﷺ",
      "\ufeffbom",
    ),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
    fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
  )
  .filter(storable);

const oddKey = fc.oneof(
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "toJSON",
    "hasOwnProperty",
    "",
    "\u202e",
    "😀",
    "a.b",
  ),
  fc.string({ unit: "grapheme", maxLength: 10 }),
);

/** Any JSON, with odd keys and text, that no database may alter. */
const oddJson: fc.Arbitrary<unknown> = fc
  .letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(
        null,
        true,
        false,
        0,
        -0,
        1.5,
        -1e-7,
        1e308,
        -1e308,
        5e-324,
        2 ** 53 + 2,
        123456789.12345679,
      ),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      oddText,
      fc.array(tie("value"), { maxLength: 3 }),
      fc
        .array(fc.tuple(oddKey, tie("value")), { maxLength: 4 })
        .map((entries) =>
          JSON.parse(
            `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v ?? null)}`).join(",")}}`,
          ),
        ),
    ),
  }))
  .value.filter(storable);

describe.each(DIALECTS)("fuzzed round trips on %s", (dialect) => {
  let t: TestApp;
  let counter = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect, { RATE_LIMIT_PER_MINUTE: "10000000" });
    await t.data("POST", "/v1/agents", {
      key: t.keys.agent,
      body: { name: "Fast Biller", domains: ["billing"], intentTypes: ["billing.*"] },
    });
    await t.data("PUT", "/v1/agents/fast-biller/trust", { body: { tier: "T3", reason: "fuzzing" } });
  });
  afterAll(() => t.close());

  it("refuses a param the intent type does not know by its name, __proto__ included", async () => {
    const stranger = fc
      .oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString"), oddKey)
      .filter((key) => !["customerId", "amount", "currency", "dueDate", "memo"].includes(key));
    await fc.assert(
      fc.asyncProperty(
        stranger,
        fc.jsonValue({ maxDepth: 2 }),
        fc.boolean(),
        async (key, value, simulate) => {
          const params = `{"customerId":"cust_1","amount":10,${JSON.stringify(key)}:${JSON.stringify(value)}}`;
          const body = `{"type":"billing.send_invoice","agentId":"fast-biller","params":${params}}`;
          const response = await t.request("POST", simulate ? "/v1/policies/simulate" : "/v1/intents", {
            key: simulate ? t.keys.policy_write : t.keys.agent,
            rawBody: body,
            headers: { "content-type": "application/json" },
          });
          const json = await response.json();
          expect(response.status, `${body} → ${JSON.stringify(json)}`).toBe(400);
          expect(json.error.details, body).toContainEqual({
            path: ["params", key],
            message: "Unknown field",
          });
        },
      ),
      {
        seed: SEED,
        numRuns: 20,
        examples: [
          ["__proto__", { x: 1 }, false],
          ["__proto__", null, true],
        ],
      },
    );
  });

  it("reads an agent's name (trimmed) and description back as sent", async () => {
    const name = oddText.filter((text) => text.trim().length > 0 && text.trim().length <= 200);
    await fc.assert(
      fc.asyncProperty(name, oddText, async (agentName, description) => {
        const id = `rt-${++counter}`;
        const created = await t.data("POST", "/v1/agents", {
          key: t.keys.agent,
          body: { id, name: agentName, description },
        });
        const read = await t.data("GET", `/v1/agents/${id}`);
        expect(read).toEqual(created);
        expect(read).toMatchObject({ name: agentName.trim(), description });
      }),
      { seed: SEED, numRuns: 15 },
    );
  });

  it("reads an intent's text fields, data elements and reported result back as sent", async () => {
    const field = oddText.filter((text) => text.length <= 200);
    await fc.assert(
      fc.asyncProperty(field, field, field, oddJson, async (description, justification, path, result) => {
        const n = ++counter;
        const body = {
          type: "billing.send_invoice",
          agentId: "fast-biller",
          params: { customerId: `cust_${n}`, amount: 10 },
          description,
          justification,
          idempotencyKey: `${n}:${description}`.slice(0, 255),
          dataElements: [{ dataSourceId: path, path }],
        };
        const { intentId } = await t.data("POST", "/v1/intents", { key: t.keys.agent, body });
        const completed = await t.data("POST", `/v1/intents/${intentId}/complete`, {
          key: t.keys.agent,
          body: { result },
        });
        const read = await t.data("GET", `/v1/intents/${intentId}`);
        expect(read).toMatchObject({
          description,
          justification,
          idempotencyKey: body.idempotencyKey,
          dataElements: body.dataElements,
          status: "completed",
        });
        expect(read.result).toEqual(asSent(result));
        expect(completed.result).toEqual(asSent(result));
      }),
      { seed: SEED, numRuns: 15 },
    );
  });

  it("reads a policy's text and the JSON value of its condition back as sent", async () => {
    const text = oddText.filter((value) => value.trim().length > 0 && value.length <= 200);
    await fc.assert(
      fc.asyncProperty(text, text, oddJson, async (name, type, value) => {
        const body = {
          name,
          description: name,
          mode: "shadow",
          effect: "block",
          match: { types: [type], params: { field: name, op: "eq", value } },
          reason: type,
        };
        const created = await t.data("POST", "/v1/policies", { body });
        const read = await t.data("GET", `/v1/policies/${created.id}`);
        expect(read).toEqual(created);
        expect(read).toMatchObject({ ...asSent(body), name: name.trim() });
      }),
      { seed: SEED, numRuns: 15 },
    );
  });

  it("reads an intention's text and data elements back as sent", async () => {
    const text = oddText.filter((value) => value.trim().length > 0 && value.length <= 200);
    await fc.assert(
      fc.asyncProperty(
        text,
        oddText,
        fc.array(fc.tuple(text, text), { maxLength: 3 }),
        async (name, note, pairs) => {
          const body = {
            label: `odd_${++counter}`,
            display_name: name,
            description: note,
            intent_class: "lookup",
            data_elements: pairs.map(([source, path]) => ({ data_source_id: source, path })),
          };
          const created = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body });
          const read = await t.data("GET", `/v1/intentions/${created.id}`);
          expect(read).toEqual(created);
          expect(read).toMatchObject({ ...body, display_name: name.trim() });
        },
      ),
      { seed: SEED, numRuns: 15 },
    );
  });

  it("keeps the audit chain valid after all of it", async () => {
    expect(await t.data("GET", "/v1/audit/verify")).toMatchObject({ valid: true });
  });
});
