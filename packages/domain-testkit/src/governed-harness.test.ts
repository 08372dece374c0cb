import { createDomainAgent } from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { createGovernedHarness } from "./governed-harness";
import { ledgerDomain } from "./ledger-domain";

const approver = { id: "user_controller", name: "Controller" };

async function setup(options: Partial<Parameters<typeof createGovernedHarness>[0]> = {}) {
  const harness = await createGovernedHarness({ domain: ledgerDomain, approver, ...options });
  const ran: string[] = [];
  const agent = createDomainAgent(ledgerDomain, {
    governance: harness.governance,
    agentId: harness.agentId,
    handlers: {
      sendInvoice: ({ customerId }) => {
        ran.push(customerId);
        return { sent: customerId };
      },
      lookupBalance: () => ({ balance: 0 }),
    },
  });
  return { harness, agent, ran };
}

describe("createGovernedHarness", () => {
  it("registers the domain's agent at T0 in the domain's tenant when set up", async () => {
    const { harness } = await setup();
    expect(harness).toMatchObject({ tenantId: "tenant_ledger", agentId: "ledger-agent" });
    expect(await harness.governor.getAgent(harness.tenantId, harness.agentId)).toMatchObject({
      name: "Ledger Agent",
      domains: ["ledger"],
      trustTier: "T0",
    });
  });

  it("moves the agent to the given tier when trust is set", async () => {
    const { harness } = await setup({ trust: { tier: "T1", reason: "Graduated" } });
    expect(await harness.governor.getAgent(harness.tenantId, harness.agentId)).toMatchObject({
      trustTier: "T1",
    });
  });

  it("approves the call's approval as the approver when approving", async () => {
    const { harness, agent, ran } = await setup();
    const outcome = await harness.approving(
      agent.sendInvoice({ customerId: "cust_1", amount: 10 }, { waitForApproval: harness.wait }),
    );
    expect(outcome).toMatchObject({ status: "completed", decision: { approvedBy: "Controller" } });
    expect(ran).toEqual(["cust_1"]);
    expect(await harness.intent(outcome.intentId)).toMatchObject({ status: "completed" });
    expect(await harness.pendingApprovals()).toEqual([]);
  });

  it("returns the rejection and never runs the handler when rejecting", async () => {
    const { harness, agent, ran } = await setup();
    const error = await harness.rejecting(
      agent.sendInvoice({ customerId: "cust_1", amount: 10 }, { waitForApproval: harness.wait }),
      "Wrong customer",
    );
    expect(error.reasons).toEqual(["Wrong customer"]);
    expect(ran).toEqual([]);
    expect(await harness.intent(error.intentId)).toMatchObject({ status: "rejected" });
  });

  it("fails when the call ends without asking for approval", async () => {
    const { harness, agent } = await setup();
    const call = agent.lookupBalance({ accountId: "acc_1" }, { waitForApproval: harness.wait });
    await expect(harness.approving(call)).rejects.toThrow("The call ended without asking for approval");
  });
});
