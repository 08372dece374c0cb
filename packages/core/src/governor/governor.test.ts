import { describe, expect, it } from "vitest";
import { isId } from "../ids";
import {
  admin,
  agentKey,
  approver,
  createHarness,
  invoiceRequest,
  OTHER_TENANT,
  outsider,
  registerBillingAgent,
  START,
  TENANT,
} from "./test-fixtures";

describe("createGovernor", () => {
  it("runs the guide's flow when an invoice is submitted, approved and completed", async () => {
    const { governor, store, notified } = createHarness();

    const agent = await registerBillingAgent(governor, ["billing.send_invoice", "billing.process_refund"]);
    expect(agent).toMatchObject({ id: "billing-agent", trustTier: "T0", status: "active", tenantId: TENANT });

    const submitted = await governor.submit(agentKey, {
      ...invoiceRequest,
      idempotencyKey: "invoice-cust_123-2024-01",
    });
    expect(submitted.replayed).toBe(false);
    expect(isId("intent", submitted.intent.id)).toBe(true);
    expect(submitted.intent).toMatchObject({
      status: "pending",
      riskLevel: "medium",
      submittedBy: agentKey.id,
      createdAt: new Date(START).toISOString(),
      intention: "ambient",
    });
    expect(submitted.intent.decision).toMatchObject({ outcome: "require_approval", trustTier: "T0" });
    const approval = submitted.approval;
    expect(approval && isId("approval", approval.id)).toBe(true);
    expect(approval).toMatchObject({
      status: "pending",
      requiredApprovals: 1,
      expiresAt: new Date(START + 72 * 3600 * 1000).toISOString(),
    });
    expect(approval?.reasons.length).toBeGreaterThan(0);

    const pending = await governor.listApprovals(TENANT, { status: "pending" });
    expect(pending.items.map((a) => [a.id, a.intent?.type])).toEqual([
      [approval?.id, "billing.send_invoice"],
    ]);

    const approved = await governor.approve(approver, approval?.id ?? "");
    expect(approved.intent.status).toBe("approved");
    expect(approved.approval).toMatchObject({
      status: "approved",
      decidedBy: "key_alice",
      decidedByName: "alice",
    });

    const completed = await governor.complete(agentKey, submitted.intent.id, {
      result: { invoiceId: "inv_1" },
      value: { cents: 1500, category: "efficiency" },
    });
    expect(completed).toMatchObject({ status: "completed", valueCents: 1500, valueCategory: "efficiency" });

    expect(await governor.stats(TENANT)).toEqual({
      intentsToday: 1,
      pendingApprovals: 0,
      activeAgents: 1,
      valueGenerated: 15,
    });

    const details = await governor.getIntent(TENANT, submitted.intent.id);
    expect(details.approval?.status).toBe("approved");
    expect(details.history.map((e) => e.eventType)).toEqual([
      "intent.submitted",
      "intent.approved",
      "intent.completed",
      "agent.trust.changed",
    ]);

    expect(notified.map((e) => e.event)).toEqual([
      "agent.registered",
      "intent.submitted",
      "intent.approved",
      "intent.completed",
    ]);
    expect(notified).toEqual(store.outboxEvents(TENANT));
    expect(notified[2]?.data).toEqual({
      intentId: submitted.intent.id,
      type: "billing.send_invoice",
      status: "approved",
      approvedBy: "key_alice",
      approvedByName: "alice",
      approvalId: approval?.id,
    });
    expect(await governor.verifyAudit(TENANT)).toMatchObject({ valid: true, eventCount: 5 });
  });

  it("reports the agent's counts, success rate, trust and value when asked for its metrics", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const statement = { ...invoiceRequest, type: "billing.generate_statement", params: { customerId: "c" } };
    const first = await governor.submit(agentKey, statement);
    const second = await governor.submit(agentKey, statement);
    await governor.submit(agentKey, invoiceRequest);
    expect([first.intent.status, second.intent.status]).toEqual(["approved", "approved"]);
    await governor.complete(agentKey, first.intent.id);
    await governor.fail(agentKey, second.intent.id, { error: "printer on fire" });

    const metrics = await governor.agentMetrics(TENANT, "billing-agent");
    expect(metrics).toMatchObject({
      agentId: "billing-agent",
      intents: { total: 3, byStatus: { completed: 1, failed: 1, pending: 1 } },
      successRate: 0.5,
      trustTier: "T0",
      tierName: "Probation",
      valueByCategory: { efficiency: 500 },
      valueGeneratedCents: 500,
    });
    expect(metrics.recentTrustChanges.map((c) => c.cause)).toEqual(["failure", "completion"]);
    await expect(governor.agentMetrics(TENANT, "nobody")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers NOT_FOUND when another tenant asks for an agent, intent, approval or policy", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const { intent, approval } = await governor.submit(agentKey, invoiceRequest);
    const policy = await governor.createPolicy(admin, { name: "p", effect: "allow" });

    const attempts = [
      governor.getAgent(OTHER_TENANT, "billing-agent"),
      governor.getIntent(OTHER_TENANT, intent.id),
      governor.getApproval(OTHER_TENANT, approval?.id ?? ""),
      governor.approve(outsider, approval?.id ?? ""),
      governor.complete(outsider, intent.id),
      governor.getPolicy(OTHER_TENANT, policy.id),
      governor.deletePolicy(outsider, policy.id),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(governor.submit(outsider, invoiceRequest)).rejects.toMatchObject({
      code: "AGENT_NOT_FOUND",
    });
    expect((await governor.listIntents(OTHER_TENANT)).total).toBe(0);
    expect((await governor.queryAudit(OTHER_TENANT)).total).toBe(0);
  });

  it("lists intents newest first with filters and pages when asked", async () => {
    const { governor, advance } = createHarness();
    await registerBillingAgent(governor);
    const statement = { ...invoiceRequest, type: "billing.generate_statement", params: { customerId: "c" } };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await governor.submit(agentKey, i === 1 ? invoiceRequest : statement)).intent.id);
      advance(1000);
    }
    const page = await governor.listIntents(TENANT, {}, { page: 1, pageSize: 2 });
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    const pending = await governor.listIntents(TENANT, { status: "pending" });
    expect(pending.items.map((i) => i.id)).toEqual([ids[1]]);
    const byType = await governor.listIntents(TENANT, { type: "billing.generate_statement" });
    expect(byType.total).toBe(2);
  });

  it("counts only today's intents when stats are read after UTC midnight", async () => {
    const { governor, clock } = createHarness();
    await registerBillingAgent(governor);
    await governor.submit(agentKey, invoiceRequest);
    clock.now = Date.parse("2024-01-16T00:00:01.000Z");
    await governor.submit(agentKey, invoiceRequest);
    expect(await governor.stats(TENANT)).toMatchObject({ intentsToday: 1, pendingApprovals: 2 });
  });

  it("refuses to start when the default approval lifetime is not a positive number", () => {
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createHarness({ defaultApprovalTtlSeconds: ttl })).toThrow(
        expect.objectContaining({ code: "VALIDATION_ERROR" }),
      );
    }
  });
});
