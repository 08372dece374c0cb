import { createGovernedHarness } from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { createIdentityAgent } from "./agent";
import { identityDomain } from "./domain";
import { IDENTITY_RISK_MITIGATION_CENTS } from "./value-defaults";

const setup = () =>
  createGovernedHarness({ domain: identityDomain, approver: { id: "user_security", name: "Security Lead" } });

describe("createIdentityAgent", () => {
  it("starts the guide's access review after approval when the agent is a new T0 agent", async () => {
    const harness = await setup();
    const identity = createIdentityAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        initiateAccessReview: ({ reviewType, scope, reviewers }, { intentId }) => ({
          reviewId: `rev_${reviewType}_${intentId.slice(-6)}`,
          groups: scope.length,
          reviewers: reviewers.length,
        }),
      },
    });

    const outcome = await harness.approving(
      identity.initiateAccessReview(
        {
          reviewType: "quarterly",
          scope: ["engineering", "finance"],
          reviewers: ["manager_123", "security_456"],
          deadline: "2026-02-28",
        },
        { description: "Q1 quarterly access certification", waitForApproval: harness.wait },
      ),
    );

    expect(outcome).toMatchObject({
      status: "completed",
      result: { groups: 2, reviewers: 2 },
      decision: { riskLevel: "low", trustTier: "T0", approvedBy: "Security Lead" },
    });
    expect(outcome.result.reviewId).toMatch(/^rev_quarterly_/);
    expect(await harness.intent(outcome.intentId)).toMatchObject({
      status: "completed",
      type: "identity.initiate_access_review",
      valueCategory: "risk_mitigation",
      valueCents: IDENTITY_RISK_MITIGATION_CENTS.initiate_access_review,
    });
  });

  it("never disables a privileged account when the approver rejects the deprovisioning", async () => {
    const harness = await setup();
    let disabled = false;
    const identity = createIdentityAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        deprovisionUser: () => {
          disabled = true;
        },
      },
    });

    const error = await harness.rejecting(
      identity.deprovisionUser(
        { userId: "user_root_ops", reason: "inactivity", privileged: true },
        { waitForApproval: harness.wait },
      ),
      "Break-glass account, keep it",
    );

    expect(disabled).toBe(false);
    expect(await harness.intent(error.intentId)).toMatchObject({ status: "rejected", riskLevel: "critical" });
  });

  it("audits permissions without a human when the intent is a low-risk analysis", async () => {
    const harness = await setup();
    const identity = createIdentityAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: { auditPermissions: ({ scope, includeInactive }) => ({ scope, includeInactive }) },
    });

    const outcome = await identity.auditPermissions({ scope: "all" }, { waitForApproval: false });

    expect(outcome).toMatchObject({
      status: "completed",
      result: { scope: "all", includeInactive: false },
      decision: { riskLevel: "low", approvedBy: null },
    });
    expect(await harness.pendingApprovals()).toEqual([]);
  });
});
