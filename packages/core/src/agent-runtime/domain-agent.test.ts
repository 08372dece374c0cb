import { describe, expect, it } from "vitest";
import { createCatalog } from "../catalog/catalog";
import { type IntendedOpsError, isIntendedOpsError } from "../errors";
import { createGovernor } from "../governor/governor";
import type { Actor, Governor } from "../governor/governor-types";
import { createMemoryStore } from "../storage/memory-store";
import {
  ApprovalTimeoutError,
  CompletionReportError,
  HandlerFailedError,
  IntentAlreadyHandledError,
  IntentBlockedError,
  IntentExpiredError,
  IntentRejectedError,
  MissingHandlerError,
} from "./agent-errors";
import { sleep } from "./approval-wait";
import { createDomainAgent, type HandlerContext } from "./domain-agent";
import { embeddedGovernance } from "./embedded-governance";
import type { GovernanceBackend } from "./governance-backend";
import { ledgerDomain } from "./test-fixtures";

const tenantId = "tenant_a";
const admin: Actor = { tenantId, id: "key_admin", name: "Admin key", kind: "key" };
const human: Actor = { tenantId, id: "user_alice", name: "Alice", kind: "user" };
const fastWait = { pollIntervalMs: 2, maxPollIntervalMs: 10, timeoutMs: 5_000 };

interface Setup {
  governor: Governor;
  governance: GovernanceBackend;
  now: { ms: number };
}

async function setup(): Promise<Setup> {
  const now = { ms: Date.parse("2026-01-15T10:00:00Z") };
  const governor = createGovernor({
    store: createMemoryStore(),
    catalog: createCatalog([ledgerDomain]),
    clock: () => now.ms,
    metrics: false,
  });
  await governor.registerAgent(admin, { name: "Ledger Agent", domains: ["ledger"] });
  const governance = embeddedGovernance(governor, { tenantId, actorId: "key_ledger_agent" });
  return { governor, governance, now };
}

/** Acts as the human: waits for the next pending approval, then decides it. */
async function decideNextApproval(governor: Governor, decide: (approvalId: string) => Promise<unknown>) {
  for (;;) {
    const pending = await governor.listApprovals(tenantId, { status: "pending" });
    const approval = pending.items[0];
    if (approval) return decide(approval.id);
    await sleep(1);
  }
}

/** A handler that records its calls. */
function recorder<R>(result: (params: unknown) => R) {
  const calls: { params: unknown; context: HandlerContext }[] = [];
  const handler = (params: unknown, context: HandlerContext) => {
    calls.push({ params, context });
    return result(params);
  };
  return { calls, handler };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject");
}

describe("createDomainAgent", () => {
  it("runs the handler and reports completion when a human approves the pending intent", async () => {
    const { governor, governance } = await setup();
    const before = await governor.getAgent(tenantId, "ledger-agent");
    const send = recorder((p) => ({ invoiceId: `inv_for_${(p as { customerId: string }).customerId}` }));
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: send.handler },
    });

    const [outcome] = await Promise.all([
      agent.sendInvoice({ customerId: "cust_123", amount: 99.99 }, { waitForApproval: fastWait }),
      decideNextApproval(governor, (id) => governor.approve(human, id)),
    ]);

    expect(outcome.status).toBe("completed");
    expect(outcome.result).toEqual({ invoiceId: "inv_for_cust_123" });
    expect(outcome.decision).toMatchObject({
      outcome: "require_approval",
      riskLevel: "medium",
      approvedBy: "Alice",
    });
    expect(send.calls).toHaveLength(1);
    expect(send.calls[0]?.params).toEqual({ customerId: "cust_123", amount: 99.99, currency: "USD" });
    expect(send.calls[0]?.context).toMatchObject({ intentId: outcome.intentId, type: "ledger.send_invoice" });

    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent.status).toBe("completed");
    expect(intent.result).toEqual({ invoiceId: "inv_for_cust_123" });
    expect(intent.valueCents).toBe(1_500);
    const after = await governor.getAgent(tenantId, "ledger-agent");
    expect(after.recentOutcomes).toEqual([...before.recentOutcomes, "success"]);
    expect(after.trustScore).toBeGreaterThan(before.trustScore);
  });

  it("runs the handler at once when governance allows the intent without a human", async () => {
    const { governor, governance } = await setup();
    const lookup = recorder(() => 420);
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { lookupBalance: lookup.handler },
    });

    const outcome = await agent.lookupBalance({ accountId: "acc_1" });

    expect(outcome).toMatchObject({ status: "completed", result: 420 });
    expect(outcome.decision).toMatchObject({ outcome: "allow", approvedBy: null });
    expect(lookup.calls).toHaveLength(1);
    expect((await governor.getIntent(tenantId, outcome.intentId)).intent.status).toBe("completed");
  });

  it("records the caller's value when one is given", async () => {
    const { governor, governance } = await setup();
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { lookupBalance: () => 1 },
    });
    const outcome = await agent.lookupBalance(
      { accountId: "acc_1" },
      { value: { cents: 777, category: "efficiency" } },
    );
    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent.valueCents).toBe(777);
    expect(intent.valueCategory).toBe("efficiency");
  });

  it("throws IntentRejectedError and never runs the handler when a human rejects", async () => {
    const { governor, governance } = await setup();
    const send = recorder(() => "sent");
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: send.handler },
    });

    const [error] = await Promise.all([
      rejection(agent.sendInvoice({ customerId: "cust_123", amount: 99.99 }, { waitForApproval: fastWait })),
      decideNextApproval(governor, (id) => governor.reject(human, id, "Amount exceeds approved limit")),
    ]);

    expect(error).toBeInstanceOf(IntentRejectedError);
    const rejected = error as IntentRejectedError;
    expect(rejected.reasons).toEqual(["Amount exceeds approved limit"]);
    expect(rejected.rejectedBy).toBe("Alice");
    expect(rejected.message).toContain("Amount exceeds approved limit");
    expect(send.calls).toHaveLength(0);
    expect((await governor.getIntent(tenantId, rejected.intentId)).intent.status).toBe("rejected");
  });

  it("throws IntentBlockedError with the policy's reason when a policy blocks the intent", async () => {
    const { governor, governance } = await setup();
    await governor.createPolicy(admin, {
      name: "No large collections",
      effect: "block",
      match: { types: ["ledger.collect_payment"], params: { field: "amount", op: "gt", value: 1_000 } },
      reason: "Collections above 1,000 are handled by finance",
    });
    const collect = recorder(() => "charged");
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { collectPayment: collect.handler },
    });

    const error = await rejection(agent.collectPayment({ invoiceId: "inv_1", amount: 5_000 }));

    expect(error).toBeInstanceOf(IntentBlockedError);
    const blocked = error as IntentBlockedError;
    expect(blocked.status).toBe("blocked");
    expect(blocked.reasons.join(" ")).toContain("No large collections");
    expect(collect.calls).toHaveLength(0);
    expect((await governor.getIntent(tenantId, blocked.intentId)).intent.status).toBe("blocked");
  });

  it("throws ApprovalTimeoutError and leaves the intent pending when nobody decides in time", async () => {
    const { governor, governance } = await setup();
    const send = recorder(() => "sent");
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: send.handler },
    });

    const error = await rejection(
      agent.sendInvoice({ customerId: "c", amount: 1 }, { waitForApproval: { ...fastWait, timeoutMs: 20 } }),
    );

    expect(error).toBeInstanceOf(ApprovalTimeoutError);
    const timeout = error as ApprovalTimeoutError;
    expect(timeout.timeoutMs).toBe(20);
    expect(timeout.reasons.length).toBeGreaterThan(0);
    expect(send.calls).toHaveLength(0);
    expect((await governor.getIntent(tenantId, timeout.intentId)).intent.status).toBe("pending");
  });

  it("throws IntentExpiredError when the approval expires while the agent waits", async () => {
    const { governor, governance, now } = await setup();
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: () => "sent" },
    });

    const [error] = await Promise.all([
      rejection(agent.sendInvoice({ customerId: "c", amount: 1 }, { waitForApproval: fastWait })),
      decideNextApproval(governor, async () => {
        now.ms += 73 * 3_600_000;
        return governor.expireDue();
      }),
    ]);

    expect(error).toBeInstanceOf(IntentExpiredError);
    expect((error as IntentExpiredError).reasons[0]).toMatch(/^Approval expired/);
  });

  it("throws IntentExpiredError when the approval's time passes while the agent waits and nobody runs expireDue (regression: embedded agents waited until their own timeout)", async () => {
    // The governor's clock starts 73 hours back, so the approval (72 h by default) is overdue
    // by the wall clock; the clock then catches up, as time passes in a real process.
    const { governor, governance, now } = await setup();
    now.ms = Date.now() - 73 * 3_600_000;
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: () => "sent" },
    });

    const [error] = await Promise.all([
      rejection(
        agent.sendInvoice(
          { customerId: "c", amount: 1 },
          { waitForApproval: { ...fastWait, timeoutMs: 1_000 } },
        ),
      ),
      decideNextApproval(governor, async () => {
        now.ms = Date.now();
      }),
    ]);

    expect(error).toBeInstanceOf(IntentExpiredError);
    const { intent } = await governor.getIntent(tenantId, (error as IntentExpiredError).intentId);
    expect(intent.status).toBe("expired");
  });

  it("keeps the agent's timeout when a call passes timeoutMs: undefined (regression: the agent polled forever)", async () => {
    const { governance } = await setup();
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: () => "sent" },
      defaults: { waitForApproval: { ...fastWait, timeoutMs: 20 } },
    });

    const error = await rejection(
      agent.sendInvoice({ customerId: "c", amount: 1 }, { waitForApproval: { timeoutMs: undefined } }),
    );

    expect(error).toBeInstanceOf(ApprovalTimeoutError);
    expect((error as ApprovalTimeoutError).timeoutMs).toBe(20);
  });

  it("refuses a wait option that is not a number of milliseconds before submitting anything", async () => {
    const { governor, governance } = await setup();
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: () => "sent" },
    });

    const error = await rejection(
      agent.sendInvoice({ customerId: "c", amount: 1 }, { waitForApproval: { timeoutMs: Number.NaN } }),
    );

    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      "waitForApproval.timeoutMs must be a number of milliseconds ≥ 0, got NaN",
    );
    expect((await governor.listIntents(tenantId)).total).toBe(0);
  });

  it("names the human approver when an idempotency key replays an intent approved earlier (regression: approvedBy was null, as for a policy)", async () => {
    const { governor, governance } = await setup();
    const send = recorder(() => "sent");
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: send.handler },
    });
    const call = { idempotencyKey: "invoice-c-1", waitForApproval: false } as const;
    const first = await agent.sendInvoice({ customerId: "c", amount: 1 }, call);
    await decideNextApproval(governor, (approvalId) => governor.approve(human, approvalId));

    const replay = await agent.sendInvoice({ customerId: "c", amount: 1 }, call);

    expect(first.status).toBe("pending");
    expect(replay).toMatchObject({ intentId: first.intentId, status: "completed" });
    expect(replay.status === "completed" && replay.decision.approvedBy).toBe("Alice");
    expect(send.calls[0]?.context.decision.approvedBy).toBe("Alice");
  });

  it("reports the failure and throws HandlerFailedError with the cause when the handler throws", async () => {
    const { governor, governance } = await setup();
    const before = await governor.getAgent(tenantId, "ledger-agent");
    const cause = new Error("ledger unavailable");
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: {
        lookupBalance: async () => {
          throw cause;
        },
      },
    });

    const error = await rejection(agent.lookupBalance({ accountId: "acc_1" }));

    expect(error).toBeInstanceOf(HandlerFailedError);
    const failed = error as HandlerFailedError;
    expect(failed.cause).toBe(cause);
    expect(failed.reportError).toBeUndefined();
    const { intent } = await governor.getIntent(tenantId, failed.intentId);
    expect(intent.status).toBe("failed");
    expect(intent.error).toBe("ledger unavailable");
    const after = await governor.getAgent(tenantId, "ledger-agent");
    expect(after.recentOutcomes).toEqual([...before.recentOutcomes, "failure"]);
  });

  it.each([
    [" ", "The handler failed without a message"],
    ["", "The handler failed without a message"],
    [new TypeError(" "), "TypeError"],
  ])(
    "records the failure when the handler throws a blank message (%j): the governor needs some text",
    async (thrown, reported) => {
      const { governor, governance } = await setup();
      const agent = createDomainAgent(ledgerDomain, {
        governance,
        agentId: "ledger-agent",
        handlers: {
          lookupBalance: async () => {
            throw thrown;
          },
        },
      });

      const failed = (await rejection(agent.lookupBalance({ accountId: "acc_1" }))) as HandlerFailedError;

      expect(failed).toBeInstanceOf(HandlerFailedError);
      // Before: the governor refused the empty error, the intent stayed approved, trust unmoved.
      expect(failed.reportError).toBeUndefined();
      const { intent } = await governor.getIntent(tenantId, failed.intentId);
      expect(intent).toMatchObject({ status: "failed", error: reported });
    },
  );

  it("rejects with the abort reason and leaves the intent pending when the caller aborts while waiting", async () => {
    const { governor, governance } = await setup();
    const send = recorder(() => "sent");
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: send.handler },
    });
    const controller = new AbortController();
    const reason = new Error("shutting down");

    const [error] = await Promise.all([
      rejection(
        agent.sendInvoice(
          { customerId: "c", amount: 1 },
          { waitForApproval: fastWait, signal: controller.signal },
        ),
      ),
      decideNextApproval(governor, async () => controller.abort(reason)),
    ]);

    expect(error).toBe(reason);
    expect(send.calls).toHaveLength(0);
    const pending = await governor.listIntents(tenantId, { status: "pending" });
    expect(pending.total).toBe(1);
  });

  it("submits nothing when the signal is already aborted", async () => {
    const { governor, governance } = await setup();
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { lookupBalance: () => 1 },
    });
    const error = await rejection(agent.lookupBalance({ accountId: "a" }, { signal: AbortSignal.abort() }));
    expect((error as Error).name).toBe("AbortError");
    expect((await governor.listIntents(tenantId)).total).toBe(0);
  });

  it("returns the pending intent without running the handler when waitForApproval is false", async () => {
    const { governor, governance } = await setup();
    const send = recorder(() => "sent");
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: send.handler },
    });

    const outcome = await agent.sendInvoice({ customerId: "c", amount: 1 }, { waitForApproval: false });

    expect(outcome.status).toBe("pending");
    expect(outcome.decision.outcome).toBe("require_approval");
    expect(send.calls).toHaveLength(0);
    expect((await governor.getIntent(tenantId, outcome.intentId)).intent.status).toBe("pending");
  });

  it("throws a VALIDATION_ERROR naming the field and submits nothing when params are invalid", async () => {
    const { governor, governance } = await setup();
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { sendInvoice: () => "sent" },
    });

    const error = await rejection(agent.sendInvoice({ customerId: "c", amount: -1 }));

    expect(isIntendedOpsError(error)).toBe(true);
    expect((error as IntendedOpsError).code).toBe("VALIDATION_ERROR");
    expect((error as IntendedOpsError).details).toEqual([
      { path: ["params", "amount"], message: "Too small: expected number to be >0" },
    ]);
    expect((await governor.listIntents(tenantId)).total).toBe(0);
  });

  it("throws MissingHandlerError before submitting when the method has no handler", async () => {
    const { governor, governance } = await setup();
    const agent = createDomainAgent(ledgerDomain, { governance, agentId: "ledger-agent", handlers: {} });

    const error = await rejection(agent.collectPayment({ invoiceId: "inv_1", amount: 10 }));

    expect(error).toBeInstanceOf(MissingHandlerError);
    expect((error as Error).message).toContain("handlers.collectPayment");
    expect((await governor.listIntents(tenantId)).total).toBe(0);
  });

  it("refuses a handler that matches no intent type when the agent is created", async () => {
    const { governance } = await setup();
    const handlers = { sendInvoce: () => "typo" };
    expect(() =>
      createDomainAgent(ledgerDomain, { governance, agentId: "ledger-agent", handlers: handlers as never }),
    ).toThrow(/Unknown handler "sendInvoce"/);
  });

  it("does not run the handler again when an idempotency key replays a completed intent", async () => {
    const { governor, governance } = await setup();
    const lookup = recorder(() => 1);
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { lookupBalance: lookup.handler },
    });

    const first = await agent.lookupBalance({ accountId: "a" }, { idempotencyKey: "lookup-a-1" });
    const error = await rejection(agent.lookupBalance({ accountId: "a" }, { idempotencyKey: "lookup-a-1" }));

    expect(error).toBeInstanceOf(IntentAlreadyHandledError);
    expect(error).toMatchObject({ intentId: first.intentId, status: "completed" });
    expect(lookup.calls).toHaveLength(1);
    expect((await governor.listIntents(tenantId)).total).toBe(1);
  });

  it("sends the defaults and per-call fields with the intent when given", async () => {
    const { governor, governance } = await setup();
    const agent = createDomainAgent(ledgerDomain, {
      governance,
      agentId: "ledger-agent",
      handlers: { lookupBalance: () => 1 },
      defaults: { justification: "Nightly balance check", description: "Default description" },
    });
    const outcome = await agent.lookupBalance({ accountId: "a" }, { description: "Check acc a" });
    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent).toMatchObject({ description: "Check acc a", justification: "Nightly balance check" });
  });

  it("throws CompletionReportError carrying the result when reporting completion fails", async () => {
    const { governance } = await setup();
    const outage = new Error("connection reset");
    const flaky: GovernanceBackend = {
      ...governance,
      complete: async () => {
        throw outage;
      },
    };
    const agent = createDomainAgent(ledgerDomain, {
      governance: flaky,
      agentId: "ledger-agent",
      handlers: { lookupBalance: () => ({ balance: 42 }) },
    });

    const error = await rejection(agent.lookupBalance({ accountId: "a" }));

    expect(error).toBeInstanceOf(CompletionReportError);
    expect(error).toMatchObject({ result: { balance: 42 }, cause: outage });
  });
});
