import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../src/middleware/json-shape";
import { answerOf, stateDigest } from "./support/fuzz-answers";
import { BILLING_AGENT, createTestApp, DIALECTS, type TestApp } from "./support/test-app";
import { StandardWebhook } from "./webhooks-support";

/**
 * Property-based fuzzing of every request body the API reads, on both databases: hostile values
 * at every field, hostile keys, hostile roots, unstorable JSON (NUL, lone surrogates, numbers
 * past a double, nesting past the limit), malformed text and content types. Every answer must be
 * JSON, never a 5xx, an error in the guide's envelope, and a refused request must leave every
 * table exactly as it was.
 */

const SEED = 20_260_302;
const RUNS = 14;

/** Every table of the schema; a refused request must leave each one unchanged. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Containers nested inside each other at the deepest point (a scalar is 0). */
function nesting(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, nesting(child));
  return deepest + 1;
}

const LONE_SURROGATE = /\p{Cs}/u;
/** True when a string or key holds NUL or a lone surrogate: no database may keep it. */
function holdsUnstorableText(value: unknown): boolean {
  const bad = (text: string) => text.includes("\0") || LONE_SURROGATE.test(text);
  if (typeof value === "string") return bad(value);
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, child]) => bad(key) || holdsUnstorableText(child));
}

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { n: value };
  return value;
};

const hostileString = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\t\n",
    "\u202e\u200f\u200b",
    "😀👨‍👩‍👧🏳️‍🌈",
    "\ufeffbom",
    "\ud800",
    "x\udfffy",
    "a\u0000b",
    "__proto__",
    "constructor",
    "../../etc/passwd",
    "'; drop table intents; --",
    "%00%2F",
    "1e999",
    "T0",
    "*",
  ),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.integer({ min: 190, max: 4_100 }).map((n) => "é".repeat(n)),
  fc.constant("x".repeat(300_000)),
);

const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "", "\u202e", "😀"),
  fc.constant("k".repeat(10_000)),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).map((key) => `x_${key}`),
);

const hostileScalar = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -0, 1.5, 1e308, -1e308, 5e-324, 2 ** 53 + 2, 10_001, 1_000_001),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  hostileString,
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileKey, hostileScalar, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_JSON_DEPTH + 4 }).map((depth) => nested(depth)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: "grapheme" }) },
);

/** JSON text the server must refuse whatever the route: `\u0000`, lone surrogates, ±Infinity, nesting. */
const UNSTORABLE = [
  '"a\\u0000b"',
  '"\\ud800"',
  '"\\udc00x"',
  '{"\\u0000":1}',
  '{"\\udbff":1}',
  "1e999",
  "-1e400",
  `${"[".repeat(MAX_JSON_DEPTH + 1)}${"]".repeat(MAX_JSON_DEPTH + 1)}`,
];

type Mutation =
  | { kind: "field"; key: string; value: unknown }
  | { kind: "drop"; key: string }
  | { kind: "unknownKey"; key: string; value: unknown }
  | { kind: "root"; value: unknown }
  | { kind: "unstorable"; key: string; nest: boolean; raw: string }
  | { kind: "malformed"; cut: number }
  | { kind: "contentType"; contentType: string };

function mutations(fields: readonly string[]): fc.Arbitrary<Mutation> {
  const field = fields.length > 0 ? fc.constantFrom(...fields) : fc.constant("x");
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant("field" as const), key: field, value: hostileValue }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("drop" as const), key: field }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("unknownKey" as const),
        key: hostileKey,
        value: hostileScalar,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("root" as const),
        value: fc.constantFrom(null, 0, 1.5, "text", true, [], [{}], [null]),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("unstorable" as const),
        key: field,
        nest: fc.boolean(),
        raw: fc.constantFrom(...UNSTORABLE),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("malformed" as const), cut: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("contentType" as const),
        contentType: fc.constantFrom(
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/jsonp",
          "json",
          "application/json; charset=utf-16",
          "APPLICATION/JSON",
          "application/merge-patch+json",
          "application/vnd.api+json; x=1",
          "application/ json",
        ),
      }),
    },
  );
}

/** The request a mutation makes of a valid body, and what the server must answer. */
function apply(
  valid: Record<string, unknown>,
  mutation: Mutation,
  schema: boolean,
  slot?: readonly (string | number)[],
): { text: string; contentType: string; mustFail?: { status: number; code: string } } {
  const invalid = { status: 400, code: "VALIDATION_ERROR" };
  const contentType = "application/json";
  switch (mutation.kind) {
    case "field":
    case "unknownKey": {
      // Own keys even for `__proto__`, as JSON.parse makes them.
      const body = JSON.parse(JSON.stringify(valid));
      Object.defineProperty(body, mutation.key, {
        value: mutation.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      const text = JSON.stringify(body);
      const parsed = JSON.parse(text);
      const unstorable = holdsUnstorableText(parsed) || nesting(parsed) > MAX_JSON_DEPTH;
      const unknown = mutation.kind === "unknownKey" && schema;
      return { text, contentType, ...(unstorable || unknown ? { mustFail: invalid } : {}) };
    }
    case "drop": {
      const { [mutation.key]: _dropped, ...rest } = valid;
      return { text: JSON.stringify(rest), contentType };
    }
    case "root":
      return { text: JSON.stringify(mutation.value), contentType, ...(schema ? { mustFail: invalid } : {}) };
    case "unstorable": {
      const hole = '"@@hole@@"';
      let body: Record<string, unknown>;
      if (mutation.nest && slot) {
        // Where the schema takes any JSON (`result`, a condition's `value`): only the raw check refuses.
        body = JSON.parse(JSON.stringify(valid));
        let parent = body as Record<string | number, unknown>;
        for (const key of slot.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
        parent[slot.at(-1)!] = "@@hole@@";
      } else {
        body = { ...valid, [mutation.key]: mutation.nest ? { inner: ["@@hole@@"] } : "@@hole@@" };
      }
      return { text: JSON.stringify(body).replace(hole, mutation.raw), contentType, mustFail: invalid };
    }
    case "malformed": {
      const text = JSON.stringify(valid);
      // Any non-empty strict prefix of an object's text is malformed (an empty one is no body).
      return { text: text.slice(0, 1 + (mutation.cut % (text.length - 1))), contentType, mustFail: invalid };
    }
    case "contentType": {
      const mediaType = mutation.contentType.split(";")[0]!.trim();
      const json = JSON_MEDIA_TYPE.test(mediaType);
      return {
        text: JSON.stringify(valid),
        contentType: mutation.contentType,
        ...(json ? {} : { mustFail: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" } }),
      };
    }
  }
}

interface Fixtures {
  counter: number;
  clusterId: string;
}

interface BodyRoute {
  method: string;
  /** The path; `{id}` is replaced by `target`'s id, made again after a 2xx used the last one up. */
  path: string;
  target?: (t: TestApp, fx: Fixtures) => Promise<string>;
  /** A 2xx uses the target up (approve, delete, complete, …). */
  consumes?: boolean;
  /** The route validates a (strict) body schema: unknown keys and non-object roots are refused. */
  schema: boolean;
  key?: "admin" | "agent" | "approver" | "policy_write" | "read_only";
  valid: (n: number) => Record<string, unknown>;
  /** Fields the route knows but the valid body leaves out, fuzzed too. */
  optional?: string[];
  /** Only refusals are sent (a valid request would reach the network). */
  onlyRefusals?: boolean;
  /** Where the valid body holds any JSON the schema does not look into. */
  slot?: (string | number)[];
}

async function approvedIntent(t: TestApp, fx: Fixtures): Promise<string> {
  const n = ++fx.counter;
  const submitted = await t.data("POST", "/v1/intents", {
    key: t.keys.agent,
    body: {
      type: "billing.send_invoice",
      agentId: "fast-biller",
      params: { customerId: `cust_${n}`, amount: 10 },
    },
  });
  expect(submitted.status).toBe("approved");
  return submitted.intentId;
}

async function pendingApproval(t: TestApp, fx: Fixtures): Promise<string> {
  const n = ++fx.counter;
  const { intentId } = await t.data("POST", "/v1/intents", {
    key: t.keys.agent,
    body: {
      type: "billing.send_invoice",
      agentId: "billing-agent",
      params: { customerId: `cust_${n}`, amount: 10 },
    },
  });
  return (await t.data("GET", `/v1/intents/${intentId}`)).approval.id;
}

const policyBody = (n: number) => ({
  name: `Fuzz policy ${n}`,
  description: "Shadow policy for support traffic",
  enabled: true,
  mode: "shadow",
  effect: "require_approval",
  match: {
    types: ["support.*"],
    domains: ["support"],
    agentIds: ["nobody"],
    tiers: { min: "T0", max: "T4" },
    riskLevels: ["high"],
    params: {
      all: [{ field: "tier", op: "eq", value: { plan: "gold" } }, { not: { field: "x", op: "exists" } }],
    },
  },
  approval: { approvers: 2, expiresInSeconds: 3600 },
  reason: "fuzz",
});

const intentionBody = (n: number) => ({
  label: `fuzz_${n}`,
  display_name: `Fuzz ${n}`,
  description: "A draft",
  intent_class: "lookup",
  approval_required: false,
  ttl_minutes: 5,
  intent_types: ["support.*"],
  data_elements: [{ data_source_id: "crm", path: "Account.Name" }],
});

const draftIntention = async (t: TestApp, fx: Fixtures) =>
  (await t.data("POST", "/v1/intentions", { body: intentionBody(++fx.counter) })).id as string;
const policy = async (t: TestApp, fx: Fixtures) =>
  (await t.data("POST", "/v1/policies", { body: policyBody(++fx.counter) })).id as string;
const webhook = async (t: TestApp) =>
  (
    await t.data("POST", "/v1/webhooks", {
      body: { url: "https://203.0.113.10/h", events: ["intent.failed"] },
    })
  ).id as string;
const inbound = async (t: TestApp) => (await t.data("POST", "/v1/inbound", { body: {} })).id as string;

const ROUTES: BodyRoute[] = [
  {
    method: "POST",
    path: "/v1/agents",
    schema: true,
    key: "agent",
    valid: (n) => ({
      id: `fuzz-${n}`,
      name: `Fuzz agent ${n}`,
      description: "d",
      domains: ["billing"],
      intentTypes: ["billing.*"],
    }),
  },
  {
    method: "PUT",
    path: "/v1/agents/trust-target/trust",
    schema: true,
    valid: () => ({ tier: "T1", score: 300, reason: "review" }),
  },
  {
    method: "POST",
    path: "/v1/intents",
    schema: true,
    key: "agent",
    valid: (n) => ({
      type: "billing.send_invoice",
      domain: "billing",
      agentId: "fast-biller",
      params: { customerId: `cust_${n}`, amount: 12.5, currency: "EUR", memo: "m" },
      description: "d",
      justification: "j",
      idempotencyKey: `fuzz-${n}`,
      dataElements: [{ dataSourceId: "crm", path: "Account.Name" }],
    }),
    optional: ["intention"],
  },
  {
    method: "POST",
    path: "/v1/intents/{id}/complete",
    target: approvedIntent,
    consumes: true,
    schema: true,
    key: "agent",
    valid: () => ({ result: { invoiceId: "inv_1" }, value: { cents: 100, category: "revenue" } }),
    slot: ["result", "invoiceId"],
  },
  {
    method: "POST",
    path: "/v1/intents/{id}/fail",
    target: approvedIntent,
    consumes: true,
    schema: true,
    key: "agent",
    valid: () => ({ error: "timeout" }),
  },
  {
    method: "POST",
    path: "/v1/approvals/{id}/approve",
    target: pendingApproval,
    consumes: true,
    schema: false,
    key: "approver",
    valid: () => ({}),
  },
  {
    method: "POST",
    path: "/v1/approvals/{id}/reject",
    target: pendingApproval,
    consumes: true,
    schema: true,
    key: "approver",
    valid: () => ({ reason: "no" }),
  },
  {
    method: "POST",
    path: "/v1/policies",
    schema: true,
    key: "policy_write",
    valid: policyBody,
    slot: ["match", "params", "all", 0, "value"],
  },
  {
    method: "PUT",
    path: "/v1/policies/{id}",
    target: policy,
    schema: true,
    key: "policy_write",
    valid: policyBody,
    slot: ["match", "params", "all", 0, "value"],
  },
  {
    method: "DELETE",
    path: "/v1/policies/{id}",
    target: policy,
    consumes: true,
    schema: false,
    key: "policy_write",
    valid: () => ({ reason: "ignored" }),
  },
  {
    method: "POST",
    path: "/v1/policies/simulate",
    schema: true,
    key: "policy_write",
    valid: (n) => ({
      type: "billing.send_invoice",
      agentId: "fast-biller",
      params: { customerId: `cust_${n}`, amount: 1 },
      agent: { trustTier: "T2", status: "active", domains: ["billing"], intentTypes: ["billing.*"] },
    }),
  },
  { method: "POST", path: "/v1/intentions", schema: true, key: "policy_write", valid: intentionBody },
  {
    method: "PATCH",
    path: "/v1/intentions/{id}",
    target: draftIntention,
    schema: true,
    key: "policy_write",
    valid: (n) => ({ ...intentionBody(n), description: null }),
  },
  {
    method: "POST",
    path: "/v1/intentions/{id}/publish",
    target: draftIntention,
    consumes: true,
    schema: false,
    key: "policy_write",
    valid: () => ({ note: 1 }),
  },
  {
    method: "POST",
    path: "/v1/intentions/{id}/archive",
    target: draftIntention,
    consumes: true,
    schema: false,
    key: "policy_write",
    valid: () => ({}),
  },
  {
    method: "POST",
    path: "/v1/intentions/ambient/{id}/generalize",
    target: async (_t, fx) => fx.clusterId,
    schema: false,
    key: "policy_write",
    valid: () => ({}),
  },
  {
    method: "POST",
    path: "/v1/tokens/verify",
    schema: true,
    key: "read_only",
    valid: () => ({ token: "a.b.c" }),
  },
  {
    method: "POST",
    path: "/v1/api-keys",
    schema: true,
    valid: (n) => ({ name: `fuzz ${n}`, scopes: ["read_only", "agent"], rateLimitPerMinute: 50 }),
  },
  {
    method: "DELETE",
    path: "/v1/api-keys/{id}",
    target: async (t, fx) =>
      (
        await t.data("POST", "/v1/api-keys", {
          body: { name: `victim ${++fx.counter}`, scopes: ["read_only"] },
        })
      ).id,
    consumes: true,
    schema: false,
    valid: () => ({}),
  },
  {
    method: "POST",
    path: "/v1/webhooks",
    schema: true,
    valid: () => ({ url: "https://203.0.113.10/hooks", events: ["intent.failed", "*"], description: "d" }),
  },
  {
    method: "PATCH",
    path: "/v1/webhooks/{id}",
    target: webhook,
    schema: true,
    valid: () => ({
      url: "https://203.0.113.11/h",
      events: ["intent.failed"],
      description: "d",
      enabled: false,
    }),
  },
  {
    method: "DELETE",
    path: "/v1/webhooks/{id}",
    target: webhook,
    consumes: true,
    schema: false,
    valid: () => ({}),
  },
  {
    method: "POST",
    path: "/v1/webhooks/{id}/rotate-secret",
    target: webhook,
    schema: false,
    valid: () => ({}),
  },
  {
    method: "POST",
    path: "/v1/webhooks/{id}/test",
    target: webhook,
    schema: false,
    onlyRefusals: true,
    valid: () => ({ a: 1 }),
  },
  {
    method: "POST",
    path: "/v1/webhooks/deliveries/dlv_01HN4X7KQZ8Y1A2B3C4D5E6F7G/redeliver",
    schema: false,
    valid: () => ({}),
  },
  {
    method: "POST",
    path: "/v1/inbound",
    schema: true,
    valid: () => ({ description: "executor", intentTypes: ["billing.*", "contracts.send_for_signature"] }),
  },
  {
    method: "DELETE",
    path: "/v1/inbound/{id}",
    target: inbound,
    consumes: true,
    schema: false,
    valid: () => ({}),
  },
  {
    method: "POST",
    path: "/v1/inbound/{id}/rotate-secret",
    target: inbound,
    schema: false,
    valid: () => ({}),
  },
];

describe.each(DIALECTS)("fuzzed request bodies on %s", (dialect) => {
  let t: TestApp;
  const fx: Fixtures = { counter: 0, clusterId: "" };

  beforeAll(async () => {
    t = await createTestApp(dialect, { RATE_LIMIT_PER_MINUTE: "10000000" });
    await t.data("POST", "/v1/agents", { key: t.keys.agent, body: BILLING_AGENT });
    for (const name of ["Fast Biller", "Trust Target"]) {
      await t.data("POST", "/v1/agents", {
        key: t.keys.agent,
        body: { name, domains: ["billing"], intentTypes: ["billing.*"] },
      });
    }
    await t.data("PUT", "/v1/agents/fast-biller/trust", { body: { tier: "T3", reason: "fuzzing" } });
    await approvedIntent(t, fx);
    fx.clusterId = (await t.data("GET", "/v1/intentions/ambient"))[0].id;
  });
  afterAll(() => t.close());

  it.each(ROUTES.map((route, index) => [`${route.method} ${route.path}`, route, index] as const))(
    "%s: answers a 4xx envelope, never a 5xx, and writes nothing when it refuses",
    async (_name, route, index) => {
      let path: string | undefined;
      let digest: string | undefined;
      const fields = [...Object.keys(route.valid(0)), ...(route.optional ?? [])];
      await fc.assert(
        fc.asyncProperty(mutations(fields), async (mutation) => {
          const request = apply(route.valid(++fx.counter), mutation, route.schema, route.slot);
          if (route.onlyRefusals && !request.mustFail) return;
          if (path === undefined) {
            path = route.target ? route.path.replace("{id}", await route.target(t, fx)) : route.path;
            digest = undefined;
          }
          const before = digest ?? (await stateDigest(t));
          // Until this run passes, the next one (a shrink, say) starts from a fresh target and digest.
          digest = undefined;
          const target = path;
          path = undefined;
          const response = await t.request(route.method, target, {
            key: t.keys[route.key ?? "admin"],
            rawBody: request.text,
            headers: { "content-type": request.contentType },
          });
          const { status, json } = await answerOf(response);
          const after = await stateDigest(t);
          const context = `${JSON.stringify(mutation).slice(0, 200)} → ${status} ${JSON.stringify(json).slice(0, 200)}`;
          if (request.mustFail) {
            expect(status, context).toBe(request.mustFail.status);
            expect(json.error.code, context).toBe(request.mustFail.code);
          }
          if (status >= 400) expect(after, `refused but wrote: ${context}`).toBe(before);
          digest = after;
          if (status >= 300 || !route.consumes) path = target;
        }),
        {
          seed: SEED + index,
          numRuns: RUNS,
          // Whatever the seed draws, every route sees these.
          examples: [
            [{ kind: "unstorable", key: fields[0] ?? "x", nest: true, raw: "1e999" }],
            [{ kind: "root", value: null }],
            [{ kind: "unknownKey", key: "__proto__", value: 1 }],
          ],
        },
      );
    },
  );

  it("refuses hostile signed inbound reports with a 4xx envelope and writes nothing", async () => {
    const endpoint = await t.data("POST", "/v1/inbound", { body: { description: "executor" } });
    const fields = ["intentId", "outcome", "result", "value", "error"];
    let intentId: string | undefined;
    let digest: string | undefined;
    await fc.assert(
      fc.asyncProperty(mutations(fields), fc.boolean(), async (mutation, failed) => {
        if (mutation.kind === "contentType") return;
        if (intentId === undefined) {
          intentId = await approvedIntent(t, fx);
          digest = undefined;
        }
        const valid = failed
          ? { intentId, outcome: "failed", error: "declined" }
          : { intentId, outcome: "completed", result: { ok: true }, value: { cents: 5 } };
        const request = apply(valid, mutation, true, failed ? undefined : ["result"]);
        const id = `msg_${randomUUID()}`;
        const signer = new StandardWebhook(endpoint.secret) as unknown as {
          sign(id: string, at: Date, body: string): string;
        };
        // A report refused after it was read keeps its message id (replay protection): not a half-write.
        const before = digest ?? (await stateDigest(t, ["inbound_messages"]));
        digest = undefined;
        intentId = undefined;
        const response = await t.app.request(endpoint.path, {
          method: "POST",
          body: request.text,
          headers: {
            "content-type": "application/json",
            "webhook-id": id,
            "webhook-timestamp": String(Math.floor(t.clock() / 1000)),
            "webhook-signature": signer.sign(id, new Date(t.clock()), request.text),
          },
        });
        const { status, json } = await answerOf(response);
        const after = await stateDigest(t, ["inbound_messages"]);
        const context = `${JSON.stringify(mutation).slice(0, 200)} → ${status} ${JSON.stringify(json).slice(0, 200)}`;
        if (request.mustFail) {
          expect(status, context).toBe(request.mustFail.status);
          expect(json.error.code, context).toBe(request.mustFail.code);
        }
        if (status >= 400) expect(after, `refused but wrote: ${context}`).toBe(before);
        digest = after;
        if (status >= 300) intentId = valid.intentId;
      }),
      {
        seed: SEED,
        numRuns: RUNS * 2,
        examples: ["1e999", '"\\ud800"', '"\\u0000"', UNSTORABLE.at(-1)!].map((raw): [Mutation, boolean] => [
          { kind: "unstorable", key: "result", nest: true, raw },
          false,
        ]),
      },
    );
  });

  it("keeps the audit chain valid after all of it", async () => {
    const verification = await t.data("GET", "/v1/audit/verify");
    expect(verification).toMatchObject({ valid: true });
    expect(verification.eventCount).toBeGreaterThan(0);
  });
});
