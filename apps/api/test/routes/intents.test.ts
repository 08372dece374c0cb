import { salesFixtures } from "@intendedops/sales-agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, createTestApp, DIALECTS, SEND_INVOICE, type TestApp } from "../support/test-app";

const invoice = (n: number) => ({
  type: "billing.send_invoice",
  domain: "billing",
  agentId: "billing-agent",
  params: { customerId: `cust_${n}`, amount: 10 + n },
});

describe.each(DIALECTS)("intents routes on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    await t.data("POST", "/v1/agents", {
      key: t.keys.agent,
      body: { name: "Fast Biller", domains: ["billing"], intentTypes: ["billing.*"] },
    });
    await t.data("PUT", "/v1/agents/fast-biller/trust", { body: { tier: "T3", reason: "benchmarking" } });
  });
  afterAll(() => t.close());

  describe("POST /v1/intents", () => {
    it("answers the guide's pending result when a T0 agent sends an invoice", async () => {
      const response = await t.request("POST", "/v1/intents", { key: t.keys.agent, body: SEND_INVOICE });
      expect(response.status).toBe(201);
      const { data } = await response.json();
      expect(data).toEqual({
        intentId: expect.stringMatching(/^int_[0-9A-Z]{26}$/),
        status: "pending",
        createdAt: expect.any(String),
        decision: {
          outcome: "require_approval",
          reasons: expect.arrayContaining([expect.any(String)]),
          riskLevel: "medium",
          trustTier: "T0",
          intention: "ambient",
        },
      });
    });

    it("replays the original result with 200 and idempotent-replayed when the key and body repeat", async () => {
      const body = { ...invoice(1), idempotencyKey: "replay-1" };
      const first = await t.request("POST", "/v1/intents", { key: t.keys.agent, body });
      const second = await t.request("POST", "/v1/intents", { key: t.keys.agent, body });
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.headers.get("idempotent-replayed")).toBe("true");
      expect((await second.json()).data).toEqual((await first.json()).data);
    });

    it("answers 422 IDEMPOTENCY_KEY_REUSED when the key comes back with another body", async () => {
      await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(2), idempotencyKey: "reuse-2" },
      });
      const response = await t.request("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(3), idempotencyKey: "reuse-2" },
      });
      expect(response.status).toBe(422);
      expect((await response.json()).error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    });

    it("creates one intent when concurrent requests share an idempotency key", async () => {
      const body = { ...invoice(4), idempotencyKey: "race-4" };
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => t.request("POST", "/v1/intents", { key: t.keys.agent, body })),
      );
      const ids = new Set<string>();
      for (const response of responses) {
        expect([200, 201]).toContain(response.status);
        ids.add((await response.json()).data.intentId);
      }
      expect(ids.size).toBe(1);
      const page = await t.data("GET", "/v1/intents?agentId=billing-agent&pageSize=100");
      const matching = page.items.filter((i: { idempotencyKey: string }) => i.idempotencyKey === "race-4");
      expect(matching).toHaveLength(1);
    });

    it("answers approved when a T3 agent submits a medium-risk intent", async () => {
      const data = await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(5), agentId: "fast-biller" },
      });
      expect(data.status).toBe("approved");
      expect(data.decision).toMatchObject({ outcome: "allow", trustTier: "T3" });
    });

    it("answers blocked when the agent is not declared for the domain", async () => {
      const data = await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: {
          type: "sales.create_lead",
          domain: "sales",
          agentId: "billing-agent",
          params: salesFixtures["sales.create_lead"].valid,
        },
      });
      expect(data.status).toBe("blocked");
      expect(data.decision.outcome).toBe("block");
    });

    it("answers the guide's validation message exactly when type and agentId are missing", async () => {
      const response = await t.request("POST", "/v1/intents", { key: t.keys.agent, body: {} });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: "VALIDATION_ERROR",
          message: "type: Intent type is required; agentId: Agent ID is required",
          details: [
            { path: ["type"], message: "Intent type is required" },
            { path: ["agentId"], message: "Agent ID is required" },
          ],
        },
      });
    });

    it("answers 400 with detail paths under params when the params break the type's schema", async () => {
      const response = await t.request("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(6), params: { customerId: "cust_6", amount: -5 } },
      });
      expect(response.status).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details[0].path).toEqual(["params", "amount"]);
    });

    it("answers 400 when the intent type is unknown", async () => {
      const response = await t.request("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { type: "billing.mint_money", domain: "billing", agentId: "billing-agent", params: {} },
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.details[0].path).toEqual(["type"]);
    });

    it("answers 400 when the domain does not match the type", async () => {
      const response = await t.request("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(7), domain: "sales" },
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.details[0].path).toEqual(["domain"]);
    });

    it("answers 404 AGENT_NOT_FOUND when the agent does not exist", async () => {
      const response = await t.request("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(8), agentId: "ghost-agent" },
      });
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("AGENT_NOT_FOUND");
    });

    it("answers 404 AGENT_NOT_FOUND when the agent belongs to another tenant", async () => {
      const response = await t.request("POST", "/v1/intents", { key: t.keys.other, body: invoice(9) });
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("AGENT_NOT_FOUND");
    });

    it.each(["read_only", "approver", "policy_write"] as const)(
      "answers 403 when the key's scope is %s",
      async (scope) => {
        const response = await t.request("POST", "/v1/intents", { key: t.keys[scope], body: invoice(10) });
        expect(response.status).toBe(403);
      },
    );
  });

  describe("GET /v1/intents", () => {
    it("pages newest first and filters by status, agent, type and domain", async () => {
      const all = await t.data("GET", "/v1/intents?page=1&pageSize=2");
      expect(all).toMatchObject({ page: 1, pageSize: 2 });
      expect(all.items).toHaveLength(2);
      expect(all.total).toBeGreaterThan(2);
      expect(all.items[0].createdAt >= all.items[1].createdAt).toBe(true);

      const approved = await t.data("GET", "/v1/intents?status=approved&agentId=fast-biller&pageSize=100");
      expect(approved.items.length).toBeGreaterThan(0);
      for (const item of approved.items)
        expect(item).toMatchObject({ status: "approved", agentId: "fast-biller" });

      const blocked = await t.data("GET", "/v1/intents?type=sales.create_lead&domain=sales");
      expect(blocked.items.every((i: { type: string }) => i.type === "sales.create_lead")).toBe(true);
      expect(blocked.total).toBe(blocked.items.length);
    });

    it("answers 400 when the status filter is not a status", async () => {
      const response = await t.request("GET", "/v1/intents?status=done");
      expect(response.status).toBe(400);
      expect((await response.json()).error.details[0].path).toEqual(["status"]);
    });

    it("answers 400 when the page is not a positive whole number", async () => {
      expect((await t.request("GET", "/v1/intents?page=0")).status).toBe(400);
      expect((await t.request("GET", "/v1/intents?page=abc")).status).toBe(400);
    });

    it("shows another tenant none of this tenant's intents", async () => {
      const page = await t.data("GET", "/v1/intents", { key: t.keys.other });
      expect(page.total).toBe(0);
    });
  });

  describe("GET /v1/intents/:id", () => {
    it("returns the intent with its decision, approval and history", async () => {
      const submitted = await t.data("POST", "/v1/intents", { key: t.keys.agent, body: invoice(11) });
      const intent = await t.data("GET", `/v1/intents/${submitted.intentId}`, { key: t.keys.read_only });
      expect(intent).toMatchObject({
        id: submitted.intentId,
        type: "billing.send_invoice",
        domain: "billing",
        agentId: "billing-agent",
        status: "pending",
        riskLevel: "medium",
        params: { customerId: "cust_11", amount: 21 },
        decision: { outcome: "require_approval", trustTier: "T0" },
        approval: { intentId: submitted.intentId, status: "pending" },
      });
      expect(intent.decision.trace.length).toBeGreaterThan(0);
      expect(intent.history.map((e: { eventType: string }) => e.eventType)).toContain("intent.submitted");
    });

    it("answers 404 when the intent belongs to another tenant", async () => {
      const submitted = await t.data("POST", "/v1/intents", { key: t.keys.agent, body: invoice(12) });
      const response = await t.request("GET", `/v1/intents/${submitted.intentId}`, { key: t.keys.other });
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("NOT_FOUND");
    });
  });

  describe("POST /v1/intents/:id/complete and /fail", () => {
    it("completes an approved intent with an explicit value and moves trust up", async () => {
      const before = await t.data("GET", "/v1/agents/fast-biller");
      const submitted = await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(13), agentId: "fast-biller" },
      });
      const completed = await t.data("POST", `/v1/intents/${submitted.intentId}/complete`, {
        key: t.keys.agent,
        body: { result: { invoiceId: "inv_13" }, value: { cents: 2300, category: "revenue" } },
      });
      expect(completed).toMatchObject({ status: "completed", valueCents: 2300, valueCategory: "revenue" });
      const after = await t.data("GET", "/v1/agents/fast-biller");
      expect(after.trustScore).toBeGreaterThan(before.trustScore);
    });

    it("falls back to the type's estimator when no value is given and no body is sent", async () => {
      const submitted = await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(14), agentId: "fast-biller" },
      });
      const completed = await t.data("POST", `/v1/intents/${submitted.intentId}/complete`, {
        key: t.keys.agent,
        headers: { "content-type": "application/json" },
      });
      expect(completed.status).toBe("completed");
      expect(completed.valueCents).toBeGreaterThan(0);
    });

    it("fails an approved intent with the error and moves trust down", async () => {
      const submitted = await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(15), agentId: "fast-biller" },
      });
      const before = await t.data("GET", "/v1/agents/fast-biller");
      const failed = await t.data("POST", `/v1/intents/${submitted.intentId}/fail`, {
        key: t.keys.agent,
        body: { error: "Mail server refused the invoice" },
      });
      expect(failed).toMatchObject({ status: "failed", error: "Mail server refused the invoice" });
      const after = await t.data("GET", "/v1/agents/fast-biller");
      expect(after.trustScore).toBeLessThan(before.trustScore);
    });

    it("answers 400 when a failure comes without an error", async () => {
      const submitted = await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(16), agentId: "fast-biller" },
      });
      const response = await t.request("POST", `/v1/intents/${submitted.intentId}/fail`, {
        key: t.keys.agent,
        body: {},
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.details[0].path).toEqual(["error"]);
    });

    it("answers 409 INVALID_STATE when the intent is still pending", async () => {
      const submitted = await t.data("POST", "/v1/intents", { key: t.keys.agent, body: invoice(17) });
      const response = await t.request("POST", `/v1/intents/${submitted.intentId}/complete`, {
        key: t.keys.agent,
        body: { result: "done" },
      });
      expect(response.status).toBe(409);
      expect((await response.json()).error.code).toBe("INVALID_STATE");
    });

    it.each(["read_only", "approver", "policy_write"] as const)(
      "answers 403 when the key's scope is %s",
      async (scope) => {
        const submitted = await t.data("POST", "/v1/intents", {
          key: t.keys.agent,
          body: { ...invoice(18), agentId: "fast-biller" },
        });
        for (const action of ["complete", "fail"]) {
          const response = await t.request("POST", `/v1/intents/${submitted.intentId}/${action}`, {
            key: t.keys[scope],
            body: { error: "x" },
          });
          expect(response.status).toBe(403);
        }
      },
    );

    it("answers 404 when the intent belongs to another tenant", async () => {
      const submitted = await t.data("POST", "/v1/intents", {
        key: t.keys.agent,
        body: { ...invoice(19), agentId: "fast-biller" },
      });
      const response = await t.request("POST", `/v1/intents/${submitted.intentId}/complete`, {
        key: t.keys.other,
        body: {},
      });
      expect(response.status).toBe(404);
    });
  });
});
