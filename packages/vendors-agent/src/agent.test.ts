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
import { createVendorsAgent } from "./agent";
import { vendorsDomain } from "./domain";
import { VENDORS_THRESHOLDS } from "./risk-thresholds";
import { VENDORS_RISK_MITIGATION_CENTS } from "./value-defaults";

const tenantId = "tenant_vendors";
const admin: Actor = { tenantId, id: "key_admin", kind: "key" };
const procurement: Actor = { tenantId, id: "user_procurement", name: "Procurement Lead", kind: "user" };
const wait = { pollIntervalMs: 2, maxPollIntervalMs: 10, timeoutMs: 5_000 };

async function setup() {
  const governor = createGovernor({
    store: createMemoryStore(),
    catalog: createCatalog([vendorsDomain]),
    metrics: false,
  });
  await governor.registerAgent(admin, { name: "Vendors Agent", domains: ["vendors"] });
  const governance = embeddedGovernance(governor, { tenantId, actorId: "key_vendors_agent" });
  const decideNext = async (decide: (approvalId: string) => Promise<unknown>) => {
    for (;;) {
      const [approval] = (await governor.listApprovals(tenantId, { status: "pending" })).items;
      if (approval) return decide(approval.id);
      await sleep(1);
    }
  };
  return { governor, governance, decideNext };
}

describe("createVendorsAgent", () => {
  it("offboards the vendor after a human approves it when termination is high risk", async () => {
    const { governor, governance, decideNext } = await setup();
    const offboarded: unknown[] = [];
    const vendors = createVendorsAgent({
      governance,
      agentId: "vendors-agent",
      handlers: {
        terminateVendor: async (params, { intentId }) => {
          offboarded.push(params);
          return { offboardingId: `off_${intentId.slice(-6)}`, revokeAccess: params.revokeAccess };
        },
      },
    });

    const [outcome] = await Promise.all([
      vendors.terminateVendor(
        { vendorId: "vendor_123", reason: "performance", effectiveDate: "2026-04-01" },
        { justification: "Missed the uptime SLA three quarters in a row", waitForApproval: wait },
      ),
      decideNext((id) => governor.approve(procurement, id)),
    ]);

    expect(outcome.status).toBe("completed");
    expect(outcome.result).toMatchObject({ revokeAccess: true });
    expect(outcome.decision).toMatchObject({
      riskLevel: "high",
      trustTier: "T0",
      approvedBy: "Procurement Lead",
    });
    expect(offboarded).toEqual([
      {
        vendorId: "vendor_123",
        reason: "performance",
        effectiveDate: "2026-04-01",
        revokeAccess: true,
        dataDisposition: "destroy",
        currency: "USD",
      },
    ]);
    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent).toMatchObject({
      status: "completed",
      type: "vendors.terminate_vendor",
      valueCategory: "risk_mitigation",
      valueCents: VENDORS_RISK_MITIGATION_CENTS.terminate_vendor,
    });
  });

  it("never offboards a strategic vendor when the approver rejects the critical termination", async () => {
    const { governor, governance, decideNext } = await setup();
    let offboarded = false;
    const vendors = createVendorsAgent({
      governance,
      agentId: "vendors-agent",
      handlers: {
        terminateVendor: () => {
          offboarded = true;
        },
      },
    });

    const [error] = await Promise.all([
      vendors
        .terminateVendor(
          {
            vendorId: "vendor_cloud",
            reason: "cost",
            effectiveDate: "2026-06-30",
            annualSpend: VENDORS_THRESHOLDS.terminationCriticalAbove + 1,
          },
          { waitForApproval: wait },
        )
        .catch((e: unknown) => e),
      decideNext((id) => governor.reject(procurement, id, "No replacement hosting provider yet")),
    ]);

    expect(error).toBeInstanceOf(IntentRejectedError);
    expect((error as IntentRejectedError).reasons).toEqual(["No replacement hosting provider yet"]);
    expect(offboarded).toBe(false);
    const { intent } = await governor.getIntent(tenantId, (error as IntentRejectedError).intentId);
    expect(intent).toMatchObject({ status: "rejected", riskLevel: "critical" });
  });

  it("reviews a contract without a human when the intent is a low-risk analysis", async () => {
    const { governor, governance } = await setup();
    const vendors = createVendorsAgent({
      governance,
      agentId: "vendors-agent",
      handlers: { reviewContract: ({ focusAreas }) => ({ findings: focusAreas?.length ?? 0 }) },
    });

    const outcome = await vendors.reviewContract(
      { vendorId: "vendor_123", contractId: "vc_88", focusAreas: ["liability", "sla"] },
      { waitForApproval: false },
    );

    expect(outcome).toMatchObject({
      status: "completed",
      result: { findings: 2 },
      decision: { approvedBy: null },
    });
    expect((await governor.listApprovals(tenantId, { status: "pending" })).items).toEqual([]);
  });
});
