import { describe, expect, it } from "vitest";
import type { StoragePort } from "../storage/storage-port";
import { agentKey, createHarness, invoiceRequest, registerBillingAgent, TENANT } from "./test-fixtures";

/**
 * Hides committed idempotency records from reads inside transactions, as PostgreSQL's read
 * committed does for a concurrent request whose winner has not committed yet.
 */
function raceIdempotency(store: StoragePort): StoragePort {
  return {
    ...store,
    transaction: (fn) =>
      store.transaction((tx) =>
        fn({ ...tx, idempotency: { ...tx.idempotency, get: async () => undefined } }),
      ),
  };
}

describe("governor submit", () => {
  it("answers VALIDATION_ERROR in the guide's shape when required fields are missing", async () => {
    const { governor } = createHarness();
    await expect(governor.submit(agentKey, { domain: "billing" } as never)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      message: "type: Intent type is required; agentId: Agent ID is required",
      details: [
        { path: ["type"], message: "Intent type is required" },
        { path: ["agentId"], message: "Agent ID is required" },
      ],
    });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])(
    "answers VALIDATION_ERROR for a param JSON cannot carry (%s), with an idempotency key as without",
    async (amount) => {
      // Regression: with a key, the request's fingerprint (canonical JSON) was taken before the
      // params check and threw a bare TypeError. Only an embedder's call can send such a value.
      const { governor } = createHarness();
      await registerBillingAgent(governor);
      const request = { ...invoiceRequest, params: { ...invoiceRequest.params, amount } };
      await expect(governor.submit(agentKey, request)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
      await expect(governor.submit(agentKey, { ...request, idempotencyKey: "k-nan" })).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
      });
    },
  );

  it("answers AGENT_NOT_FOUND before checking params when the agent does not exist", async () => {
    const { governor } = createHarness();
    await expect(
      governor.submit(agentKey, { ...invoiceRequest, agentId: "ghost", params: { amount: -1 } }),
    ).rejects.toMatchObject({ code: "AGENT_NOT_FOUND", status: 404, message: "Agent not found: ghost" });
  });

  it("answers VALIDATION_ERROR with params paths when params break the type's schema", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const error = await governor
      .submit(agentKey, { ...invoiceRequest, params: { amount: "lots" } })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "VALIDATION_ERROR" });
    for (const detail of error.details) expect(detail.path[0]).toBe("params");
    await expect(
      governor.submit(agentKey, { ...invoiceRequest, type: "billing.mint_money" }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: ["type"] }] });
    await expect(governor.submit(agentKey, { ...invoiceRequest, domain: "support" })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["domain"] }],
    });
    expect((await governor.listIntents(TENANT)).total).toBe(0);
  });

  it("auto-approves and announces approvedBy policy when the tier allows the intent", async () => {
    const { governor, notified } = createHarness();
    await registerBillingAgent(governor);
    const { intent, approval } = await governor.submit(agentKey, {
      ...invoiceRequest,
      type: "billing.generate_statement",
      params: { customerId: "cust_1" },
    });
    expect(intent.status).toBe("approved");
    expect(approval).toBeNull();
    expect(notified.slice(-2).map((e) => [e.event, e.data.approvedBy])).toEqual([
      ["intent.submitted", undefined],
      ["intent.approved", "policy"],
    ]);
  });

  it("blocks, lowers trust and announces intent.blocked when the agent acts outside its domains", async () => {
    const { governor, notified } = createHarness();
    const agent = await registerBillingAgent(governor);
    const { intent, approval } = await governor.submit(agentKey, {
      type: "support.create_ticket",
      domain: "support",
      agentId: "billing-agent",
      params: { subject: "help" },
    });
    expect(intent.status).toBe("blocked");
    expect(intent.decision.outcome).toBe("block");
    expect(approval).toBeNull();
    expect((await governor.getAgent(TENANT, "billing-agent")).trustScore).toBeLessThan(agent.trustScore);
    expect(notified.map((e) => e.event)).toEqual(["agent.registered", "intent.submitted", "intent.blocked"]);
    const history = (await governor.getIntent(TENANT, intent.id)).history.map((e) => e.eventType);
    expect(history).toEqual(["intent.submitted", "intent.blocked", "agent.trust.changed"]);
    expect((await governor.agentMetrics(TENANT, "billing-agent")).recentTrustChanges[0]).toMatchObject({
      cause: "policy_block",
      intentId: intent.id,
    });
  });

  it("replays the original intent without a new one when the same key comes with the same body", async () => {
    const { governor, notified } = createHarness();
    await registerBillingAgent(governor);
    const request = { ...invoiceRequest, idempotencyKey: "invoice-cust_123-2024-01" };
    const first = await governor.submit(agentKey, request);
    const reordered = {
      idempotencyKey: request.idempotencyKey,
      params: { amount: 99.99, customerId: "cust_123" },
      description: request.description,
      agentId: request.agentId,
      domain: request.domain,
      type: request.type,
    };
    const second = await governor.submit(agentKey, reordered);
    expect(second).toEqual({ ...first, replayed: true });
    expect((await governor.listIntents(TENANT)).total).toBe(1);
    expect(notified.filter((e) => e.event === "intent.submitted")).toHaveLength(1);
  });

  it("answers IDEMPOTENCY_KEY_REUSED when the same key comes with a different body", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    await governor.submit(agentKey, { ...invoiceRequest, idempotencyKey: "k1" });
    await expect(
      governor.submit(agentKey, {
        ...invoiceRequest,
        params: { customerId: "cust_123", amount: 5 },
        idempotencyKey: "k1",
      }),
    ).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED", status: 422 });
    expect((await governor.listIntents(TENANT)).total).toBe(1);
  });

  it("scopes idempotency keys per tenant when two tenants use the same key", async () => {
    const { governor } = createHarness();
    const otherKey = { ...agentKey, tenantId: "tenant-b" };
    await registerBillingAgent(governor);
    await governor.registerAgent(otherKey, { name: "Billing Agent", domains: ["billing"] });
    const a = await governor.submit(agentKey, { ...invoiceRequest, idempotencyKey: "shared" });
    const b = await governor.submit(otherKey, { ...invoiceRequest, idempotencyKey: "shared" });
    expect(b.replayed).toBe(false);
    expect(b.intent.id).not.toBe(a.intent.id);
  });

  it("creates one intent when concurrent requests share a key", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const request = { ...invoiceRequest, idempotencyKey: "concurrent" };
    const results = await Promise.all(Array.from({ length: 10 }, () => governor.submit(agentKey, request)));
    expect(new Set(results.map((r) => r.intent.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await governor.listIntents(TENANT)).total).toBe(1);
  });

  it("returns the winner's intent when the idempotency insert loses a race", async () => {
    const { governor, store, notified } = createHarness({ wrap: raceIdempotency });
    await registerBillingAgent(governor);
    const request = { ...invoiceRequest, idempotencyKey: "raced" };
    const winner = await governor.submit(agentKey, request);
    const loser = await governor.submit(agentKey, request);
    expect(loser).toEqual({ ...winner, replayed: true });
    await expect(governor.submit(agentKey, { ...request, description: "different" })).rejects.toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
    });
    expect((await governor.listIntents(TENANT)).total).toBe(1);
    expect(store.outboxEvents(TENANT).filter((e) => e.event === "intent.submitted")).toHaveLength(1);
    expect(notified.filter((e) => e.event === "intent.submitted")).toHaveLength(1);
    expect((await governor.verifyAudit(TENANT)).valid).toBe(true);
  });
});
