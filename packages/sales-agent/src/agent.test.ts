import {
  type Actor,
  createCatalog,
  createGovernor,
  createMemoryStore,
  embeddedGovernance,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { createSalesAgent } from "./agent";
import { salesDomain } from "./domain";

const tenantId = "tenant_sales";
const admin: Actor = { tenantId, id: "key_admin", kind: "key" };

describe("createSalesAgent", () => {
  it("creates the guide's opportunity without a human when the agent is trusted for low risk", async () => {
    const governor = createGovernor({
      store: createMemoryStore(),
      catalog: createCatalog([salesDomain]),
      metrics: false,
    });
    await governor.registerAgent(admin, { name: "Sales Agent", domains: ["sales"] });
    await governor.setTrust(admin, "sales-agent", { tier: "T1", reason: "Graduated from probation" });
    const sales = createSalesAgent({
      governance: embeddedGovernance(governor, { tenantId, actorId: "key_sales_agent" }),
      agentId: "sales-agent",
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
    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent).toMatchObject({ status: "completed", valueCategory: "revenue", valueCents: 5_000_000 });
  });
});
