import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, createTestApp, DIALECTS, type TestApp } from "../support/test-app";

describe.each(DIALECTS)("agents routes on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
  });
  afterAll(() => t.close());

  describe("POST /v1/agents", () => {
    it("registers the guide's agent under the slug of its name at T0 when no id is given", async () => {
      const agent = await t.data("GET", "/v1/agents/billing-agent");
      expect(agent).toMatchObject({
        id: "billing-agent",
        name: "Billing Agent",
        description: "Handles billing operations",
        domains: ["billing"],
        intentTypes: ["billing.send_invoice", "billing.collect_payment"],
        trustTier: "T0",
        status: "active",
      });
    });

    it("answers 201 with the agent when an explicit id is given", async () => {
      const response = await t.request("POST", "/v1/agents", {
        key: t.keys.agent,
        body: { id: "support-bot", name: "Support", domains: ["support"], intentTypes: ["support.*"] },
      });
      expect(response.status).toBe(201);
      expect((await response.json()).data.id).toBe("support-bot");
    });

    it("answers 409 CONFLICT when the id is taken", async () => {
      const response = await t.request("POST", "/v1/agents", { key: t.keys.agent, body: BILLING_AGENT });
      expect(response.status).toBe(409);
      expect((await response.json()).error.code).toBe("CONFLICT");
    });

    it("answers 400 VALIDATION_ERROR naming the field when the name is missing", async () => {
      const response = await t.request("POST", "/v1/agents", {
        key: t.keys.agent,
        body: { domains: ["billing"] },
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({
        code: "VALIDATION_ERROR",
        details: [{ path: ["name"], message: "Agent name is required" }],
      });
    });

    it("answers 400 when a declared domain is unknown", async () => {
      const response = await t.request("POST", "/v1/agents", {
        key: t.keys.agent,
        body: { name: "Odd", domains: ["astrology"] },
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.details[0].path[0]).toBe("domains");
    });

    it.each(["read_only", "approver", "policy_write"] as const)(
      "answers 403 when the key's scope is %s",
      async (scope) => {
        const response = await t.request("POST", "/v1/agents", {
          key: t.keys[scope],
          body: { name: `By ${scope}` },
        });
        expect(response.status).toBe(403);
      },
    );
  });

  describe("GET /v1/agents", () => {
    it("lists the tenant's agents in the list envelope", async () => {
      const page = await t.data("GET", "/v1/agents?page=1&pageSize=50");
      expect(page).toMatchObject({ page: 1, pageSize: 50 });
      expect(page.items.map((a: { id: string }) => a.id)).toContain("billing-agent");
      expect(page.total).toBe(page.items.length);
    });

    it("does not list another tenant's agents", async () => {
      const page = await t.data("GET", "/v1/agents", { key: t.keys.other });
      expect(page.items).toEqual([]);
    });

    it("answers 400 when pageSize is over 100", async () => {
      const response = await t.request("GET", "/v1/agents?pageSize=101");
      expect(response.status).toBe(400);
      expect((await response.json()).error.details[0].path).toEqual(["pageSize"]);
    });
  });

  describe("GET /v1/agents/:id", () => {
    it("answers 404 NOT_FOUND when the agent does not exist", async () => {
      const response = await t.request("GET", "/v1/agents/nobody");
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("NOT_FOUND");
    });

    it("answers 404 when the agent belongs to another tenant", async () => {
      expect((await t.request("GET", "/v1/agents/billing-agent", { key: t.keys.other })).status).toBe(404);
    });
  });

  describe("GET /v1/agents/:id/metrics", () => {
    it("reports counts, success rate, trust and value when asked for an agent", async () => {
      const metrics = await t.data("GET", "/v1/agents/billing-agent/metrics", { key: t.keys.read_only });
      expect(metrics).toMatchObject({
        agentId: "billing-agent",
        intents: { total: expect.any(Number) },
        successRate: null,
        trustTier: "T0",
        trustScore: expect.any(Number),
        valueGeneratedCents: 0,
      });
    });

    it("answers 404 when the agent belongs to another tenant", async () => {
      expect((await t.request("GET", "/v1/agents/billing-agent/metrics", { key: t.keys.other })).status).toBe(
        404,
      );
    });
  });

  describe("PUT /v1/agents/:id/trust", () => {
    it("overrides the tier and audits the reason when an admin asks", async () => {
      await t.data("POST", "/v1/agents", {
        key: t.keys.agent,
        body: { name: "Trusted One", domains: ["sales"] },
      });
      const agent = await t.data("PUT", "/v1/agents/trusted-one/trust", {
        body: { tier: "T3", reason: "Reviewed by the security team" },
      });
      expect(agent.trustTier).toBe("T3");
      const audit = await t.data("GET", "/v1/audit?agentId=trusted-one&pageSize=100");
      const override = audit.items.find((e: { data: Record<string, unknown> }) =>
        JSON.stringify(e.data).includes("Reviewed by the security team"),
      );
      expect(override).toBeDefined();
    });

    it("answers 400 when the reason is missing", async () => {
      const response = await t.request("PUT", "/v1/agents/billing-agent/trust", { body: { tier: "T2" } });
      expect(response.status).toBe(400);
      expect((await response.json()).error.details[0]).toEqual({
        path: ["reason"],
        message: "reason is required",
      });
    });

    it.each(["read_only", "agent", "approver", "policy_write"] as const)(
      "answers 403 when the key's scope is %s",
      async (scope) => {
        const response = await t.request("PUT", "/v1/agents/billing-agent/trust", {
          key: t.keys[scope],
          body: { tier: "T4", reason: "self-promotion" },
        });
        expect(response.status).toBe(403);
      },
    );

    it("answers 404 when the agent belongs to another tenant", async () => {
      const response = await t.request("PUT", "/v1/agents/billing-agent/trust", {
        key: t.keys.other,
        body: { tier: "T4", reason: "cross-tenant" },
      });
      expect(response.status).toBe(404);
    });
  });
});
