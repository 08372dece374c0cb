import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { bootstrapKeys } from "../src/bootstrap";
import { createTestApp, DIALECTS, TENANT, type TestApp } from "./support/test-app";

describe.each(DIALECTS)("keyPrefix of API keys (%s)", (dialect) => {
  let t: TestApp;
  afterEach(() => t.close());

  // Regression: a bootstrap key made with `openssl rand -hex 16` has exactly 128 bits of secret;
  // showing 4 of its hex characters in GET /v1/api-keys (and the start-up log) left 112 unknown.
  it("shows none of the secret of a bootstrap key the operator chose", async () => {
    t = await createTestApp(dialect);
    const secret = randomBytes(16).toString("hex");
    const key = `intendedops_${TENANT}_${secret}`;
    const result = await bootstrapKeys(t.store, [key], t.clock());
    expect(result.created).toEqual([`intendedops_${TENANT}_`]);

    const listed = await t.data("GET", "/v1/api-keys?pageSize=100");
    const bootstrap = listed.items.find((item: { name: string }) => item.name === "bootstrap");
    expect(bootstrap.keyPrefix).toBe(`intendedops_${TENANT}_`);
    // The bootstrap key itself works: nothing but the displayed prefix changed.
    expect((await t.request("GET", "/v1/stats", { key })).status).toBe(200);
  });

  it("still shows the first secret characters of a key the server generated", async () => {
    t = await createTestApp(dialect);
    const created = await t.data("POST", "/v1/api-keys", { body: { name: "bot", scopes: ["agent"] } });
    expect(created.keyPrefix).toBe(created.key.slice(0, `intendedops_${TENANT}_`.length + 4));
  });
});
