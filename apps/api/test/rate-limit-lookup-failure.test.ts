import { IntendedOpsError } from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/test-app";

/**
 * Every response carries the rate-limit headers (docs/api.md), also when the API key could not be
 * looked up because the database did not answer. Regression: that 503 went out without them, and
 * `/health` called with a key answered the error instead of its own body.
 */
describe("a failed key lookup", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("sqlite");
    t.services.keys.resolve = async () => {
      throw new IntendedOpsError("SERVICE_UNAVAILABLE", "The database is busy; retry shortly");
    };
  });
  afterAll(() => t.close());

  it("answers 503 with the rate-limit headers", async () => {
    const response = await t.request("GET", "/v1/stats");
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(response.headers.get("ratelimit-policy")).toMatch(/^"default";q=\d+;w=60$/);
    expect(response.headers.get("ratelimit")).toMatch(/^"default";r=\d+;t=\d+$/);
  });

  it("leaves /health to answer as without a key", async () => {
    const response = await t.request("GET", "/health");
    expect(response.status).toBe(200);
    expect((await response.json()).data).toMatchObject({ status: "healthy" });
    expect(response.headers.get("ratelimit")).not.toBeNull();
  });
});
