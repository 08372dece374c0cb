import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/test-app";

/**
 * MAX_WEBHOOKS_PER_TENANT bounds a tenant's outgoing webhook endpoints and, separately, its
 * inbound endpoints. Regression: nothing did, and every event is written once per subscribed
 * endpoint, so a tenant with thousands of endpoints made each of its events a long write for the
 * whole server (5,000 endpoints × 10 events: 50,000 delivery rows in one SQLite write).
 */
const LIMIT = 3;
const KINDS = [
  ["/v1/webhooks", { url: "http://127.0.0.1:9/hook", events: ["*"] }],
  ["/v1/inbound", {}],
] as const;

describe.each(["sqlite", "postgres"] as const)("endpoints per tenant (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, {
      INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1",
      MAX_WEBHOOKS_PER_TENANT: String(LIMIT),
    });
  });
  afterAll(() => t.close());

  const count = async (path: string, key = t.keys.admin) =>
    (await t.data("GET", `${path}?pageSize=100`, { key })).total as number;

  it.each(KINDS)("refuses %s past the limit with 409 CONFLICT and writes nothing", async (path, body) => {
    for (let i = 0; i < LIMIT; i++) expect((await t.request("POST", path, { body })).status).toBe(201);
    const audited = (await t.data("GET", "/v1/audit?pageSize=1")).total as number;
    const refused = await t.request("POST", path, { body });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatchObject({ code: "CONFLICT", details: { limit: LIMIT } });
    expect(await count(path)).toBe(LIMIT);
    expect((await t.data("GET", "/v1/audit?pageSize=1")).total).toBe(audited);
    // Another tenant's endpoints are its own.
    expect((await t.request("POST", path, { body, key: t.keys.other })).status).toBe(201);
  });

  // The other tenant holds one webhook endpoint from the test above.
  it("holds the limit when the other tenant's creates all arrive at once", async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.request("POST", "/v1/webhooks", { body: KINDS[0][1], key: t.keys.other }),
      ),
    );
    expect(answers.filter((r) => r.status === 201).length + 1).toBe(LIMIT);
    expect(answers.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
    expect(await count("/v1/webhooks", t.keys.other)).toBe(LIMIT);
  });
});
