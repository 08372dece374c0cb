import { createGovernedHarness } from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { createSalesAgent } from "./agent";
import { salesDomain } from "./domain";

describe("createSalesAgent", () => {
  it("creates the guide's opportunity without a human when the agent is trusted for low risk", async () => {
    const harness = await createGovernedHarness({
      domain: salesDomain,
      approver: { id: "user_sales_lead", name: "Sales Lead" },
      trust: { tier: "T1", reason: "Graduated from probation" },
    });
    const sales = createSalesAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        createOpportunity: (opportunity) => ({ opportunityId: "opp_1", name: opportunity.dealName }),
      },
    });

    const outcome = await sales.createOpportunity(
      {
        leadId: "lead_123",
        dealName: "Enterprise License - Acme Corp",
        amount: 50000,
        stage: "qualification",
        closeDate: "2026-03-31",
      },
      { description: "Convert qualified lead to opportunity" },
    );

    expect(outcome).toMatchObject({
      status: "completed",
      result: { opportunityId: "opp_1", name: "Enterprise License - Acme Corp" },
      decision: { outcome: "allow", trustTier: "T1", approvedBy: null },
    });
    expect(await harness.intent(outcome.intentId)).toMatchObject({
      status: "completed",
      valueCategory: "revenue",
      valueCents: 5_000_000,
    });
    expect(await harness.pendingApprovals()).toEqual([]);
  });
});
