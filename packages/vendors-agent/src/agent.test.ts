import { createGovernedHarness } from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { createVendorsAgent } from "./agent";
import { vendorsDomain } from "./domain";
import { VENDORS_THRESHOLDS } from "./risk-thresholds";
import { VENDORS_RISK_MITIGATION_CENTS } from "./value-defaults";

const setup = () =>
  createGovernedHarness({
    domain: vendorsDomain,
    approver: { id: "user_procurement", name: "Procurement Lead" },
  });

describe("createVendorsAgent", () => {
  it("offboards the vendor after a human approves it when termination is high risk", async () => {
    const harness = await setup();
    const offboarded: unknown[] = [];
    const vendors = createVendorsAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        terminateVendor: async (params, { intentId }) => {
          offboarded.push(params);
          return { offboardingId: `off_${intentId.slice(-6)}`, revokeAccess: params.revokeAccess };
        },
      },
    });

    const outcome = await harness.approving(
      vendors.terminateVendor(
        { vendorId: "vendor_123", reason: "performance", effectiveDate: "2026-04-01" },
        { justification: "Missed the uptime SLA three quarters in a row", waitForApproval: harness.wait },
      ),
    );

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
    expect(await harness.intent(outcome.intentId)).toMatchObject({
      status: "completed",
      type: "vendors.terminate_vendor",
      valueCategory: "risk_mitigation",
      valueCents: VENDORS_RISK_MITIGATION_CENTS.terminate_vendor,
    });
  });

  it("never offboards a strategic vendor when the approver rejects the critical termination", async () => {
    const harness = await setup();
    let offboarded = false;
    const vendors = createVendorsAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        terminateVendor: () => {
          offboarded = true;
        },
      },
    });

    const error = await harness.rejecting(
      vendors.terminateVendor(
        {
          vendorId: "vendor_cloud",
          reason: "cost",
          effectiveDate: "2026-06-30",
          annualSpend: VENDORS_THRESHOLDS.terminationCriticalAbove + 1,
        },
        { waitForApproval: harness.wait },
      ),
      "No replacement hosting provider yet",
    );

    expect(offboarded).toBe(false);
    expect(await harness.intent(error.intentId)).toMatchObject({ status: "rejected", riskLevel: "critical" });
  });

  it("reviews a contract without a human when the intent is a low-risk analysis", async () => {
    const harness = await setup();
    const vendors = createVendorsAgent({
      governance: harness.governance,
      agentId: harness.agentId,
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
    expect(await harness.pendingApprovals()).toEqual([]);
  });
});
