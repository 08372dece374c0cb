import { describe, expect, it } from "vitest";
import type { Governor } from "./governor-types";
import {
  admin,
  agentKey,
  approver,
  createHarness,
  invoiceRequest,
  registerBillingAgent,
  secondApprover,
  TENANT,
} from "./test-fixtures";

async function pendingInvoice(governor: Governor) {
  await registerBillingAgent(governor);
  const submitted = await governor.submit(agentKey, invoiceRequest);
  const approvalId = submitted.approval?.id;
  if (!approvalId) throw new Error("expected a pending approval");
  return { intentId: submitted.intent.id, approvalId };
}

describe("governor approvals", () => {
  it("refuses with FORBIDDEN when the submitting key approves or rejects its own intent", async () => {
    const { governor } = createHarness();
    const { approvalId } = await pendingInvoice(governor);
    await expect(governor.approve(agentKey, approvalId)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "The key that submitted an intent cannot approve it",
    });
    await expect(governor.reject(agentKey, approvalId)).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await governor.getApproval(TENANT, approvalId)).status).toBe("pending");
  });

  it("answers ALREADY_RESOLVED naming the status when an approval is decided twice", async () => {
    const { governor } = createHarness();
    const first = await pendingInvoice(governor);
    await governor.approve(approver, first.approvalId);
    await expect(governor.approve(secondApprover, first.approvalId)).rejects.toMatchObject({
      code: "ALREADY_RESOLVED",
      status: 400,
      message: "Approval already approved",
    });
    await expect(governor.reject(secondApprover, first.approvalId)).rejects.toMatchObject({
      message: "Approval already approved",
    });

    const second = await governor.submit(agentKey, invoiceRequest);
    const secondId = second.approval?.id ?? "";
    await governor.reject(approver, secondId, "Amount exceeds approved limit");
    await expect(governor.approve(secondApprover, secondId)).rejects.toMatchObject({
      code: "ALREADY_RESOLVED",
      message: "Approval already rejected",
    });
  });

  it("lets exactly one decision win when two approvers decide concurrently", async () => {
    const { governor, notified } = createHarness();
    const { intentId, approvalId } = await pendingInvoice(governor);
    const results = await Promise.allSettled([
      governor.approve(approver, approvalId),
      governor.reject(secondApprover, approvalId, "no"),
      governor.approve(admin, approvalId),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") expect(result.reason).toMatchObject({ code: "ALREADY_RESOLVED" });
    }
    const { intent } = await governor.getIntent(TENANT, intentId);
    expect(["approved", "rejected"]).toContain(intent.status);
    const decisions = notified.filter((e) => e.event === "intent.approved" || e.event === "intent.rejected");
    expect(decisions).toHaveLength(1);
    expect((await governor.verifyAudit(TENANT)).valid).toBe(true);
  });

  it("records the rejection reason, rejecter and trust drop when an approver rejects", async () => {
    const { governor, notified } = createHarness();
    const { intentId, approvalId } = await pendingInvoice(governor);
    const before = await governor.getAgent(TENANT, "billing-agent");
    const { intent, approval } = await governor.reject(approver, approvalId, "Amount exceeds approved limit");
    expect(intent.status).toBe("rejected");
    expect(approval).toMatchObject({
      status: "rejected",
      decidedBy: "key_alice",
      decidedByName: "alice",
      rejectionReason: "Amount exceeds approved limit",
    });
    const after = await governor.getAgent(TENANT, "billing-agent");
    expect(after.trustScore).toBeLessThan(before.trustScore);
    expect(notified.find((e) => e.event === "intent.rejected")?.data).toEqual({
      intentId,
      type: "billing.send_invoice",
      status: "rejected",
      rejectedBy: "key_alice",
      rejectedByName: "alice",
      reason: "Amount exceeds approved limit",
    });
  });

  it("needs every required approver when a policy asks for two approvals", async () => {
    const { governor, notified } = createHarness();
    await governor.createPolicy(admin, {
      name: "Two eyes on invoices",
      effect: "require_approval",
      match: { types: ["billing.send_invoice"] },
      approval: { approvers: 2, expiresInSeconds: 600 },
    });
    const { intentId, approvalId } = await pendingInvoice(governor);
    const pending = await governor.getApproval(TENANT, approvalId);
    expect(pending).toMatchObject({ requiredApprovals: 2, expiresAt: "2024-01-15T10:40:00.000Z" });

    const firstVote = await governor.approve(approver, approvalId);
    expect(firstVote.intent.status).toBe("pending");
    expect(firstVote.approval.votes.map((v) => v.by)).toEqual(["key_alice"]);
    await expect(governor.approve(approver, approvalId)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(notified.some((e) => e.event === "intent.approved")).toBe(false);

    const secondVote = await governor.approve(secondApprover, approvalId);
    expect(secondVote.intent.status).toBe("approved");
    expect(secondVote.approval).toMatchObject({ status: "approved", decidedBy: "key_bob" });
    expect(secondVote.approval.votes.map((v) => v.by)).toEqual(["key_alice", "key_bob"]);
    expect((await governor.getIntent(TENANT, intentId)).history.map((e) => e.eventType)).toContain(
      "approval.vote_recorded",
    );
  });

  it("caps a stored policy's approval window at one year instead of failing the submission", async () => {
    // A policy stored before the schema bounded the window (1e13 s overflowed the date: 500).
    const { governor, store } = createHarness();
    const created = await governor.createPolicy(admin, {
      name: "Long wait",
      effect: "require_approval",
      match: { types: ["billing.send_invoice"] },
    });
    await store.transaction(async (tx) => {
      const policy = await tx.policies.get(TENANT, created.id);
      if (!policy) throw new Error("policy missing");
      await tx.policies.update({ ...policy, approval: { approvers: 1, expiresInSeconds: 1e13 } });
    });
    const { approvalId } = await pendingInvoice(governor);
    expect((await governor.getApproval(TENANT, approvalId)).expiresAt).toBe("2025-01-14T10:30:00.000Z");
  });

  it("expires due approvals and their intents when expireDue runs after the deadline", async () => {
    const { governor, advance, notified } = createHarness({ defaultApprovalTtlSeconds: 60 });
    const { intentId, approvalId } = await pendingInvoice(governor);
    expect(await governor.expireDue()).toBe(0);
    advance(60_000);
    expect(await governor.expireDue()).toBe(1);
    expect(await governor.expireDue()).toBe(0);

    const { intent, approval, history } = await governor.getIntent(TENANT, intentId);
    expect(intent.status).toBe("expired");
    expect(approval?.status).toBe("expired");
    expect(history.at(-1)).toMatchObject({ eventType: "intent.expired", actor: "system" });
    expect(notified.at(-1)).toMatchObject({ event: "intent.expired", data: { intentId, approvalId } });
    await expect(governor.approve(approver, approvalId)).rejects.toMatchObject({
      code: "ALREADY_RESOLVED",
      message: "Approval already expired",
    });
    expect(await governor.stats(TENANT)).toMatchObject({ pendingApprovals: 0 });
  });

  it("expires the intent instead of approving when the approval's deadline passed before the job ran", async () => {
    const { governor, advance } = createHarness({ defaultApprovalTtlSeconds: 60 });
    const { intentId, approvalId } = await pendingInvoice(governor);
    advance(61_000);
    await expect(governor.approve(approver, approvalId)).rejects.toMatchObject({
      code: "ALREADY_RESOLVED",
      message: "Approval already expired",
    });
    expect((await governor.getIntent(TENANT, intentId)).intent.status).toBe("expired");
    expect(await governor.expireDue()).toBe(0);
    expect((await governor.verifyAudit(TENANT)).valid).toBe(true);
  });

  it("expires approvals of every tenant in batches when many are due", async () => {
    const { governor, advance } = createHarness({ defaultApprovalTtlSeconds: 1 });
    await registerBillingAgent(governor);
    await governor.registerAgent(
      { ...agentKey, tenantId: "tenant-b" },
      { name: "Billing Agent", domains: ["billing"] },
    );
    const submissions = [];
    for (let i = 0; i < 105; i++) submissions.push(governor.submit(agentKey, invoiceRequest));
    submissions.push(governor.submit({ ...agentKey, tenantId: "tenant-b" }, invoiceRequest));
    await Promise.all(submissions);
    advance(1000);
    expect(await governor.expireDue()).toBe(106);
    expect((await governor.listIntents(TENANT, { status: "expired" })).total).toBe(105);
    expect((await governor.listIntents("tenant-b", { status: "expired" })).total).toBe(1);
  });

  it("expires the approvals behind a full batch of ones it cannot expire (regression: none behind them ever expired)", async () => {
    const { governor, advance, store, clock } = createHarness({ defaultApprovalTtlSeconds: 1 });
    await registerBillingAgent(governor);
    const submissions = [];
    for (let i = 0; i < 101; i++) submissions.push(governor.submit(agentKey, invoiceRequest));
    await Promise.all(submissions);
    advance(1000);
    const cutoff = new Date(clock.now).toISOString();
    // The first 100 in the job's order get an intent that already moved on: they cannot expire.
    const front = await store.read((tx) => tx.approvals.listExpired(cutoff, 100));
    await store.transaction(async (tx) => {
      for (const approval of front) {
        const intent = await tx.intents.get(TENANT, approval.intentId);
        await tx.intents.update({ ...intent!, status: "approved" }, "pending");
      }
    });
    expect(await governor.expireDue()).toBe(1);
    expect((await governor.listIntents(TENANT, { status: "expired" })).total).toBe(1);
  });

  it("expires several approvals at once when many are due, so the job keeps up under load", async () => {
    const inFlight = { now: 0, most: 0 };
    const { governor, advance } = createHarness({
      defaultApprovalTtlSeconds: 1,
      wrap: (store) => ({
        ...store,
        transaction: async (fn) => {
          inFlight.now += 1;
          inFlight.most = Math.max(inFlight.most, inFlight.now);
          try {
            return await store.transaction(fn);
          } finally {
            inFlight.now -= 1;
          }
        },
      }),
    });
    await registerBillingAgent(governor);
    for (let i = 0; i < 10; i++) await governor.submit(agentKey, invoiceRequest);
    expect(inFlight.most).toBe(1);
    advance(1000);
    expect(await governor.expireDue()).toBe(10);
    expect(inFlight.most).toBeGreaterThan(1);
    expect((await governor.listIntents(TENANT, { status: "expired" })).total).toBe(10);
  });

  it("lists approvals of any status with their intent summary when filtered", async () => {
    const { governor } = createHarness();
    const first = await pendingInvoice(governor);
    await governor.submit(agentKey, invoiceRequest);
    await governor.approve(approver, first.approvalId);
    const all = await governor.listApprovals(TENANT);
    expect(all.total).toBe(2);
    const approved = await governor.listApprovals(TENANT, { status: "approved" });
    expect(approved.items).toHaveLength(1);
    expect(approved.items[0]?.intent).toMatchObject({
      id: first.intentId,
      type: "billing.send_invoice",
      agentId: "billing-agent",
      status: "approved",
      submittedBy: "key_agent",
    });
    await expect(governor.getApproval(TENANT, "apr_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(governor.approve(approver, "apr_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
