import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BILLING_AGENT,
  createTestApp,
  DIALECTS,
  issueTestKey,
  TENANT,
  type TestApp,
} from "./support/test-app";

const TWO_APPROVERS = {
  name: "Invoices need two approvers",
  effect: "require_approval",
  match: { types: ["billing.send_invoice"] },
  approval: { approvers: 2, expiresInSeconds: 600 },
};

describe.each(DIALECTS)("multi-approver approvals on %s", (dialect) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let counter = 0;

  /** Submit an invoice; the two-approver policy makes it wait. */
  async function pending(): Promise<{ intentId: string; approvalId: string }> {
    counter += 1;
    const submitted = await t.data("POST", "/v1/intents", {
      key: t.keys.agent,
      body: {
        type: "billing.send_invoice",
        agentId: "billing-agent",
        params: { customerId: `cust_${counter}`, amount: 10 + counter },
      },
    });
    const intent = await t.data("GET", `/v1/intents/${submitted.intentId}`);
    expect(intent.approval).toMatchObject({ requiredApprovals: 2, votes: [] });
    return { intentId: submitted.intentId, approvalId: intent.approval.id };
  }

  const approve = (approvalId: string, key: string) =>
    t.request("POST", `/v1/approvals/${approvalId}/approve`, { key });

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    await t.data("POST", "/v1/policies", { body: TWO_APPROVERS, key: t.keys.policy_write });
    alice = await issueTestKey(t.store, TENANT, "alice", ["approver"], t.clock());
    bob = await issueTestKey(t.store, TENANT, "bob", ["approver"], t.clock());
  });
  afterAll(() => t.close());

  it("keeps the intent pending after one vote and approves it on the second", async () => {
    const { intentId, approvalId } = await pending();
    const first = await approve(approvalId, alice);
    expect(first.status).toBe(200);
    expect((await first.json()).data).toMatchObject({ status: "pending", votes: [{ byName: "alice" }] });
    const midway = await t.data("GET", `/v1/intents/${intentId}`);
    expect(midway.status).toBe("pending");
    expect(midway.history.map((e: { eventType: string }) => e.eventType)).toEqual([
      "intent.submitted",
      "approval.vote_recorded",
    ]);
    const second = await approve(approvalId, bob);
    expect((await second.json()).data).toMatchObject({ status: "approved", decidedByName: "bob" });
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
  });

  it("answers 409 CONFLICT when the same key votes twice, and the vote is not counted again", async () => {
    const { approvalId } = await pending();
    await approve(approvalId, alice);
    const again = await approve(approvalId, alice);
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatchObject({ code: "CONFLICT", details: { approvalId } });
    expect((await t.data("GET", `/v1/approvals/${approvalId}`)).votes).toHaveLength(1);
  });

  it("rejects the intent when an approver rejects after a partial approval", async () => {
    const { intentId, approvalId } = await pending();
    await approve(approvalId, alice);
    const rejected = await t.data("POST", `/v1/approvals/${approvalId}/reject`, {
      key: bob,
      body: { reason: "Not this customer" },
    });
    expect(rejected).toMatchObject({
      status: "rejected",
      decidedByName: "bob",
      votes: [{ byName: "alice" }],
    });
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("rejected");
    const late = await approve(approvalId, t.keys.approver);
    expect(late.status).toBe(400);
    expect((await late.json()).error.code).toBe("ALREADY_RESOLVED");
  });

  it("expires the intent when the deadline passes after a partial approval", async () => {
    const { intentId, approvalId } = await pending();
    await approve(approvalId, alice);
    const approval = await t.data("GET", `/v1/approvals/${approvalId}`);
    t.clock.set(Date.parse(approval.expiresAt) + 1);
    await t.services.governor.expireDue(t.clock());
    const intent = await t.data("GET", `/v1/intents/${intentId}`);
    expect(intent.status).toBe("expired");
    expect(intent.approval).toMatchObject({ status: "expired", votes: [{ byName: "alice" }] });
    const late = await approve(approvalId, bob);
    expect(late.status).toBe(400);
    expect((await late.json()).error.message).toBe("Approval already expired");
  });
});
