import { describe, expect, it } from "vitest";
import type { Governor } from "./governor-types";
import {
  admin,
  agentKey,
  approver,
  createHarness,
  fastTrust,
  invoiceRequest,
  registerBillingAgent,
  TENANT,
} from "./test-fixtures";

const statementRequest = {
  ...invoiceRequest,
  type: "billing.generate_statement",
  params: { customerId: "cust_1" },
};

async function approvedInvoice(governor: Governor): Promise<string> {
  const { intent, approval } = await governor.submit(agentKey, invoiceRequest);
  await governor.approve(approver, approval?.id ?? "");
  return intent.id;
}

/** An approved refund: a type with no value category (the guide's "-"). */
async function approvedRefund(governor: Governor): Promise<string> {
  const { intent, approval } = await governor.submit(agentKey, {
    ...invoiceRequest,
    type: "billing.process_refund",
    params: { customerId: "c", amount: 20 },
  });
  await governor.approve(approver, approval?.id ?? "");
  return intent.id;
}

describe("governor outcomes", () => {
  it("answers INVALID_STATE when a pending, blocked or finished intent is completed or failed", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const pending = await governor.submit(agentKey, invoiceRequest);
    await expect(governor.complete(agentKey, pending.intent.id)).rejects.toMatchObject({
      code: "INVALID_STATE",
      status: 409,
      message: "Intent cannot move from pending to completed",
    });
    const blocked = await governor.submit(agentKey, {
      type: "support.create_ticket",
      domain: "support",
      agentId: "billing-agent",
      params: { subject: "x" },
    });
    await expect(governor.fail(agentKey, blocked.intent.id, { error: "x" })).rejects.toMatchObject({
      code: "INVALID_STATE",
    });
    const done = await governor.submit(agentKey, statementRequest);
    await governor.complete(agentKey, done.intent.id);
    await expect(governor.complete(agentKey, done.intent.id)).rejects.toMatchObject({
      code: "INVALID_STATE",
    });
    await expect(governor.fail(agentKey, done.intent.id, { error: "late" })).rejects.toMatchObject({
      code: "INVALID_STATE",
    });
    await expect(governor.complete(agentKey, "int_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("records the type's estimated value in its category when no value is reported", async () => {
    const { governor, notified } = createHarness();
    await registerBillingAgent(governor);
    const intentId = await approvedInvoice(governor);
    const completed = await governor.complete(agentKey, intentId, { result: { sent: true } });
    // The fixture estimates a quarter hour at the default $60/hour.
    expect(completed).toMatchObject({
      valueCents: 1500,
      valueCategory: "efficiency",
      result: { sent: true },
    });
    expect(notified.find((e) => e.event === "intent.completed")?.data).toEqual({
      intentId,
      type: "billing.send_invoice",
      status: "completed",
      value: { cents: 1500, category: "efficiency" },
    });
    expect(await governor.stats(TENANT)).toMatchObject({ valueGenerated: 15 });
  });

  it("records no value when the type has no value category and none is reported", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const completed = await governor.complete(agentKey, await approvedRefund(governor));
    expect(completed).toMatchObject({ valueCents: null, valueCategory: null });
    expect((await governor.agentMetrics(TENANT, "billing-agent")).valueGeneratedCents).toBe(0);
  });

  it("refuses reported cents without a category on a type that has none, and changes nothing", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const intentId = await approvedRefund(governor);
    await expect(governor.complete(agentKey, intentId, { value: { cents: 500 } })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["value", "category"] }],
    });
    expect((await governor.getIntent(TENANT, intentId)).intent.status).toBe("approved");
    const completed = await governor.complete(agentKey, intentId, {
      value: { cents: 500, category: "risk_mitigation" },
    });
    expect(completed).toMatchObject({ valueCents: 500, valueCategory: "risk_mitigation" });
  });

  it("uses the type's category when a value is reported without one", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const intentId = await approvedInvoice(governor);
    const completed = await governor.complete(agentKey, intentId, { value: { cents: 4200 } });
    expect(completed).toMatchObject({ valueCents: 4200, valueCategory: "efficiency" });
  });

  it("answers VALIDATION_ERROR when a failure has no error or a value is negative", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const intentId = await approvedInvoice(governor);
    await expect(governor.fail(agentKey, intentId, { error: "" })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["error"] }],
    });
    await expect(
      governor.complete(agentKey, intentId, { value: { cents: -5, category: "revenue" } }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    expect((await governor.getIntent(TENANT, intentId)).intent.status).toBe("approved");
  });

  it("records the error and lowers trust when an approved intent fails", async () => {
    const { governor, notified } = createHarness();
    const agent = await registerBillingAgent(governor);
    const intentId = await approvedInvoice(governor);
    const failed = await governor.fail(agentKey, intentId, { error: "SMTP timeout" });
    expect(failed).toMatchObject({ status: "failed", error: "SMTP timeout" });
    expect(failed.completedAt).not.toBeNull();
    expect((await governor.getAgent(TENANT, "billing-agent")).trustScore).toBeLessThan(agent.trustScore);
    expect(notified.at(-1)).toMatchObject({ event: "intent.failed", data: { error: "SMTP timeout" } });
  });

  it("promotes the agent and announces agent.trust.changed when completions earn the next tier", async () => {
    const { governor, notified } = createHarness({ trust: fastTrust });
    await registerBillingAgent(governor);
    await governor.setTrust(admin, "billing-agent", { score: 190, reason: "seasoned agent" });
    for (let i = 0; i < 3; i++) {
      const { intent } = await governor.submit(agentKey, statementRequest);
      await governor.complete(agentKey, intent.id);
    }
    const agent = await governor.getAgent(TENANT, "billing-agent");
    expect(agent.trustTier).toBe("T1");
    const change = notified.find((e) => e.event === "agent.trust.changed" && e.data.toTier === "T1");
    expect(change?.data).toMatchObject({ agentId: "billing-agent", fromTier: "T0", toTier: "T1" });
    // The next decision is made at the new tier.
    const next = await governor.submit(agentKey, statementRequest);
    expect(next.intent.decision.trustTier).toBe("T1");
  });

  it("demotes the agent when failures come in a streak", async () => {
    const { governor, notified } = createHarness({ trust: fastTrust });
    await registerBillingAgent(governor);
    await governor.setTrust(admin, "billing-agent", { tier: "T2", reason: "trusted migration" });
    for (let i = 0; i < 3; i++) {
      const { intent } = await governor.submit(agentKey, statementRequest);
      await governor.fail(agentKey, intent.id, { error: "boom" });
    }
    expect((await governor.getAgent(TENANT, "billing-agent")).trustTier).toBe("T1");
    expect(notified.at(-1)).toMatchObject({
      event: "agent.trust.changed",
      data: { fromTier: "T2", toTier: "T1" },
    });
    expect((await governor.verifyAudit(TENANT)).valid).toBe(true);
  });
});
