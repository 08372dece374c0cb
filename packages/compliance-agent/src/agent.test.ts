import {
  type Actor,
  createCatalog,
  createGovernor,
  createMemoryStore,
  embeddedGovernance,
  sleep,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { createComplianceAgent } from "./agent";
import { complianceDomain } from "./domain";

const tenantId = "tenant_compliance";
const admin: Actor = { tenantId, id: "key_admin", kind: "key" };
const dpo: Actor = { tenantId, id: "user_dpo", name: "Data Protection Officer", kind: "user" };

describe("createComplianceAgent", () => {
  it("processes the guide's DSAR after the DPO approves it when the request is high risk", async () => {
    const governor = createGovernor({
      store: createMemoryStore(),
      catalog: createCatalog([complianceDomain]),
      metrics: false,
    });
    await governor.registerAgent(admin, { name: "Compliance Agent", domains: ["compliance"] });
    const compliance = createComplianceAgent({
      governance: embeddedGovernance(governor, { tenantId, actorId: "key_compliance_agent" }),
      agentId: "compliance-agent",
      handlers: {
        processDsar: ({ requestType, subjectEmail }) => ({ caseId: `dsar_${requestType}_${subjectEmail}` }),
      },
    });
    const approveNext = async () => {
      for (;;) {
        const [approval] = (await governor.listApprovals(tenantId, { status: "pending" })).items;
        if (approval) return governor.approve(dpo, approval.id);
        await sleep(1);
      }
    };

    const [outcome] = await Promise.all([
      compliance.processDsar(
        { requestType: "access", subjectEmail: "user@example.com", deadline: "2026-03-01" },
        {
          description: "Process GDPR data access request",
          justification: "Article 15 request received via privacy portal",
          waitForApproval: { pollIntervalMs: 2, timeoutMs: 5_000 },
        },
      ),
      approveNext(),
    ]);

    expect(outcome).toMatchObject({
      status: "completed",
      result: { caseId: "dsar_access_user@example.com" },
      decision: { riskLevel: "high", approvedBy: "Data Protection Officer" },
    });
    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent).toMatchObject({
      status: "completed",
      valueCategory: "risk_mitigation",
      valueCents: 50_000,
    });
  });
});
