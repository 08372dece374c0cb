import {
  type Actor,
  createCatalog,
  createGovernor,
  createMemoryStore,
  embeddedGovernance,
  IntentRejectedError,
  sleep,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { createBillingAgent } from "./agent";
import { billingDomain } from "./domain";

const tenantId = "tenant_billing";
const admin: Actor = { tenantId, id: "key_admin", kind: "key" };
const approver: Actor = { tenantId, id: "user_finance", name: "Finance Lead", kind: "user" };
const wait = { pollIntervalMs: 2, maxPollIntervalMs: 10, timeoutMs: 5_000 };

async function setup() {
  const governor = createGovernor({
    store: createMemoryStore(),
    catalog: createCatalog([billingDomain]),
    metrics: false,
  });
  await governor.registerAgent(admin, { name: "Billing Agent", domains: ["billing"] });
  const governance = embeddedGovernance(governor, { tenantId, actorId: "key_billing_agent" });
  const decideNext = async (decide: (approvalId: string) => Promise<unknown>) => {
    for (;;) {
      const [approval] = (await governor.listApprovals(tenantId, { status: "pending" })).items;
      if (approval) return decide(approval.id);
      await sleep(1);
    }
  };
  return { governor, governance, decideNext };
}

describe("createBillingAgent", () => {
  it("sends the guide's invoice after a human approves it when the agent is a new T0 agent", async () => {
    const { governor, governance, decideNext } = await setup();
    const sent: unknown[] = [];
    const billing = createBillingAgent({
      governance,
      agentId: "billing-agent",
      handlers: {
        sendInvoice: async (invoice, { intentId }) => {
          sent.push(invoice);
          return {
            invoiceId: `inv_${intentId.slice(-6)}`,
            total: invoice.amount,
            currency: invoice.currency,
          };
        },
      },
    });

    const [outcome] = await Promise.all([
      billing.sendInvoice(
        { customerId: "cust_123", amount: 99.99 },
        {
          description: "Send monthly subscription invoice",
          idempotencyKey: "invoice-cust_123-2024-01",
          waitForApproval: wait,
        },
      ),
      decideNext((id) => governor.approve(approver, id)),
    ]);

    expect(outcome.status).toBe("completed");
    expect(outcome.result).toMatchObject({ total: 99.99, currency: "USD" });
    expect(outcome.decision).toMatchObject({
      riskLevel: "medium",
      trustTier: "T0",
      approvedBy: "Finance Lead",
    });
    expect(sent).toEqual([{ customerId: "cust_123", amount: 99.99, currency: "USD" }]);
    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent).toMatchObject({
      status: "completed",
      type: "billing.send_invoice",
      valueCategory: "efficiency",
    });
  });

  it("never refunds when the approver rejects the refund", async () => {
    const { governor, governance, decideNext } = await setup();
    let refunded = false;
    const billing = createBillingAgent({
      governance,
      agentId: "billing-agent",
      handlers: {
        processRefund: () => {
          refunded = true;
        },
      },
    });

    const [error] = await Promise.all([
      billing
        .processRefund(
          { customerId: "cust_123", paymentId: "pay_1", amount: 12_000, reason: "requested_by_customer" },
          { waitForApproval: wait },
        )
        .catch((e: unknown) => e),
      decideNext((id) => governor.reject(approver, id, "Refund above policy")),
    ]);

    expect(error).toBeInstanceOf(IntentRejectedError);
    expect(refunded).toBe(false);
    const { intent } = await governor.getIntent(tenantId, (error as IntentRejectedError).intentId);
    expect(intent.riskLevel).toBe("critical");
  });
});
