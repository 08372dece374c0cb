import {
  createDomainAgent,
  defineDomain,
  defineIntentType,
  IntentAlreadyHandledError,
  IntentBlockedError,
  IntentExpiredError,
  IntentRejectedError,
  waitForDecision,
} from "@intendedops/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { errorBody, jsonOf, type StubApi, startStubApi } from "../test/stub-api-server";
import { IntendedOpsClient } from "./client";
import { remoteGovernance, statusOf } from "./remote-governance";
import type { Approval, Intent } from "./types";

const ledgerDomain = defineDomain({
  name: "ledger",
  description: "A one-type domain for these tests",
  types: {
    send_invoice: defineIntentType({
      name: "ledger.send_invoice",
      description: "Generate and send invoice",
      valueCategory: "efficiency",
      intentClass: "write",
      defaultRisk: "medium",
      params: z.object({ customerId: z.string().min(1), amount: z.number().positive() }).strict(),
    }),
  },
});

const decision = {
  outcome: "require_approval",
  reasons: ["T0 agent, medium risk: a human decides"],
  riskLevel: "medium",
  trustTier: "T0",
} as const;

function approval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: "apr_1",
    tenantId: "acme",
    intentId: "int_1",
    status: "pending",
    reasons: [...decision.reasons],
    requiredApprovals: 1,
    votes: [],
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    rejectionReason: null,
    requestedAt: "2024-01-15T10:30:00.000Z",
    expiresAt: "2024-01-18T10:30:00.000Z",
    ...overrides,
  };
}

/** A server-side intent in the shape of `GET /v1/intents/:id`. */
function intent(status: Intent["status"], approvalRecord: Approval | null = approval()): Intent {
  return {
    id: "int_1",
    tenantId: "acme",
    type: "ledger.send_invoice",
    domain: "ledger",
    agentId: "ledger-agent",
    status,
    params: { customerId: "cust_123", amount: 99.99 },
    description: null,
    justification: null,
    riskLevel: "medium",
    decision: { ...decision, reasons: [...decision.reasons], matchedPolicies: [], shadow: [], trace: [] },
    intention: "ambient",
    dataElements: [],
    idempotencyKey: null,
    submittedBy: "key_agent",
    error: null,
    valueCents: null,
    valueCategory: null,
    createdAt: "2024-01-15T10:30:00.000Z",
    updatedAt: "2024-01-15T10:30:00.000Z",
    completedAt: null,
    approval: approvalRecord,
  };
}

let api: StubApi | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A stub API whose intent stays pending for `pendingPolls` polls, then shows `final`. */
async function governedBy(final: Intent, pendingPolls = 2, submitStatus = "pending") {
  api = await startStubApi({
    "POST /v1/intents": () => ({
      status: 201,
      body: { data: { intentId: "int_1", status: submitStatus, createdAt: "t", decision } },
    }),
    "GET /v1/intents/int_1": (_req, call) => ({
      body: { data: call < pendingPolls ? intent("pending") : final },
    }),
    "POST /v1/intents/int_1/complete": () => ({ body: { data: intent("completed") } }),
    "POST /v1/intents/int_1/fail": () => ({ body: { data: intent("failed") } }),
  });
  const client = new IntendedOpsClient({ apiKey: "intendedops_acme_secret", baseUrl: api.url });
  return { api, governance: remoteGovernance(client) };
}

const fastWait = { pollIntervalMs: 5, maxPollIntervalMs: 20, timeoutMs: 5_000 };

describe("remoteGovernance", () => {
  it("submits through createIntent and returns id, status and decision", async () => {
    const { api, governance } = await governedBy(intent("approved"));
    const submitted = await governance.submit({
      type: "ledger.send_invoice",
      domain: "ledger",
      agentId: "ledger-agent",
      params: { customerId: "cust_123", amount: 99.99 },
    });
    expect(submitted).toEqual({ intentId: "int_1", status: "pending", decision, replayed: false });
    expect(jsonOf(api.requests[0])).toMatchObject({ type: "ledger.send_invoice", agentId: "ledger-agent" });
  });

  it("reports the intent as it is now when the submission is a replay", async () => {
    api = await startStubApi({
      "POST /v1/intents": () => ({
        headers: { "idempotent-replayed": "true" },
        body: { data: { intentId: "int_1", status: "pending", createdAt: "t", decision } },
      }),
      "GET /v1/intents/int_1": () => ({ body: { data: intent("completed") } }),
    });
    const governance = remoteGovernance(new IntendedOpsClient({ apiKey: "k", baseUrl: api.url }));
    const submitted = await governance.submit({
      type: "ledger.send_invoice",
      domain: "ledger",
      agentId: "ledger-agent",
      idempotencyKey: "invoice-1",
    });
    expect(submitted).toEqual({
      intentId: "int_1",
      status: "completed",
      decision: { ...decision, reasons: [...decision.reasons], intention: "ambient" },
      replayed: true,
    });
  });

  it("reports status until a human approves when polled by the runtime's waitForDecision", async () => {
    const approved = intent(
      "approved",
      approval({ status: "approved", decidedBy: "key_1", decidedByName: "Dana" }),
    );
    const { api, governance } = await governedBy(approved, 2);
    const outcome = await waitForDecision(governance, "int_1", fastWait);
    expect(outcome).toEqual({
      kind: "decided",
      report: { status: "approved", reasons: decision.reasons, decidedBy: "Dana" },
    });
    expect(api.requests.filter((r) => r.method === "GET")).toHaveLength(3);
  });

  it("posts the result and value when reporting a completion", async () => {
    const { api, governance } = await governedBy(intent("approved"));
    await governance.complete("int_1", {
      result: { invoiceId: "inv_9" },
      value: { cents: 9900, category: "revenue" },
    });
    expect(api.requests[0]?.path).toBe("/v1/intents/int_1/complete");
    expect(jsonOf(api.requests[0])).toEqual({
      result: { invoiceId: "inv_9" },
      value: { cents: 9900, category: "revenue" },
    });
  });

  it("posts the error message when reporting a failure", async () => {
    const { api, governance } = await governedBy(intent("approved"));
    await governance.fail("int_1", { error: "SMTP down" });
    expect(api.requests[0]?.path).toBe("/v1/intents/int_1/fail");
    expect(jsonOf(api.requests[0])).toEqual({ error: "SMTP down" });
  });

  it("reports a blank failure message as a non-empty error, which the server accepts (regression: 400, intent left approved)", async () => {
    const { api, governance } = await governedBy(intent("approved"));
    await governance.fail("int_1", { error: " " });
    await governance.fail("int_1", { error: "" });
    // The server trims `error` and refuses an empty one ("error: error is required").
    expect(api.requests.map((r) => (jsonOf(r) as { error: string }).error.trim())).toEqual([
      "The handler failed without a message",
      "The handler failed without a message",
    ]);
  });

  it("throws the client's typed error when the API refuses the submission", async () => {
    api = await startStubApi({
      "POST /v1/intents": () => ({ status: 404, body: errorBody("AGENT_NOT_FOUND", "Agent not found") }),
    });
    const governance = remoteGovernance(new IntendedOpsClient({ apiKey: "k", baseUrl: api.url }));
    await expect(
      governance.submit({ type: "ledger.send_invoice", domain: "ledger", agentId: "ghost" }),
    ).rejects.toMatchObject({ name: "AgentNotFoundError", code: "AGENT_NOT_FOUND" });
  });
});

describe("statusOf", () => {
  it("gives the human's rejection reason when the intent was rejected", () => {
    const rejected = intent(
      "rejected",
      approval({ status: "rejected", decidedBy: "key_2", rejectionReason: "Amount exceeds approved limit" }),
    );
    expect(statusOf(rejected)).toEqual({
      status: "rejected",
      reasons: ["Amount exceeds approved limit"],
      decidedBy: "key_2",
    });
  });

  it("names the approver when a rejection has no reason", () => {
    const rejected = intent("rejected", approval({ status: "rejected", decidedByName: "Dana" }));
    expect(statusOf(rejected).reasons).toEqual(["Rejected by Dana"]);
  });

  it("says when the approval expired when the intent expired", () => {
    expect(statusOf(intent("expired", approval({ status: "expired" })))).toEqual({
      status: "expired",
      reasons: ["Approval expired at 2024-01-18T10:30:00.000Z without a decision"],
      decidedBy: null,
    });
  });

  it("gives the decision's reasons when no approval exists", () => {
    expect(statusOf(intent("approved", null))).toEqual({
      status: "approved",
      reasons: decision.reasons,
      decidedBy: null,
    });
  });
});

describe("remoteGovernance with createDomainAgent", () => {
  it("runs the handler after approval and reports the completion when the agent calls a method", async () => {
    const approved = intent(
      "approved",
      approval({ status: "approved", decidedBy: "key_1", decidedByName: "Dana" }),
    );
    const { api, governance } = await governedBy(approved, 1);
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: async (params) => ({ sentTo: params.customerId }) },
    });
    const call = await agent.sendInvoice(
      { customerId: "cust_123", amount: 99.99 },
      { waitForApproval: fastWait },
    );
    expect(call).toMatchObject({
      intentId: "int_1",
      status: "completed",
      result: { sentTo: "cust_123" },
      decision: { approvedBy: "Dana" },
    });
    const complete = api.requests.find((r) => r.path === "/v1/intents/int_1/complete");
    expect(jsonOf(complete)).toEqual({ result: { sentTo: "cust_123" } });
  });

  it("never runs the handler when the human rejects", async () => {
    const rejected = intent("rejected", approval({ status: "rejected", rejectionReason: "Not this month" }));
    const { api, governance } = await governedBy(rejected, 1);
    let ran = false;
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: {
        sendInvoice: () => {
          ran = true;
        },
      },
    });
    const error = await agent
      .sendInvoice({ customerId: "cust_123", amount: 99.99 }, { waitForApproval: fastWait })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntentRejectedError);
    expect((error as IntentRejectedError).reasons).toEqual(["Not this month"]);
    expect(ran).toBe(false);
    expect(api.requests.some((r) => r.path.endsWith("/complete") || r.path.endsWith("/fail"))).toBe(false);
  });

  it("never runs the handler twice when an agent restarted after completing resubmits the same key", async () => {
    api = await startStubApi({
      "POST /v1/intents": () => ({
        headers: { "idempotent-replayed": "true" },
        body: { data: { intentId: "int_1", status: "approved", createdAt: "t", decision } },
      }),
      "GET /v1/intents/int_1": () => ({ body: { data: intent("completed") } }),
    });
    let runs = 0;
    const agent = createDomainAgent(ledgerDomain, {
      governance: remoteGovernance(new IntendedOpsClient({ apiKey: "k", baseUrl: api.url })),
      agentId: "ledger-agent",
      handlers: {
        sendInvoice: () => {
          runs++;
        },
      },
    });
    await expect(
      agent.sendInvoice({ customerId: "cust_123", amount: 99.99 }, { idempotencyKey: "invoice-1" }),
    ).rejects.toBeInstanceOf(IntentAlreadyHandledError);
    expect(runs).toBe(0);
    expect(api.requests.some((r) => r.path.endsWith("/complete"))).toBe(false);
  });

  it("throws IntentExpiredError when the approval expires while the agent waits", async () => {
    const { governance } = await governedBy(intent("expired", approval({ status: "expired" })), 1);
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: () => "sent" },
    });
    await expect(
      agent.sendInvoice({ customerId: "cust_123", amount: 99.99 }, { waitForApproval: fastWait }),
    ).rejects.toBeInstanceOf(IntentExpiredError);
  });

  it("throws IntentBlockedError without polling when the submission is blocked", async () => {
    const { api, governance } = await governedBy(intent("blocked"), 0, "blocked");
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: () => "sent" },
    });
    await expect(agent.sendInvoice({ customerId: "cust_123", amount: 99.99 })).rejects.toBeInstanceOf(
      IntentBlockedError,
    );
    expect(api.requests).toHaveLength(1);
  });
});
