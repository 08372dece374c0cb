import { APPROVAL_STATUSES, INTENT_STATUSES, parseDateBound } from "@intendedops/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseApiKey } from "../src/api-key-format";
import { answerOf, stateDigest } from "./support/fuzz-answers";
import { BILLING_AGENT, createTestApp, DIALECTS, TENANT, type TestApp } from "./support/test-app";

/**
 * Property-based fuzzing of everything a request carries besides its body, on both databases:
 * query strings (pagination, filters, dates, repeated and unknown parameters), path ids (long,
 * encoded slashes, NUL, unicode, another tenant's ids, ids of another kind) and headers
 * (`x-tenant-id`, `x-request-id`, `x-api-key`, `Authorization`). Each answer is checked against
 * what docs/api.md promises for it, and nothing may be written by a request that is refused.
 */

const SEED = 20_260_302;

/** `name=value&…`, each part percent-encoded, so the server reads back exactly these strings. */
const queryString = (pairs: readonly (readonly [string, string])[]) =>
  pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join("&");

/** The value the server reads for `name`: the first occurrence. */
const first = (pairs: readonly (readonly [string, string])[], name: string) =>
  pairs.find(([key]) => key === name)?.[1];

/** docs/api.md: page from 1 (up to 1,000,000), pageSize 1–100, whole numbers; anything else is 400. */
const wholeNumberIn = (value: string, max: number) =>
  /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= max;

const numberText = fc.oneof(
  fc.constantFrom(
    "-1",
    "0",
    "1",
    "01",
    "0001",
    "1.5",
    "1e3",
    "1e309",
    "+1",
    " 1",
    "1 ",
    "0x10",
    "",
    "abc",
    "NaN",
    "Infinity",
    "100",
    "101",
    "1000000",
    "1000001",
    "99999999999999999999999999",
    "٣",
    "１",
    "%00",
    "\u0000",
  ),
  fc.nat(1_100_000).map(String),
  fc.string({ unit: "grapheme-ascii", maxLength: 5 }),
);

const junkName = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "status[]", "page[", "filter", "PAGE", "Page", "sort", ""),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }).map((name) => `x${name}`),
);

const hostileText = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000",
    "\u202eevil",
    "😀",
    "%",
    "%zz",
    "__proto__",
    "x".repeat(5_000),
  ),
  fc.string({ unit: "binary", maxLength: 16 }),
  fc.string({ unit: "grapheme", maxLength: 16 }),
);

const PAGINATED = [
  "/v1/intents",
  "/v1/agents",
  "/v1/approvals",
  "/v1/policies",
  "/v1/audit",
  "/v1/api-keys",
  "/v1/webhooks",
  "/v1/inbound",
  "/v1/webhooks/{webhook}/deliveries",
];

type Kind =
  | "agent"
  | "intent"
  | "approval"
  | "cluster"
  | "policy"
  | "intention"
  | "key"
  | "webhook"
  | "inbound";

/** The kind of record a route's `{id}` names. */
function kindOf(path: string): Kind | "delivery" {
  if (path.startsWith("/v1/intentions/ambient/")) return "cluster";
  if (path.startsWith("/v1/webhooks/deliveries/")) return "delivery";
  const kinds: Record<string, Kind> = {
    agents: "agent",
    intents: "intent",
    approvals: "approval",
    policies: "policy",
    intentions: "intention",
    "api-keys": "key",
    webhooks: "webhook",
    inbound: "inbound",
  };
  return kinds[path.split("/")[2]!]!;
}

interface Ids {
  webhook: string;
  /** The other tenant's records, and this tenant's own (`own`: only strangers on routes of another kind). */
  strangers: { id: string; kind: Kind; own?: boolean }[];
}

describe.each(DIALECTS)("fuzzed queries, path ids and headers on %s", (dialect) => {
  let t: TestApp;
  const ids: Ids = { webhook: "", strangers: [] };

  beforeAll(async () => {
    t = await createTestApp(dialect, { RATE_LIMIT_PER_MINUTE: "10000000" });
    // This tenant: an agent whose intents fill the lists, an approval, a policy and a webhook.
    await t.data("POST", "/v1/agents", { key: t.keys.agent, body: BILLING_AGENT });
    let submittedHere = "";
    for (let n = 1; n <= 3; n++) {
      ({ intentId: submittedHere } = await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: {
          type: "support.create_ticket",
          agentId: "billing-agent",
          params: { subject: `Ticket ${n}`, customerId: `cust_${n}` },
        },
      }));
    }
    const policy = await t.data("POST", "/v1/policies", {
      body: { name: "p", effect: "allow", mode: "shadow" },
    });
    ids.webhook = (
      await t.data("POST", "/v1/webhooks", {
        body: { url: "https://203.0.113.10/h", events: ["intent.failed"] },
      })
    ).id;
    // The other tenant: one record of every kind, none of which this tenant may see or touch.
    const other = { key: t.keys.other };
    await t.data("POST", "/v1/agents", { ...other, body: BILLING_AGENT });
    const submitted = await t.data("POST", "/v1/intents", {
      ...other,
      body: {
        type: "billing.send_invoice",
        agentId: "billing-agent",
        params: { customerId: "c", amount: 5 },
      },
    });
    const approval = (await t.data("GET", `/v1/intents/${submitted.intentId}`, other)).approval.id;
    const [cluster] = await t.data("GET", "/v1/intentions/ambient", other);
    ids.strangers = [
      { id: "billing-agent-2", kind: "agent" },
      { id: submitted.intentId, kind: "intent" },
      { id: approval, kind: "approval" },
      { id: cluster.id, kind: "cluster" },
      {
        id: (await t.data("POST", "/v1/policies", { ...other, body: { name: "theirs", effect: "block" } }))
          .id,
        kind: "policy",
      },
      {
        id: (
          await t.data("POST", "/v1/intentions", {
            ...other,
            body: { label: "theirs", intent_class: "lookup" },
          })
        ).id,
        kind: "intention",
      },
      {
        id: (
          await t.data("POST", "/v1/webhooks", {
            ...other,
            body: { url: "https://203.0.113.12/h", events: ["*"] },
          })
        ).id,
        kind: "webhook",
      },
      { id: (await t.data("POST", "/v1/inbound", { ...other, body: {} })).id, kind: "inbound" },
      { id: (await t.data("GET", "/v1/api-keys", other)).items[0].id, kind: "key" },
      { id: policy.id, kind: "policy", own: true },
      { id: ids.webhook, kind: "webhook", own: true },
      { id: submittedHere, kind: "intent", own: true },
    ];
    await t.data("POST", "/v1/agents", { ...other, body: { ...BILLING_AGENT, id: "billing-agent-2" } });
  });
  afterAll(() => t.close());

  it.each(PAGINATED)(
    "%s: pages exactly as page and pageSize say, or answers 400 naming them",
    async (route) => {
      const path = route.replace("{webhook}", ids.webhook);
      const seed = SEED + PAGINATED.indexOf(route);
      const param = fc.oneof(
        { weight: 3, arbitrary: fc.tuple(fc.constantFrom("page", "pageSize"), numberText) },
        { weight: 1, arbitrary: fc.tuple(junkName, hostileText) },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(param, { maxLength: 5 }), async (pairs) => {
          const response = await t.request("GET", `${path}?${queryString(pairs)}`);
          const { status, json } = await answerOf(response);
          const page = first(pairs, "page");
          const pageSize = first(pairs, "pageSize");
          const invalid = [
            ...(page !== undefined && !wholeNumberIn(page, 1_000_000) ? ["page"] : []),
            ...(pageSize !== undefined && !wholeNumberIn(pageSize, 100) ? ["pageSize"] : []),
          ];
          const context = `${queryString(pairs)} → ${status} ${JSON.stringify(json).slice(0, 200)}`;
          if (invalid.length > 0) {
            expect(status, context).toBe(400);
            expect(json.error.code, context).toBe("VALIDATION_ERROR");
            const named = json.error.details.map((d: { path: string[] }) => d.path[0]);
            expect([...new Set(named)].sort(), context).toEqual(invalid.sort());
            return;
          }
          expect(status, context).toBe(200);
          const expectedSize = pageSize === undefined ? 20 : Number(pageSize);
          expect(json.data, context).toMatchObject({
            page: page === undefined ? 1 : Number(page),
            pageSize: expectedSize,
          });
          expect(json.data.items.length, context).toBeLessThanOrEqual(expectedSize);
          expect(Number.isInteger(json.data.total) && json.data.total >= 0, context).toBe(true);
        }),
        { seed, numRuns: 10 },
      );
    },
  );

  it("filters intents by status, agent, type and domain, or answers 400 naming the bad filter", async () => {
    const value = fc.oneof(
      fc.constantFrom(...INTENT_STATUSES, "billing-agent", "support.create_ticket", "support", "Pending"),
      hostileText,
    );
    const filter = fc.tuple(fc.constantFrom("status", "agentId", "type", "domain"), value);
    await fc.assert(
      fc.asyncProperty(fc.array(filter, { minLength: 1, maxLength: 4 }), async (pairs) => {
        const { status, json } = await answerOf(await t.request("GET", `/v1/intents?${queryString(pairs)}`));
        const context = `${queryString(pairs)} → ${status} ${JSON.stringify(json).slice(0, 200)}`;
        const filters = Object.fromEntries(
          ["status", "agentId", "type", "domain"].flatMap((name) => {
            const given = first(pairs, name);
            return given === undefined ? [] : [[name, given]];
          }),
        ) as Record<string, string>;
        const invalid = Object.entries(filters)
          .filter(([name, given]) =>
            name === "status" ? !(INTENT_STATUSES as readonly string[]).includes(given) : given === "",
          )
          .map(([name]) => name);
        if (invalid.length > 0) {
          expect(status, context).toBe(400);
          const named = json.error.details.map((d: { path: string[] }) => d.path[0]);
          expect([...new Set(named)].sort(), context).toEqual(invalid.sort());
          return;
        }
        // NUL: PostgreSQL cannot compare text holding one (400); SQLite finds nothing (200).
        if (status === 400 && Object.values(filters).some((given) => given.includes("\0"))) return;
        expect(status, context).toBe(200);
        for (const item of json.data.items) expect(item, context).toMatchObject(filters);
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  it("filters approvals by status, or answers 400 for a status outside the enum", async () => {
    const value = fc.oneof(fc.constantFrom(...APPROVAL_STATUSES, "all", "ALL", "Pending"), hostileText);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constant("status"), value), { maxLength: 3 }), async (pairs) => {
        const { status, json } = await answerOf(
          await t.request("GET", `/v1/approvals?${queryString(pairs)}`),
        );
        const given = first(pairs, "status") ?? "pending";
        const context = `${queryString(pairs)} → ${status}`;
        if (![...APPROVAL_STATUSES, "all"].includes(given)) {
          expect(status, context).toBe(400);
          expect(json.error.details[0].path, context).toEqual(["status"]);
          return;
        }
        expect(status, context).toBe(200);
        if (given !== "all") for (const item of json.data.items) expect(item.status, context).toBe(given);
      }),
      { seed: SEED, numRuns: 20 },
    );
  });

  it("bounds the audit query by fromDate and toDate, or answers 400 naming the bad date", async () => {
    const date = fc.oneof(
      fc.constantFrom(
        "2026-03-02",
        "2026-03-02T10:00:00Z",
        "2026-03-02T10:00:00.000+01:00",
        "2026-03-02T10:00",
        "2024-02-30",
        "2024-13-01",
        "2024-01-01T25:00",
        "2024-01-01T00:00:00+25:00",
        "+275760-09-13",
        "-271821-04-20",
        "9999999-01-01",
        "1e309",
        "0",
        "",
        "2024-01-01T00:00:00.123456789Z",
      ),
      fc
        .date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true })
        .chain((d) =>
          fc.constantFrom(d.toISOString(), d.toISOString().slice(0, 10), d.toISOString().slice(0, 16)),
        ),
      hostileText,
    );
    const pair = fc.tuple(fc.constantFrom("fromDate", "toDate", "eventType"), date);
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { minLength: 1, maxLength: 3 }), async (pairs) => {
        const { status, json } = await answerOf(await t.request("GET", `/v1/audit?${queryString(pairs)}`));
        const context = `${queryString(pairs)} → ${status} ${JSON.stringify(json).slice(0, 200)}`;
        const from = first(pairs, "fromDate");
        const to = first(pairs, "toDate");
        const eventType = first(pairs, "eventType");
        const fromBound = from === undefined ? undefined : parseDateBound(from, "start");
        const toBound = to === undefined ? undefined : parseDateBound(to, "end");
        const invalid = [
          ...(from !== undefined && fromBound === undefined ? ["fromDate"] : []),
          ...(to !== undefined && toBound === undefined ? ["toDate"] : []),
          ...(eventType === "" ? ["eventType"] : []),
        ];
        if (invalid.length > 0) {
          expect(status, context).toBe(400);
          const named = json.error.details.map((d: { path: string[] }) => d.path[0]);
          expect([...new Set(named)].sort(), context).toEqual(invalid.sort());
          return;
        }
        if (status === 400 && eventType?.includes("\0")) return;
        expect(status, context).toBe(200);
        for (const event of json.data.items) {
          if (fromBound !== undefined) expect(event.timestamp >= fromBound, context).toBe(true);
          if (toBound !== undefined) expect(event.timestamp <= toBound, context).toBe(true);
          if (eventType !== undefined) expect(event.eventType, context).toBe(eventType);
        }
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  it("limits ambient clusters to 1–1000, or answers 400 naming limit", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constant("limit"), numberText), { maxLength: 2 }),
        async (pairs) => {
          const { status, json } = await answerOf(
            await t.request("GET", `/v1/intentions/ambient?${queryString(pairs)}`),
          );
          const limit = first(pairs, "limit");
          if (limit !== undefined && !wholeNumberIn(limit, 1000)) {
            expect(status).toBe(400);
            expect(json.error.details[0].path).toEqual(["limit"]);
          } else {
            expect(status).toBe(200);
            expect(Array.isArray(json.data)).toBe(true);
          }
        },
      ),
      { seed: SEED, numRuns: 15 },
    );
  });

  it("answers 4xx, never 5xx, to raw query strings that are not even well encoded", async () => {
    const raw = fc.oneof(
      fc.constantFrom(
        "%",
        "%%",
        "%zz",
        "%E0%A4%A",
        "%ED%A0%80",
        "%C0%AF",
        "page=%",
        "page=1%00",
        "a=%FF",
        "&&&=&",
      ),
      fc.string({ unit: "grapheme-ascii", maxLength: 30 }).map((text) => text.replace(/[#\s]/g, "")),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PAGINATED, "/v1/intentions/ambient", "/v1/stats"),
        raw,
        async (route, q) => {
          const response = await t.request("GET", `${route.replace("{webhook}", ids.webhook)}?${q}`);
          const { status } = await answerOf(response);
          expect([200, 400]).toContain(status);
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  const ID_ROUTES: { method: string; path: string; param?: string; body?: unknown }[] = [
    { method: "GET", path: "/v1/agents/{id}" },
    { method: "GET", path: "/v1/agents/{id}/metrics" },
    { method: "PUT", path: "/v1/agents/{id}/trust", body: { tier: "T2", reason: "r" } },
    { method: "GET", path: "/v1/intents/{id}" },
    { method: "POST", path: "/v1/intents/{id}/complete", body: {} },
    { method: "POST", path: "/v1/intents/{id}/fail", body: { error: "e" } },
    { method: "GET", path: "/v1/approvals/{id}" },
    { method: "POST", path: "/v1/approvals/{id}/approve" },
    { method: "POST", path: "/v1/approvals/{id}/reject", body: { reason: "r" } },
    { method: "GET", path: "/v1/policies/{id}" },
    { method: "PUT", path: "/v1/policies/{id}", body: { name: "n", effect: "allow" } },
    { method: "DELETE", path: "/v1/policies/{id}" },
    { method: "GET", path: "/v1/intentions/{id}" },
    { method: "PATCH", path: "/v1/intentions/{id}", body: { ttl_minutes: 9 } },
    { method: "POST", path: "/v1/intentions/{id}/publish" },
    { method: "POST", path: "/v1/intentions/{id}/archive" },
    { method: "POST", path: "/v1/intentions/ambient/{id}/generalize", param: "clusterId" },
    { method: "DELETE", path: "/v1/api-keys/{id}" },
    { method: "GET", path: "/v1/webhooks/{id}" },
    { method: "PATCH", path: "/v1/webhooks/{id}", body: { enabled: false } },
    { method: "DELETE", path: "/v1/webhooks/{id}" },
    { method: "POST", path: "/v1/webhooks/{id}/test" },
    { method: "GET", path: "/v1/webhooks/{id}/deliveries" },
    { method: "POST", path: "/v1/webhooks/{id}/rotate-secret" },
    { method: "POST", path: "/v1/webhooks/deliveries/{id}/redeliver" },
    { method: "GET", path: "/v1/inbound/{id}" },
    { method: "DELETE", path: "/v1/inbound/{id}" },
    { method: "POST", path: "/v1/inbound/{id}", body: { intentId: "int_x", outcome: "completed" } },
    { method: "POST", path: "/v1/inbound/{id}/rotate-secret" },
  ];
  /** Literal segments that share a position with an id (`/v1/intentions/ambient`). */
  const LITERALS = new Set([".", "..", "ambient", "simulate", "deliveries", "verify"]);

  it.each(ID_ROUTES.map((route, index) => [`${route.method} ${route.path}`, route, index] as const))(
    "%s: answers 404 for ids it does not hold, 400 for malformed ones, and writes nothing",
    async (_name, route, index) => {
      const kind = kindOf(route.path);
      const strangers = ids.strangers
        // This tenant's own record is a stranger only on routes of another kind; an inbound
        // endpoint of any tenant answers its (public, signed) report route with 401, not 404.
        .filter(
          (s) => !(s.own && s.kind === kind) && !(route.path === "/v1/inbound/{id}" && s.kind === "inbound"),
        )
        .map((s) => s.id);
      const id = fc
        .oneof(
          { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 24 }) },
          { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }) },
          { weight: 1, arbitrary: fc.integer({ min: 195, max: 2_000 }).map((n) => "é".repeat(n)) },
          {
            weight: 3,
            arbitrary: fc.constantFrom(
              "a/b",
              "..%2F",
              "\u0000",
              "int_\u0000x",
              "%00",
              "%2e%2e",
              "?x=1",
              "#frag",
              "a b",
              "\u202eevil",
              "😀",
              "__proto__",
              "constructor",
              "a".repeat(200),
              "a".repeat(201),
            ),
          },
          { weight: 3, arbitrary: fc.constantFrom(...strangers) },
        )
        .filter((candidate) => !LITERALS.has(candidate));
      let digest = await stateDigest(t);
      await fc.assert(
        fc.asyncProperty(id, async (candidate) => {
          const path = route.path.replace("{id}", encodeURIComponent(candidate));
          const response = await t.request(
            route.method,
            path,
            route.body === undefined ? {} : { body: route.body },
          );
          const { status, json } = await answerOf(response);
          const context = `${route.method} ${path.slice(0, 120)} → ${status} ${JSON.stringify(json).slice(0, 200)}`;
          if (candidate.length > 200 || candidate.includes("\0")) {
            expect(status, context).toBe(400);
            expect(json.error.details[0].path, context).toEqual([route.param ?? "id"]);
          } else {
            expect(status, context).toBe(404);
          }
          const after = await stateDigest(t);
          expect(after, `refused but wrote: ${context}`).toBe(digest);
          digest = after;
        }),
        // Every route sees NUL, an id one past the limit and a stranger, whatever the seed draws.
        { seed: SEED + index, numRuns: 8, examples: [["\u0000"], ["x".repeat(201)], [strangers[0]!]] },
      );
    },
  );

  it("accepts x-tenant-id only when it names the key's own tenant", async () => {
    const tenant = fc.oneof(
      fc.constantFrom(
        TENANT,
        ` ${TENANT} `,
        `\t${TENANT}`,
        TENANT.toUpperCase(),
        "globex",
        `${TENANT},${TENANT}`,
        "",
      ),
      fc.string({ unit: "grapheme-ascii", maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(tenant, async (value) => {
        const response = await t.request("GET", "/v1/stats", { headers: { "x-tenant-id": value } });
        const { status, json } = await answerOf(response);
        // Fetch (like HTTP) drops the spaces and tabs around a header value.
        const expected = value.replace(/^[ \t]+|[ \t]+$/g, "") === TENANT ? 200 : 401;
        expect(status, `${JSON.stringify(value)} → ${status}`).toBe(expected);
        if (status === 401) expect(json.error.code).toBe("UNAUTHORIZED");
      }),
      { seed: SEED, numRuns: 25 },
    );
    const both = await t.app.request("/v1/stats", {
      headers: [
        ["x-api-key", t.keys.admin],
        ["x-tenant-id", TENANT],
        ["x-tenant-id", "globex"],
      ],
    });
    expect((await answerOf(both)).status).toBe(401);
  });

  it("echoes a well-formed x-request-id and mints one for anything else", async () => {
    const requestId = fc.oneof(
      fc.string({ unit: "grapheme-ascii", maxLength: 20 }),
      fc.constantFrom("x".repeat(128), "x".repeat(129), "req_1", "a b", "a\tb", "ok:@.-_"),
    );
    await fc.assert(
      fc.asyncProperty(requestId, fc.boolean(), async (value, authenticated) => {
        const response = await t.request("GET", "/v1/stats", {
          key: authenticated ? t.keys.read_only : null,
          headers: { "x-request-id": value },
        });
        await answerOf(response);
        const sent = value.replace(/^[ \t]+|[ \t]+$/g, "");
        const echoed = response.headers.get("x-request-id");
        if (/^[\w.:@-]{1,128}$/.test(sent)) expect(echoed).toBe(sent);
        else expect(echoed).toMatch(/^req_[0-9A-Z]{26}$/);
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it("answers 401 to any key it did not issue, and to a bearer naming another key", async () => {
    const junk = fc.oneof(
      fc.string({ unit: "grapheme-ascii", maxLength: 60 }),
      fc
        .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 40 })
        .map((s) => `intendedops_${TENANT}_${s}`),
      fc.constantFrom(`intendedops_${TENANT}_`, "intendedops__x", `${t?.keys?.admin ?? ""}x`, "Bearer"),
    );
    await fc.assert(
      fc.asyncProperty(junk, fc.constantFrom("x-api-key", "authorization"), async (value, header) => {
        const headers: Record<string, string> =
          header === "x-api-key" ? { "x-api-key": value } : { authorization: `Bearer ${value}` };
        const alone = await answerOf(await t.request("GET", "/v1/stats", { key: null, headers }));
        expect(alone.status, `${header}: ${value}`).toBe(401);
        expect(alone.json.error.code).toBe("UNAUTHORIZED");
        if (header === "authorization") {
          // Beside a valid x-api-key a bearer only counts when it is an API key, and then a different one.
          const bearer = /^Bearer\s+(\S+)\s*$/i.exec(`Bearer ${value}`)?.[1];
          const conflicting =
            bearer !== undefined && parseApiKey(bearer) !== undefined && bearer !== t.keys.admin;
          const beside = await answerOf(await t.request("GET", "/v1/stats", { headers }));
          expect(beside.status, `Bearer ${value}`).toBe(conflicting ? 401 : 200);
        }
      }),
      { seed: SEED, numRuns: 25 },
    );
  });

  it("keeps the audit chain valid after all of it", async () => {
    expect(await t.data("GET", "/v1/audit/verify")).toMatchObject({ valid: true });
  });
});
