import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, DIALECTS, type TestApp } from "./support/test-app";

/**
 * What the server answers and what /openapi.json says it answers must agree: request bodies are
 * strict (unknown fields refused, and documented as such), every status a route can produce is
 * listed, and every route the server serves is in the document.
 */

// biome-ignore lint/suspicious/noExplicitAny: the document is inspected as plain JSON.
type Json = any;

describe.each(DIALECTS)("request bodies refuse unknown fields on %s", (dialect) => {
  let t: TestApp;
  let webhookId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect, { INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1" });
    webhookId = (
      await t.data("POST", "/v1/webhooks", { body: { url: "http://127.0.0.1:9/hook", events: ["*"] } })
    ).id;
  });
  afterAll(() => t.close());

  const cases: [string, string, () => string, unknown][] = [
    ["POST", "/v1/api-keys", () => "", { name: "k", scopes: ["agent"], rate_limit_per_minute: 5 }],
    ["POST", "/v1/webhooks", () => "", { url: "http://127.0.0.1:9/x", events: ["*"], enabeld: false }],
    ["PATCH", "/v1/webhooks/{id}", () => webhookId, { enabled: true, disabled: true }],
    ["POST", "/v1/inbound", () => "", { description: "e-sign", intent_types: ["contracts.*"] }],
    ["POST", "/v1/tokens/verify", () => "", { token: "x", tenant: "acme" }],
  ];

  it.each(cases)(
    "%s %s: an unknown field is 400 VALIDATION_ERROR naming it",
    async (method, path, id, body) => {
      const unknown = Object.keys(body as object).at(-1)!;
      const response = await t.request(method, path.replace("{id}", id()), { body });
      expect(response.status).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details).toContainEqual({ path: [unknown], message: "Unknown field" });
    },
  );

  it("says what is wrong with a too long name or token, not that it is missing", async () => {
    const name = await t.request("POST", "/v1/api-keys", {
      body: { name: "x".repeat(201), scopes: ["agent"] },
    });
    expect(name.status).toBe(400);
    expect((await name.json()).error.message).toBe("name: name must be at most 200 characters");
    const token = await t.request("POST", "/v1/tokens/verify", { body: { token: "x".repeat(8193) } });
    expect(token.status).toBe(400);
    expect((await token.json()).error.message).toBe("token: token must be at most 8192 characters");
  });
});

describe("/openapi.json matches what the server answers", () => {
  let t: TestApp;
  let document: Json;
  beforeAll(async () => {
    t = await createTestApp("sqlite", { RATE_LIMIT_PER_MINUTE: "2" });
    document = await (await t.request("GET", "/openapi.json", { key: null })).json();
  });
  afterAll(() => t.close());

  it("documents the strict request bodies as additionalProperties: false", () => {
    for (const name of [
      "CreateApiKey",
      "CreateWebhook",
      "UpdateWebhook",
      "CreateInboundEndpoint",
      "VerifyToken",
    ]) {
      expect(document.components.schemas[name].additionalProperties, name).toBe(false);
    }
  });

  it("has no two path templates that differ only in a parameter's name (OpenAPI forbids them)", () => {
    const shapes = Object.keys(document.paths).map((path) => path.replace(/\{[^}]+\}/g, "{}"));
    expect(new Set(shapes).size).toBe(shapes.length);
  });

  it("documents the 200 of an idempotent replay of POST /v1/intents", () => {
    const responses = document.paths["/v1/intents"].post.responses;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(["200", "201"]));
    expect(responses["200"].content["application/json"].schema).toEqual(
      responses["201"].content["application/json"].schema,
    );
  });

  it("documents /openapi.json itself and the metrics token", () => {
    expect(document.paths["/openapi.json"]?.get?.responses).toHaveProperty("200");
    const metrics = document.paths["/metrics"].get;
    expect(metrics.responses).toHaveProperty("401");
    expect(metrics.security).toEqual([{}, { MetricsToken: [] }]);
    expect(document.components.securitySchemes.MetricsToken).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
  });

  it("documents 429 on the public routes the rate limiter counts, and not on /health", async () => {
    for (let i = 0; i < 3; i++) await t.request("GET", "/.well-known/jwks.json", { key: null });
    expect((await t.request("GET", "/.well-known/jwks.json", { key: null })).status).toBe(429);
    expect(document.paths["/.well-known/jwks.json"].get.responses).toHaveProperty("429");
    expect(document.paths["/openapi.json"].get.responses).toHaveProperty("429");
    expect((await t.request("GET", "/health", { key: null })).status).toBe(200);
    expect(document.paths["/health"].get.responses).not.toHaveProperty("429");
  });
});
