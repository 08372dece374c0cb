import { DEFAULT_ESTIMATOR_SETTINGS } from "@intendedops/core";
import { createGovernedHarness } from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { createContractsAgent } from "./agent";
import { contractsDomain } from "./domain";
import { CONTRACTS_THRESHOLDS } from "./risk-thresholds";
import { CONTRACTS_MINUTES_SAVED } from "./value-defaults";

const setup = () =>
  createGovernedHarness({
    domain: contractsDomain,
    approver: { id: "user_counsel", name: "General Counsel" },
  });

describe("createContractsAgent", () => {
  it("sends the guide's contract for signature after counsel approves it when the agent is a new T0 agent", async () => {
    const harness = await setup();
    const sent: unknown[] = [];
    const contracts = createContractsAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        sendForSignature: async (request, { intentId }) => {
          sent.push(request);
          return { envelopeId: `env_${intentId.slice(-6)}`, signers: request.signers.length };
        },
      },
    });
    const guideExample = {
      contractId: "contract_456",
      signers: [
        { email: "legal@acme.com", name: "Jane Smith", order: 1 },
        { email: "ceo@acme.com", name: "John Doe", order: 2 },
      ],
      deadline: "2026-02-15",
      reminderDays: [7, 3, 1],
    };

    const outcome = await harness.approving(
      contracts.sendForSignature(guideExample, {
        description: "Send MSA for customer signature",
        waitForApproval: harness.wait,
      }),
    );

    expect(outcome.status).toBe("completed");
    expect(outcome.result).toMatchObject({ signers: 2 });
    expect(outcome.decision).toMatchObject({
      riskLevel: "medium",
      trustTier: "T0",
      approvedBy: "General Counsel",
    });
    expect(sent).toEqual([guideExample]);
    expect(await harness.intent(outcome.intentId)).toMatchObject({
      status: "completed",
      type: "contracts.send_for_signature",
      valueCategory: "efficiency",
      valueCents:
        (CONTRACTS_MINUTES_SAVED.send_for_signature * DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents) / 60,
    });
  });

  it("never renews when the approver rejects a critical auto-renewal", async () => {
    const harness = await setup();
    let renewed = false;
    const contracts = createContractsAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        autoRenew: () => {
          renewed = true;
        },
      },
    });

    const error = await harness.rejecting(
      contracts.autoRenew(
        {
          contractId: "contract_789",
          renewalTermMonths: 36,
          renewalValue: CONTRACTS_THRESHOLDS.autoRenewCriticalAbove + 1,
        },
        { waitForApproval: harness.wait },
      ),
      "Renegotiate pricing before renewing",
    );

    expect(renewed).toBe(false);
    expect(await harness.intent(error.intentId)).toMatchObject({ status: "rejected", riskLevel: "critical" });
  });
});
