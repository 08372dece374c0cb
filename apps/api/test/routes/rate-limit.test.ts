import { describe, expect, it } from "vitest";
import { createTestApp } from "../support/test-app";

describe("rate limit", () => {
  it("sends the policy and the remaining budget on every response when a key calls", async () => {
    const t = await createTestApp("sqlite");
    try {
      t.clock.set(Date.parse("2026-03-02T10:00:15.000Z"));
      const first = await t.request("GET", "/v1/stats");
      expect(first.headers.get("ratelimit-policy")).toBe('"default";q=1000;w=60');
      expect(first.headers.get("ratelimit")).toBe('"default";r=999;t=45');
      const second = await t.request("GET", "/v1/stats");
      expect(second.headers.get("ratelimit")).toBe('"default";r=998;t=45');
    } finally {
      await t.close();
    }
  });

  it("answers 429 RATE_LIMITED with Retry-After when the key's window is used up, and resets next minute", async () => {
    const t = await createTestApp("sqlite", { RATE_LIMIT_PER_MINUTE: "3" });
    try {
      t.clock.set(Date.parse("2026-03-02T10:00:50.000Z"));
      for (let i = 0; i < 3; i++) expect((await t.request("GET", "/v1/stats")).status).toBe(200);
      const limited = await t.request("GET", "/v1/stats");
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("10");
      expect(limited.headers.get("ratelimit")).toBe('"default";r=0;t=10');
      expect(await limited.json()).toEqual({ error: { code: "RATE_LIMITED", message: "Too many requests" } });
      // Another key has its own budget.
      expect((await t.request("GET", "/v1/stats", { key: t.keys.read_only })).status).toBe(200);
      t.clock.set(Date.parse("2026-03-02T10:01:00.000Z"));
      expect((await t.request("GET", "/v1/stats")).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("applies a key's own limit when the key record sets one", async () => {
    const t = await createTestApp("sqlite");
    try {
      const created = await t.data("POST", "/v1/api-keys", {
        body: { name: "slow", scopes: ["read_only"], rateLimitPerMinute: 2 },
      });
      const first = await t.request("GET", "/v1/stats", { key: created.key });
      expect(first.headers.get("ratelimit-policy")).toBe('"default";q=2;w=60');
      await t.request("GET", "/v1/stats", { key: created.key });
      expect((await t.request("GET", "/v1/stats", { key: created.key })).status).toBe(429);
    } finally {
      await t.close();
    }
  });

  it("counts requests without a valid key against the client address", async () => {
    const t = await createTestApp("sqlite", { RATE_LIMIT_PER_MINUTE: "2" });
    try {
      await t.request("GET", "/v1/stats", { key: null });
      await t.request("GET", "/v1/stats", { key: "intendedops_acme_guessguessguessguessguess" });
      const third = await t.request("GET", "/v1/stats", { key: null });
      expect(third.status).toBe(429);
    } finally {
      await t.close();
    }
  });

  // Regression: probes and scrapes shared the client address's budget and were answered 429.
  it("never counts or refuses GET and HEAD /health and /metrics, and still reports the budget", async () => {
    const t = await createTestApp("sqlite", { RATE_LIMIT_PER_MINUTE: "2" });
    try {
      t.clock.set(Date.parse("2026-03-02T10:00:15.000Z"));
      for (let i = 0; i < 3; i++) {
        for (const [method, path] of [
          ["GET", "/health"],
          ["HEAD", "/health"],
          ["GET", "/metrics"],
          ["HEAD", "/metrics"],
        ] as const) {
          const response = await t.request(method, path, { key: null });
          expect(response.status, `${method} ${path}`).toBe(200);
          expect(response.headers.get("ratelimit-policy")).toBe('"default";q=2;w=60');
          expect(response.headers.get("ratelimit")).toBe('"default";r=2;t=45');
        }
      }
      // The address's budget is untouched by them, and spending it does not starve them.
      expect((await t.request("GET", "/v1/stats", { key: null })).status).toBe(401);
      expect((await t.request("GET", "/v1/stats", { key: null })).status).toBe(401);
      expect((await t.request("GET", "/v1/stats", { key: null })).status).toBe(429);
      for (const path of ["/health", "/metrics"]) {
        const response = await t.request("GET", path, { key: null });
        expect(response.status, path).toBe(200);
        expect(response.headers.get("ratelimit")).toBe('"default";r=0;t=45');
      }
    } finally {
      await t.close();
    }
  });

  it("keeps counting other unauthenticated routes and other methods on /health", async () => {
    const t = await createTestApp("sqlite", { RATE_LIMIT_PER_MINUTE: "1" });
    try {
      expect((await t.request("POST", "/health", { key: null })).status).toBe(405);
      expect((await t.request("GET", "/openapi.json", { key: null })).status).toBe(429);
    } finally {
      await t.close();
    }
  });
});
