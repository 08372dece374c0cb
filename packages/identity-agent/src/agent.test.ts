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
import { createIdentityAgent } from "./agent";
import { identityDomain } from "./domain";
import { IDENTITY_RISK_MITIGATION_CENTS } from "./value-defaults";

const tenantId = "tenant_identity";
const admin: Actor = { tenantId, id: "key_admin", kind: "key" };
const security: Actor = { tenantId, id: "user_security", name: "Security Lead", kind: "user" };
const wait = { pollIntervalMs: 2, maxPollIntervalMs: 10, timeoutMs: 5_000 };

async function setup() {
  const governor = createGovernor({
    store: createMemoryStore(),
    catalog: createCatalog([identityDomain]),
    metrics: false,
  });
  await governor.registerAgent(admin, { name: "Identity Agent", domains: ["identity"] });
  const governance = embeddedGovernance(governor, { tenantId, actorId: "key_identity_agent" });
  const decideNext = async (decide: (approvalId: string) => Promise<unknown>) => {
    for (;;) {
      const [approval] = (await governor.listApprovals(tenantId, { status: "pending" })).items;
      if (approval) return decide(approval.id);
      await sleep(1);
    }
  };
  return { governor, governance, decideNext };
}

describe("createIdentityAgent", () => {
  it("starts the guide's access review after approval when the agent is a new T0 agent", async () => {
    const { governor, governance, decideNext } = await setup();
    const identity = createIdentityAgent({
      governance,
      agentId: "identity-agent",
      handlers: {
        initiateAccessReview: ({ reviewType, scope, reviewers }, { intentId }) => ({
          reviewId: `rev_${reviewType}_${intentId.slice(-6)}`,
          groups: scope.length,
          reviewers: reviewers.length,
        }),
      },
    });

    const [outcome] = await Promise.all([
      identity.initiateAccessReview(
        {
          reviewType: "quarterly",
          scope: ["engineering", "finance"],
          reviewers: ["manager_123", "security_456"],
          deadline: "2026-02-28",
        },
        { description: "Q1 quarterly access certification", waitForApproval: wait },
      ),
      decideNext((id) => governor.approve(security, id)),
    ]);

    expect(outcome).toMatchObject({
      status: "completed",
      result: { groups: 2, reviewers: 2 },
      decision: { riskLevel: "low", trustTier: "T0", approvedBy: "Security Lead" },
    });
    expect(outcome.result.reviewId).toMatch(/^rev_quarterly_/);
    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent).toMatchObject({
      status: "completed",
      type: "identity.initiate_access_review",
      valueCategory: "risk_mitigation",
      valueCents: IDENTITY_RISK_MITIGATION_CENTS.initiate_access_review,
    });
  });

  it("never disables a privileged account when the approver rejects the deprovisioning", async () => {
    const { governor, governance, decideNext } = await setup();
    let disabled = false;
    const identity = createIdentityAgent({
      governance,
      agentId: "identity-agent",
      handlers: {
        deprovisionUser: () => {
          disabled = true;
        },
      },
    });

    const [error] = await Promise.all([
      identity
        .deprovisionUser(
          { userId: "user_root_ops", reason: "inactivity", privileged: true },
          { waitForApproval: wait },
        )
        .catch((e: unknown) => e),
      decideNext((id) => governor.reject(security, id, "Break-glass account, keep it")),
    ]);

    expect(error).toBeInstanceOf(IntentRejectedError);
    expect(disabled).toBe(false);
    const { intent } = await governor.getIntent(tenantId, (error as IntentRejectedError).intentId);
    expect(intent).toMatchObject({ status: "rejected", riskLevel: "critical" });
  });

  it("audits permissions without a human when the intent is a low-risk analysis", async () => {
    const { governor, governance } = await setup();
    const identity = createIdentityAgent({
      governance,
      agentId: "identity-agent",
      handlers: { auditPermissions: ({ scope, includeInactive }) => ({ scope, includeInactive }) },
    });

    const outcome = await identity.auditPermissions({ scope: "all" }, { waitForApproval: false });

    expect(outcome).toMatchObject({
      status: "completed",
      result: { scope: "all", includeInactive: false },
      decision: { riskLevel: "low", approvedBy: null },
    });
    expect((await governor.listApprovals(tenantId, { status: "pending" })).items).toEqual([]);
  });
});
