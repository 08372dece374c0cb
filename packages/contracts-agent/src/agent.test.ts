import {
  type Actor,
  createCatalog,
  createGovernor,
  createMemoryStore,
  DEFAULT_ESTIMATOR_SETTINGS,
  embeddedGovernance,
  IntentRejectedError,
  sleep,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { createContractsAgent } from "./agent";
import { contractsDomain } from "./domain";
import { CONTRACTS_THRESHOLDS } from "./risk-thresholds";
import { CONTRACTS_MINUTES_SAVED } from "./value-defaults";

const tenantId = "tenant_contracts";
const admin: Actor = { tenantId, id: "key_admin", kind: "key" };
const counsel: Actor = { tenantId, id: "user_counsel", name: "General Counsel", kind: "user" };
const wait = { pollIntervalMs: 2, maxPollIntervalMs: 10, timeoutMs: 5_000 };

async function setup() {
  const governor = createGovernor({
    store: createMemoryStore(),
    catalog: createCatalog([contractsDomain]),
    metrics: false,
  });
  await governor.registerAgent(admin, { name: "Contracts Agent", domains: ["contracts"] });
  const governance = embeddedGovernance(governor, { tenantId, actorId: "key_contracts_agent" });
  const decideNext = async (decide: (approvalId: string) => Promise<unknown>) => {
    for (;;) {
      const [approval] = (await governor.listApprovals(tenantId, { status: "pending" })).items;
      if (approval) return decide(approval.id);
      await sleep(1);
    }
  };
  return { governor, governance, decideNext };
}

describe("createContractsAgent", () => {
  it("sends the guide's contract for signature after counsel approves it when the agent is a new T0 agent", async () => {
    const { governor, governance, decideNext } = await setup();
    const sent: unknown[] = [];
    const contracts = createContractsAgent({
      governance,
      agentId: "contracts-agent",
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

    const [outcome] = await Promise.all([
      contracts.sendForSignature(guideExample, {
        description: "Send MSA for customer signature",
        waitForApproval: wait,
      }),
      decideNext((id) => governor.approve(counsel, id)),
    ]);

    expect(outcome.status).toBe("completed");
    expect(outcome.result).toMatchObject({ signers: 2 });
    expect(outcome.decision).toMatchObject({
      riskLevel: "medium",
      trustTier: "T0",
      approvedBy: "General Counsel",
    });
    expect(sent).toEqual([guideExample]);
    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent).toMatchObject({
      status: "completed",
      type: "contracts.send_for_signature",
      valueCategory: "efficiency",
      valueCents:
        (CONTRACTS_MINUTES_SAVED.send_for_signature * DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents) / 60,
    });
  });

  it("never renews when the approver rejects a critical auto-renewal", async () => {
    const { governor, governance, decideNext } = await setup();
    let renewed = false;
    const contracts = createContractsAgent({
      governance,
      agentId: "contracts-agent",
      handlers: {
        autoRenew: () => {
          renewed = true;
        },
      },
    });

    const [error] = await Promise.all([
      contracts
        .autoRenew(
          {
            contractId: "contract_789",
            renewalTermMonths: 36,
            renewalValue: CONTRACTS_THRESHOLDS.autoRenewCriticalAbove + 1,
          },
          { waitForApproval: wait },
        )
        .catch((e: unknown) => e),
      decideNext((id) => governor.reject(counsel, id, "Renegotiate pricing before renewing")),
    ]);

    expect(error).toBeInstanceOf(IntentRejectedError);
    expect(renewed).toBe(false);
    const { intent } = await governor.getIntent(tenantId, (error as IntentRejectedError).intentId);
    expect(intent).toMatchObject({ status: "rejected", riskLevel: "critical" });
  });
});
