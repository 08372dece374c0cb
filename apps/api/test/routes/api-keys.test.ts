import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, DIALECTS, TENANT, type TestApp } from "../support/test-app";

describe.each(DIALECTS)("api-keys routes on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it("returns the new key once, in the guide's format, and the key works with its scopes", async () => {
    const response = await t.request("POST", "/v1/api-keys", {
      body: { name: "billing agent", scopes: ["agent"] },
    });
    expect(response.status).toBe(201);
    const { data } = await response.json();
    expect(data).toMatchObject({
      id: expect.stringMatching(/^key_/),
      name: "billing agent",
      tenantId: TENANT,
      scopes: ["agent"],
      rateLimitPerMinute: null,
      revokedAt: null,
    });
    expect(data.key).toMatch(new RegExp(`^intendedops_${TENANT}_[A-Za-z0-9]{32}$`));
    expect(data.key.startsWith(data.keyPrefix)).toBe(true);
    expect((await t.request("GET", "/v1/agents", { key: data.key })).status).toBe(200);
    expect((await t.request("POST", "/v1/policies/simulate", { key: data.key, body: {} })).status).toBe(403);
  });

  it("lists keys without the secret or its hash", async () => {
    const created = await t.data("POST", "/v1/api-keys", { body: { name: "listed", scopes: ["read_only"] } });
    const response = await t.request("GET", "/v1/api-keys?pageSize=100");
    const text = await response.text();
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(created.key.slice(-20));
    expect(text).not.toContain("keyHash");
    const page = JSON.parse(text).data;
    expect(page.items.map((k: { id: string }) => k.id)).toContain(created.id);
    expect(page.items.every((k: { key?: string }) => k.key === undefined)).toBe(true);
  });

  it("revokes a key so that it stops working immediately", async () => {
    const created = await t.data("POST", "/v1/api-keys", {
      body: { name: "short-lived", scopes: ["read_only"] },
    });
    expect((await t.request("GET", "/v1/stats", { key: created.key })).status).toBe(200);
    const revoked = await t.data("DELETE", `/v1/api-keys/${created.id}`);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    expect((await t.request("GET", "/v1/stats", { key: created.key })).status).toBe(401);
    const listed = await t.data("GET", "/v1/api-keys?pageSize=100");
    expect(listed.items.find((k: { id: string }) => k.id === created.id).revokedAt).not.toBeNull();
  });

  it("answers 400 naming the field when a scope is unknown or missing", async () => {
    const unknown = await t.request("POST", "/v1/api-keys", { body: { name: "x", scopes: ["superuser"] } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.details[0].path).toEqual(["scopes", 0]);
    const missing = await t.request("POST", "/v1/api-keys", { body: { name: "x" } });
    expect((await missing.json()).error.details[0].path).toEqual(["scopes"]);
  });

  it.each(["read_only", "agent", "approver", "policy_write"] as const)(
    "answers 403 on create, list and revoke when the scope is %s",
    async (scope) => {
      const key = t.keys[scope];
      expect(
        (await t.request("POST", "/v1/api-keys", { key, body: { name: "x", scopes: ["admin"] } })).status,
      ).toBe(403);
      expect((await t.request("GET", "/v1/api-keys", { key })).status).toBe(403);
      const victim = await t.data("POST", "/v1/api-keys", {
        body: { name: "victim", scopes: ["read_only"] },
      });
      expect((await t.request("DELETE", `/v1/api-keys/${victim.id}`, { key })).status).toBe(403);
    },
  );

  it("answers 404 when revoking another tenant's key, which keeps working", async () => {
    const created = await t.data("POST", "/v1/api-keys", { body: { name: "mine", scopes: ["read_only"] } });
    expect((await t.request("DELETE", `/v1/api-keys/${created.id}`, { key: t.keys.other })).status).toBe(404);
    expect((await t.request("GET", "/v1/stats", { key: created.key })).status).toBe(200);
    const others = await t.data("GET", "/v1/api-keys", { key: t.keys.other });
    expect(others.items.map((k: { id: string }) => k.id)).not.toContain(created.id);
  });
});
