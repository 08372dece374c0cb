import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, createTestApp, DIALECTS, type TestApp } from "../support/test-app";

let counter = 0;
/** Submit a fresh invoice from the T0 billing agent: it awaits a human. */
async function pendingIntent(
  t: TestApp,
  key = t.keys.agent,
): Promise<{ intentId: string; approvalId: string }> {
  counter += 1;
  const submitted = await t.data("POST", "/v1/intents", {
    key,
    body: {
      type: "billing.send_invoice",
      domain: "billing",
      agentId: "billing-agent",
      params: { customerId: `cust_${counter}`, amount: 100 + counter },
    },
  });
  expect(submitted.status).toBe("pending");
  const intent = await t.data("GET", `/v1/intents/${submitted.intentId}`);
  return { intentId: submitted.intentId, approvalId: intent.approval.id };
}

describe.each(DIALECTS)("approvals routes on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
  });
  afterAll(() => t.close());

  describe("GET /v1/approvals", () => {
    it("lists pending approvals with the intent summary, the reasons and the deadlines by default", async () => {
      const { intentId, approvalId } = await pendingIntent(t);
      const page = await t.data("GET", "/v1/approvals?pageSize=100", { key: t.keys.read_only });
      const item = page.items.find((a: { id: string }) => a.id === approvalId);
      expect(item).toMatchObject({
        id: expect.stringMatching(/^apr_/),
        intentId,
        status: "pending",
        reasons: [expect.any(String)],
        requestedAt: expect.any(String),
        expiresAt: expect.any(String),
        intent: { id: intentId, type: "billing.send_invoice", agentId: "billing-agent", riskLevel: "medium" },
      });
      expect(page.items.every((a: { status: string }) => a.status === "pending")).toBe(true);
    });

    it("filters by status and lists everything when status is all", async () => {
      const { approvalId } = await pendingIntent(t);
      await t.data("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
      const approved = await t.data("GET", "/v1/approvals?status=approved&pageSize=100");
      expect(approved.items.map((a: { id: string }) => a.id)).toContain(approvalId);
      expect(approved.items.every((a: { status: string }) => a.status === "approved")).toBe(true);
      const all = await t.data("GET", "/v1/approvals?status=all&pageSize=100");
      expect(all.total).toBeGreaterThanOrEqual(approved.total);
    });

    it("answers 400 when the status is unknown", async () => {
      expect((await t.request("GET", "/v1/approvals?status=maybe")).status).toBe(400);
    });

    it("shows another tenant none of this tenant's approvals", async () => {
      await pendingIntent(t);
      const page = await t.data("GET", "/v1/approvals?status=all", { key: t.keys.other });
      expect(page.total).toBe(0);
    });
  });

  describe("GET /v1/approvals/:id", () => {
    it("returns the approval with its intent and answers 404 for another tenant", async () => {
      const { approvalId, intentId } = await pendingIntent(t);
      expect((await t.data("GET", `/v1/approvals/${approvalId}`)).intent.id).toBe(intentId);
      expect((await t.request("GET", `/v1/approvals/${approvalId}`, { key: t.keys.other })).status).toBe(404);
    });
  });

  describe("POST /v1/approvals/:id/approve", () => {
    it("approves the intent and records the approver's key when called without a body", async () => {
      const { intentId, approvalId } = await pendingIntent(t);
      const response = await t.request("POST", `/v1/approvals/${approvalId}/approve`, {
        key: t.keys.approver,
      });
      expect(response.status).toBe(200);
      const { data } = await response.json();
      expect(data).toMatchObject({ id: approvalId, status: "approved", decidedByName: "approver key" });
      expect(data.decidedBy).toMatch(/^key_/);
      expect(data.intent).toMatchObject({ id: intentId, status: "approved" });
      expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
    });

    it("accepts the TS client's empty body under a JSON content type", async () => {
      const { approvalId } = await pendingIntent(t);
      const response = await t.request("POST", `/v1/approvals/${approvalId}/approve`, {
        key: t.keys.approver,
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(200);
    });

    it("answers 400 ALREADY_RESOLVED when the approval was already decided", async () => {
      const { approvalId } = await pendingIntent(t);
      await t.data("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
      const again = await t.request("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.admin });
      expect(again.status).toBe(400);
      expect((await again.json()).error).toMatchObject({
        code: "ALREADY_RESOLVED",
        message: "Approval already approved",
      });
      const reject = await t.request("POST", `/v1/approvals/${approvalId}/reject`, { key: t.keys.admin });
      expect(reject.status).toBe(400);
    });

    it("answers 403 when the key that submitted the intent approves it", async () => {
      const { approvalId } = await pendingIntent(t, t.keys.admin);
      const response = await t.request("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.admin });
      expect(response.status).toBe(403);
      expect((await response.json()).error.message).toBe(
        "The key that submitted an intent cannot approve it",
      );
    });

    it("lets exactly one of two concurrent decisions win", async () => {
      const { approvalId, intentId } = await pendingIntent(t);
      const [a, b] = await Promise.all([
        t.request("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver }),
        t.request("POST", `/v1/approvals/${approvalId}/reject`, {
          key: t.keys.admin,
          body: { reason: "no" },
        }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 400]);
      const loser = a.status === 400 ? a : b;
      expect((await loser.json()).error.code).toBe("ALREADY_RESOLVED");
      const intent = await t.data("GET", `/v1/intents/${intentId}`);
      expect(["approved", "rejected"]).toContain(intent.status);
    });

    it.each(["read_only", "agent", "policy_write"] as const)(
      "answers 403 when the key's scope is %s",
      async (scope) => {
        const { approvalId } = await pendingIntent(t, t.keys.agent2);
        const approve = await t.request("POST", `/v1/approvals/${approvalId}/approve`, {
          key: t.keys[scope],
        });
        const reject = await t.request("POST", `/v1/approvals/${approvalId}/reject`, { key: t.keys[scope] });
        expect([approve.status, reject.status]).toEqual([403, 403]);
      },
    );

    it("answers 404 when the approval belongs to another tenant or does not exist", async () => {
      const { approvalId } = await pendingIntent(t);
      expect(
        (await t.request("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.other })).status,
      ).toBe(404);
      expect(
        (await t.request("POST", "/v1/approvals/apr_nothing/approve", { key: t.keys.approver })).status,
      ).toBe(404);
    });
  });

  describe("POST /v1/approvals/:id/reject", () => {
    it("rejects with the guide's reason and records it", async () => {
      const { intentId, approvalId } = await pendingIntent(t);
      const data = await t.data("POST", `/v1/approvals/${approvalId}/reject`, {
        key: t.keys.approver,
        body: { reason: "Amount exceeds approved limit" },
      });
      expect(data).toMatchObject({ status: "rejected", rejectionReason: "Amount exceeds approved limit" });
      expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("rejected");
    });

    it("rejects without a reason when the body is {}", async () => {
      const { approvalId } = await pendingIntent(t);
      const data = await t.data("POST", `/v1/approvals/${approvalId}/reject`, {
        key: t.keys.approver,
        body: {},
      });
      expect(data.status).toBe("rejected");
    });

    it("answers 400 when the reason is not a string", async () => {
      const { approvalId } = await pendingIntent(t);
      const response = await t.request("POST", `/v1/approvals/${approvalId}/reject`, {
        key: t.keys.approver,
        body: { reason: 42 },
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.details[0].path).toEqual(["reason"]);
    });
  });

  describe("approval expiry", () => {
    it("resolves the intent to expired when the approval's deadline passes and the job runs", async () => {
      const { intentId, approvalId } = await pendingIntent(t);
      const approval = await t.data("GET", `/v1/approvals/${approvalId}`);
      t.clock.set(Date.parse(approval.expiresAt) + 1000);
      const expired = await t.services.governor.expireDue(t.clock());
      expect(expired).toBeGreaterThanOrEqual(1);
      expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("expired");
      const late = await t.request("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
      expect(late.status).toBe(400);
      expect((await late.json()).error.message).toBe("Approval already expired");
    });
  });
});
