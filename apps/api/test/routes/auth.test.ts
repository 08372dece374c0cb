import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, OTHER_TENANT, TENANT, type TestApp } from "../support/test-app";

describe("authentication", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("sqlite");
  });
  afterAll(() => t.close());

  it("answers 401 UNAUTHORIZED when no key is sent", async () => {
    const response = await t.request("GET", "/v1/stats", { key: null });
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe("UNAUTHORIZED");
  });

  it("answers 401 when the key is unknown", async () => {
    const response = await t.request("GET", "/v1/stats", { key: `intendedops_${TENANT}_${"x".repeat(32)}` });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toEqual({ code: "UNAUTHORIZED", message: "Invalid API key" });
  });

  it("answers 401 when the key is not in the intendedops_<tenant>_<secret> format", async () => {
    const response = await t.request("GET", "/v1/stats", { key: "sk_live_123" });
    expect(response.status).toBe(401);
  });

  it("answers 401 when a valid secret is presented under another tenant's prefix", async () => {
    const secret = t.keys.admin.slice(`intendedops_${TENANT}_`.length);
    const response = await t.request("GET", "/v1/stats", { key: `intendedops_${OTHER_TENANT}_${secret}` });
    expect(response.status).toBe(401);
  });

  it("accepts the key as a bearer token when x-api-key is absent", async () => {
    const response = await t.request("GET", "/v1/stats", {
      key: null,
      headers: { authorization: `Bearer ${t.keys.read_only}` },
    });
    expect(response.status).toBe(200);
  });

  it("accepts x-tenant-id when it names the key's tenant", async () => {
    const response = await t.request("GET", "/v1/stats", { headers: { "x-tenant-id": TENANT } });
    expect(response.status).toBe(200);
  });

  it("answers 401 when x-tenant-id names another tenant than the key's", async () => {
    const response = await t.request("GET", "/v1/stats", { headers: { "x-tenant-id": OTHER_TENANT } });
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toBe("x-tenant-id does not match the API key's tenant");
  });

  it("lets every scope read when the route is a GET", async () => {
    for (const key of [t.keys.read_only, t.keys.agent, t.keys.approver, t.keys.policy_write, t.keys.admin]) {
      expect((await t.request("GET", "/v1/agents", { key })).status).toBe(200);
    }
  });

  it("answers 403 FORBIDDEN when a read-only key writes", async () => {
    const response = await t.request("POST", "/v1/agents", {
      key: t.keys.read_only,
      body: { name: "Reader" },
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toEqual({
      code: "FORBIDDEN",
      message: "This API key lacks the scope for this operation (needs agent or admin)",
      details: { required: "agent", scopes: ["read_only"] },
    });
  });

  // Regression: the message used to read "needs admin or admin".
  it("names admin once when a non-admin key calls an admin-only route", async () => {
    const response = await t.request("GET", "/v1/api-keys", { key: t.keys.policy_write });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toEqual({
      code: "FORBIDDEN",
      message: "This API key lacks the scope for this operation (needs admin)",
      details: { required: "admin", scopes: ["policy_write"] },
    });
  });

  // Regression: x-api-key silently won over a different key in Authorization, so a proxy that
  // authorized the bearer's caller let the request act as the x-api-key's caller (another tenant here).
  it("answers 401 when x-api-key and Authorization: Bearer carry different keys", async () => {
    const response = await t.request("GET", "/v1/api-keys", {
      key: t.keys.other,
      headers: { authorization: `Bearer ${t.keys.read_only}` },
    });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toEqual({
      code: "UNAUTHORIZED",
      message: "x-api-key and Authorization carry different API keys: send one key",
    });
  });

  it("accepts the same key in both x-api-key and Authorization: Bearer", async () => {
    const response = await t.request("GET", "/v1/stats", {
      key: t.keys.read_only,
      headers: { authorization: `Bearer ${t.keys.read_only}` },
    });
    expect(response.status).toBe(200);
  });

  it("uses x-api-key when Authorization carries a bearer token that is not an API key", async () => {
    const response = await t.request("GET", "/v1/stats", {
      key: t.keys.read_only,
      headers: { authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.gateway.token" },
    });
    expect(response.status).toBe(200);
  });

  it("refuses authentication before reading a malformed body", async () => {
    const response = await t.request("POST", "/v1/agents", {
      key: null,
      rawBody: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(401);
  });
});

describe("key cache", () => {
  it("stops a revoked key at once even when successful lookups are cached", async () => {
    const t = await createTestApp("sqlite", { KEY_CACHE_TTL_MS: "60000" });
    try {
      const created = await t.data("POST", "/v1/api-keys", { body: { name: "temp", scopes: ["read_only"] } });
      expect((await t.request("GET", "/v1/stats", { key: created.key })).status).toBe(200);
      await t.data("DELETE", `/v1/api-keys/${created.id}`);
      expect((await t.request("GET", "/v1/stats", { key: created.key })).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
