import { createGovernedHarness } from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { createComplianceAgent } from "./agent";
import { complianceDomain } from "./domain";

describe("createComplianceAgent", () => {
  it("processes the guide's DSAR after the DPO approves it when the request is high risk", async () => {
    const harness = await createGovernedHarness({
      domain: complianceDomain,
      approver: { id: "user_dpo", name: "Data Protection Officer" },
    });
    const compliance = createComplianceAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        processDsar: ({ requestType, subjectEmail }) => ({ caseId: `dsar_${requestType}_${subjectEmail}` }),
      },
    });

    const outcome = await harness.approving(
      compliance.processDsar(
        { requestType: "access", subjectEmail: "user@example.com", deadline: "2026-03-01" },
        {
          description: "Process GDPR data access request",
          justification: "Article 15 request received via privacy portal",
          waitForApproval: harness.wait,
        },
      ),
    );

    expect(outcome).toMatchObject({
      status: "completed",
      result: { caseId: "dsar_access_user@example.com" },
      decision: { riskLevel: "high", approvedBy: "Data Protection Officer" },
    });
    expect(await harness.intent(outcome.intentId)).toMatchObject({
      status: "completed",
      valueCategory: "risk_mitigation",
      valueCents: 50_000,
    });
  });
});
