import { describe, expect, it } from "vitest";
import { BILLING_AGENT, createTestApp, SEND_INVOICE } from "../support/test-app";

describe("GET /v1/stats", () => {
  it("counts today's intents, pending approvals, active agents and dollars of value", async () => {
    const t = await createTestApp("sqlite");
    try {
      t.clock.set(Date.parse("2026-03-02T23:00:00.000Z"));
      expect(await t.data("GET", "/v1/stats")).toEqual({
        intentsToday: 0,
        pendingApprovals: 0,
        activeAgents: 0,
        valueGenerated: 0,
      });
      await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
      await t.data("POST", "/v1/agents", {
        key: t.keys.agent,
        body: { name: "Fast Biller", domains: ["billing"], intentTypes: ["billing.*"] },
      });
      await t.data("PUT", "/v1/agents/fast-biller/trust", { body: { tier: "T3", reason: "test" } });
      await t.data("POST", "/v1/intents", { key: t.keys.agent, body: SEND_INVOICE });
      const approved = await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...SEND_INVOICE, agentId: "fast-biller", idempotencyKey: undefined },
      });
      await t.data("POST", `/v1/intents/${approved.intentId}/complete`, {
        key: t.keys.agent,
        body: { value: { cents: 54_200, category: "revenue" } },
      });
      expect(await t.data("GET", "/v1/stats", { key: t.keys.read_only })).toEqual({
        intentsToday: 2,
        pendingApprovals: 1,
        activeAgents: 2,
        valueGenerated: 542,
      });
      // After UTC midnight nothing was created "today" any more.
      t.clock.set(Date.parse("2026-03-03T00:00:01.000Z"));
      expect((await t.data("GET", "/v1/stats")).intentsToday).toBe(0);
      expect(await t.data("GET", "/v1/stats", { key: t.keys.other })).toEqual({
        intentsToday: 0,
        pendingApprovals: 0,
        activeAgents: 0,
        valueGenerated: 0,
      });
    } finally {
      await t.close();
    }
  });

  it("answers 401 without a key", async () => {
    const t = await createTestApp("sqlite");
    try {
      expect((await t.request("GET", "/v1/stats", { key: null })).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
