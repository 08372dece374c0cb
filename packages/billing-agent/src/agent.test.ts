import { createGovernedHarness } from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { createBillingAgent } from "./agent";
import { billingDomain } from "./domain";

const setup = () =>
  createGovernedHarness({ domain: billingDomain, approver: { id: "user_finance", name: "Finance Lead" } });

describe("createBillingAgent", () => {
  it("sends the guide's invoice after a human approves it when the agent is a new T0 agent", async () => {
    const harness = await setup();
    const sent: unknown[] = [];
    const billing = createBillingAgent({
      governance: harness.governance,
      agentId: harness.agentId,
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

    const outcome = await harness.approving(
      billing.sendInvoice(
        { customerId: "cust_123", amount: 99.99 },
        {
          description: "Send monthly subscription invoice",
          idempotencyKey: "invoice-cust_123-2024-01",
          waitForApproval: harness.wait,
        },
      ),
    );

    expect(outcome.status).toBe("completed");
    expect(outcome.result).toMatchObject({ total: 99.99, currency: "USD" });
    expect(outcome.decision).toMatchObject({
      riskLevel: "medium",
      trustTier: "T0",
      approvedBy: "Finance Lead",
    });
    expect(sent).toEqual([{ customerId: "cust_123", amount: 99.99, currency: "USD" }]);
    expect(await harness.intent(outcome.intentId)).toMatchObject({
      status: "completed",
      type: "billing.send_invoice",
      valueCategory: "efficiency",
    });
  });

  it("never refunds when the approver rejects the refund", async () => {
    const harness = await setup();
    let refunded = false;
    const billing = createBillingAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        processRefund: () => {
          refunded = true;
        },
      },
    });

    const error = await harness.rejecting(
      billing.processRefund(
        { customerId: "cust_123", paymentId: "pay_1", amount: 12_000, reason: "requested_by_customer" },
        { waitForApproval: harness.wait },
      ),
      "Refund above policy",
    );

    expect(refunded).toBe(false);
    expect(await harness.intent(error.intentId)).toMatchObject({ status: "rejected", riskLevel: "critical" });
  });
});
