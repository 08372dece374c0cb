import {
  type Actor,
  type ApprovalView,
  createCatalog,
  createGovernor,
  createMemoryStore,
  type DomainDefinition,
  embeddedGovernance,
  type GovernanceBackend,
  type Governor,
  type Intent,
  IntentRejectedError,
  sleep,
  type TrustTier,
  type WaitOptions,
} from "@intendedops/core";
import { expect } from "vitest";

/** How to set up a domain's agent against an embedded governor. */
export interface GovernedHarnessOptions {
  domain: DomainDefinition;
  /** The human who decides approvals, e.g. `{ id: "user_finance", name: "Finance Lead" }`. */
  approver: { id: string; name: string };
  /** Moves the agent off T0 (where every new agent starts) before the test runs. */
  trust?: { tier: TrustTier; reason: string };
}

/** A governor with a memory store and one registered agent for the domain, plus its approver. */
export interface GovernedHarness {
  readonly tenantId: string;
  readonly admin: Actor;
  readonly approver: Actor;
  readonly governor: Governor;
  /** The agent's connection to the governor, acting as the agent's own key. */
  readonly governance: GovernanceBackend;
  /** The registered agent's id, e.g. `billing-agent`. */
  readonly agentId: string;
  /** Approval waits that poll fast and give up after five seconds. */
  readonly wait: WaitOptions;
  /** Approves the approval the call asks for, as the approver; resolves to what the call returns. */
  approving<T>(call: Promise<T>): Promise<T>;
  /** Rejects the approval the call asks for with the reason; resolves to the error the call threw. */
  rejecting(call: Promise<unknown>, reason: string): Promise<IntentRejectedError>;
  /** The stored intent. */
  intent(intentId: string): Promise<Intent>;
  /** Approvals still waiting for a human. */
  pendingApprovals(): Promise<ApprovalView[]>;
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * Registers "<Domain> Agent" in tenant `tenant_<domain>` of a fresh in-memory governor.
 * @example const h = await createGovernedHarness({ domain: billingDomain, approver: { id: "u", name: "Lead" } });
 */
export async function createGovernedHarness(options: GovernedHarnessOptions): Promise<GovernedHarness> {
  const { domain } = options;
  const tenantId = `tenant_${domain.name}`;
  const admin: Actor = { tenantId, id: "key_admin", kind: "key" };
  const approver: Actor = { tenantId, kind: "user", ...options.approver };
  const governor = createGovernor({
    store: createMemoryStore(),
    catalog: createCatalog([domain]),
    metrics: false,
  });
  const agent = await governor.registerAgent(admin, {
    name: `${capitalize(domain.name)} Agent`,
    domains: [domain.name],
  });
  if (options.trust) await governor.setTrust(admin, agent.id, options.trust);
  const governance = embeddedGovernance(governor, { tenantId, actorId: `key_${domain.name}_agent` });
  const pendingApprovals = async () => (await governor.listApprovals(tenantId, { status: "pending" })).items;

  /** Waits for the call's approval and decides it; fails when the call ends without asking for one. */
  const decideFor = async (call: Promise<unknown>, decide: (approvalId: string) => Promise<unknown>) => {
    let settled = false;
    call.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      const [approval] = await pendingApprovals();
      if (approval) return decide(approval.id);
      if (settled) throw new Error("The call ended without asking for approval");
      await sleep(1);
    }
  };

  return {
    tenantId,
    admin,
    approver,
    governor,
    governance,
    agentId: agent.id,
    wait: { pollIntervalMs: 2, maxPollIntervalMs: 10, timeoutMs: 5_000 },
    async approving(call) {
      const [result] = await Promise.all([call, decideFor(call, (id) => governor.approve(approver, id))]);
      return result;
    },
    async rejecting(call, reason) {
      const outcome = call.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      await decideFor(call, (id) => governor.reject(approver, id, reason));
      const settled = await outcome;
      expect(settled).toHaveProperty("error");
      const { error } = settled as { error: unknown };
      expect(error).toBeInstanceOf(IntentRejectedError);
      expect((error as IntentRejectedError).reasons).toEqual([reason]);
      return error as IntentRejectedError;
    },
    intent: async (intentId) => (await governor.getIntent(tenantId, intentId)).intent,
    pendingApprovals,
  };
}
