import { IntendedOps_METRICS } from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../support/test-app";

describe("GET /health", () => {
  it("answers healthy with a timestamp and needs no key", async () => {
    const t = await createTestApp("sqlite");
    try {
      const response = await t.request("GET", "/health", { key: null });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        data: { status: "healthy", timestamp: new Date(t.clock()).toISOString() },
      });
    } finally {
      await t.close();
    }
  });

  it("answers 503 unhealthy when the database does not answer", async () => {
    const t = await createTestApp("sqlite");
    await t.store.close();
    const response = await t.request("GET", "/health", { key: null });
    expect(response.status).toBe(503);
    expect((await response.json()).data.status).toBe("unhealthy");
  });
});

describe("GET /metrics", () => {
  it("renders all 17 metrics of the guide as Prometheus text without a key", async () => {
    const t = await createTestApp("sqlite");
    try {
      const response = await t.request("GET", "/metrics", { key: null });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
      const text = await response.text();
      const names = Object.values(IntendedOps_METRICS);
      expect(names).toHaveLength(17);
      for (const name of names) {
        expect(text).toContain(`# HELP ${name} `);
        expect(text).toMatch(new RegExp(`# TYPE ${name} (counter|gauge|histogram)`));
      }
    } finally {
      await t.close();
    }
  });

  it("asks for the bearer token when METRICS_TOKEN is set", async () => {
    const t = await createTestApp("sqlite", { METRICS_TOKEN: "scrape-token-0123456789" });
    try {
      expect((await t.request("GET", "/metrics", { key: null })).status).toBe(401);
      const wrong = await t.request("GET", "/metrics", {
        key: null,
        headers: { authorization: "Bearer nope" },
      });
      expect(wrong.status).toBe(401);
      const right = await t.request("GET", "/metrics", {
        key: null,
        headers: { authorization: "Bearer scrape-token-0123456789" },
      });
      expect(right.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe("GET /openapi.json", () => {
  it("describes every v1 route in OpenAPI 3.1 with the request schemas the routes validate with", async () => {
    const t = await createTestApp("sqlite");
    try {
      const response = await t.request("GET", "/openapi.json", { key: null });
      expect(response.status).toBe(200);
      const document = await response.json();
      expect(document.openapi).toBe("3.1.0");
      for (const path of [
        "/health",
        "/v1/stats",
        "/v1/agents",
        "/v1/agents/{id}",
        "/v1/agents/{id}/metrics",
        "/v1/agents/{id}/trust",
        "/v1/intents",
        "/v1/intents/{id}",
        "/v1/intents/{id}/complete",
        "/v1/intents/{id}/fail",
        "/v1/approvals",
        "/v1/approvals/{id}/approve",
        "/v1/approvals/{id}/reject",
        "/v1/policies",
        "/v1/policies/{id}",
        "/v1/policies/simulate",
        "/v1/audit",
        "/v1/audit/verify",
        "/v1/api-keys",
        "/v1/api-keys/{id}",
      ]) {
        expect(document.paths[path], path).toBeDefined();
      }
      const create = document.paths["/v1/intents"].post;
      expect(create.requestBody.content["application/json"].schema.$ref).toBe(
        "#/components/schemas/CreateIntent",
      );
      expect(document.components.schemas.CreateIntent.required).toEqual(
        expect.arrayContaining(["type", "agentId"]),
      );
      expect(create.responses["201"]).toBeDefined();
      // Error answers are shared components: the envelope with its headers, described once.
      expect(create.responses["401"].$ref).toBe("#/components/responses/Unauthorized");
      expect(document.components.responses.Unauthorized.content["application/json"].schema.$ref).toBe(
        "#/components/schemas/Error",
      );
      expect(document.components.securitySchemes.ApiKeyAuth).toMatchObject({
        in: "header",
        name: "x-api-key",
      });
    } finally {
      await t.close();
    }
  });

  it("lists 413 and 415 on every route that may carry a body, body schema or not", async () => {
    const t = await createTestApp("sqlite");
    try {
      const document = await (await t.request("GET", "/openapi.json", { key: null })).json();
      for (const [path, method] of [
        ["/v1/approvals/{id}/approve", "post"],
        ["/v1/policies/{id}", "delete"],
        ["/v1/agents", "post"],
      ] as const) {
        const responses = document.paths[path][method].responses;
        expect(Object.keys(responses), `${method} ${path}`).toEqual(expect.arrayContaining(["413", "415"]));
      }
      expect(Object.keys(document.paths["/v1/stats"].get.responses)).not.toContain("415");
    } finally {
      await t.close();
    }
  });
});
