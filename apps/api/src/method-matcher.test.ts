import { describe, expect, it } from "vitest";
import { createMethodMatcher } from "./method-matcher";

describe("createMethodMatcher", () => {
  const matcher = createMethodMatcher([
    { method: "ALL", path: "*" },
    { method: "GET", path: "/v1/agents" },
    { method: "POST", path: "/v1/agents" },
    { method: "GET", path: "/v1/agents/:id" },
    { method: "POST", path: "/v1/approvals/:id/approve" },
  ]);

  it("lists the registered methods when a concrete path matches a pattern", () => {
    expect(matcher.allowedMethods("/v1/agents")).toEqual(["GET", "HEAD", "POST"]);
    expect(matcher.allowedMethods("/v1/agents/billing-agent")).toEqual(["GET", "HEAD"]);
    expect(matcher.allowedMethods("/v1/approvals/apr_1/approve")).toEqual(["POST"]);
  });

  it("returns nothing when no endpoint matches the path", () => {
    expect(matcher.allowedMethods("/v1/nothing")).toEqual([]);
    expect(matcher.allowedMethods("/v1/agents/a/b")).toEqual([]);
  });

  it("returns nothing when the path has a trailing slash, since the router serves none", () => {
    expect(matcher.allowedMethods("/v1/agents/")).toEqual([]);
    expect(matcher.allowedMethods("/v1/agents/billing-agent/")).toEqual([]);
    expect(matcher.allowedMethods("/v1/approvals/apr_1/approve/")).toEqual([]);
  });
});
