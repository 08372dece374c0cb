/**
 * A billing agent governed by a running IntendedOps server, through @intendedops/client.
 *
 * 1. Start a server with two admin keys of tenant "acme" (one for the agent, one for a human approver):
 *      AGENT_KEY=intendedops_acme_agentKey0123456789abcdef
 *      APPROVER_KEY=intendedops_acme_approverKey0123456789abcd
 *    from apps/api (tsx is its dev dependency; the repository root has none):
 *      INTENDEDOPS_BOOTSTRAP_KEY=$AGENT_KEY,$APPROVER_KEY DATABASE_URL=file::memory: \
 *        npx tsx --conditions=@intendedops/source src/cli.ts serve
 * 2. In another shell, with the same AGENT_KEY and APPROVER_KEY, also from apps/api:
 *      INTENDEDOPS_API_KEY=$AGENT_KEY INTENDEDOPS_APPROVER_KEY=$APPROVER_KEY \
 *        npx tsx --conditions=@intendedops/source ../../packages/billing-agent/examples/remote-agent.ts
 *
 * Without INTENDEDOPS_APPROVER_KEY the script prints the approval to grant (console or curl)
 * and waits up to INTENDEDOPS_WAIT_SECONDS (default 300) for a human.
 * INTENDEDOPS_URL defaults to http://127.0.0.1:3000.
 */
import { createBillingAgent } from "@intendedops/billing-agent";
import { ConflictError, IntendedOpsClient, remoteGovernance } from "@intendedops/client";
import { ApprovalTimeoutError, sleep } from "@intendedops/core";

const baseUrl = process.env.INTENDEDOPS_URL ?? "http://127.0.0.1:3000";
const apiKey = process.env.INTENDEDOPS_API_KEY;
if (!apiKey) {
  console.error("Set INTENDEDOPS_API_KEY to an API key with the agent (or admin) scope.");
  process.exit(1);
}
const approverKey = process.env.INTENDEDOPS_APPROVER_KEY;
const waitSeconds = Number(process.env.INTENDEDOPS_WAIT_SECONDS ?? 300);

const client = new IntendedOpsClient({ apiKey, baseUrl });

try {
  const agent = await client.registerAgent({
    name: "Billing Agent",
    description: "Handles billing operations",
    domains: ["billing"],
    intentTypes: ["billing.send_invoice", "billing.collect_payment"],
  });
  console.log(`Registered ${agent.id} at ${agent.trustTier}`);
} catch (error) {
  if (!(error instanceof ConflictError)) throw error;
  console.log("billing-agent is already registered");
}

const billing = createBillingAgent({
  governance: remoteGovernance(client),
  agentId: "billing-agent",
  handlers: {
    sendInvoice: async ({ customerId, amount, currency }, { intentId, decision }) => {
      console.log(
        `  → invoicing ${customerId} ${amount} ${currency} (approved by ${decision.approvedBy ?? "policy"})`,
      );
      return { invoiceId: `inv_${intentId.slice(-8).toLowerCase()}` };
    },
  },
});

/**
 * The human side: approve with a second key, or tell the operator what to approve. It looks for
 * this run's invoice by its description, so it never approves another pending invoice (one an
 * earlier run or the guide's curl left on the server).
 */
async function approveWhenPending(description: string, signal: AbortSignal): Promise<void> {
  const approver = approverKey ? new IntendedOpsClient({ apiKey: approverKey, baseUrl }) : null;
  while (!signal.aborted) {
    const { items } = await client.listApprovals({ status: "pending" });
    const approval = items.find(
      (a) =>
        a.intent?.agentId === "billing-agent" &&
        a.intent?.type === "billing.send_invoice" &&
        a.intent?.description === description,
    );
    if (approval) {
      console.log(`  pending approval ${approval.id}: ${approval.reasons.join("; ")}`);
      if (!approver) {
        console.log(
          `  approve it: curl -X POST -H "x-api-key: <approver key>" ${baseUrl}/v1/approvals/${approval.id}/approve`,
        );
        return;
      }
      await approver.approveIntent(approval.id);
      console.log(`  approved ${approval.id} with the approver key`);
      return;
    }
    await sleep(200, signal).catch(() => undefined);
  }
}

console.log("Sending the guide's invoice (a new T0 agent's invoice waits for a human)…");
const idempotencyKey = `invoice-${Date.now()}`;
const description = `Monthly subscription invoice (${idempotencyKey})`;
const stopApprover = new AbortController();
try {
  const [invoice] = await Promise.all([
    billing.sendInvoice(
      { customerId: "cust_123", amount: 99.99 },
      {
        description,
        idempotencyKey,
        waitForApproval: { timeoutMs: waitSeconds * 1_000, pollIntervalMs: 500, maxPollIntervalMs: 5_000 },
      },
    ),
    approveWhenPending(description, stopApprover.signal),
  ]);
  console.log(`✓ ${invoice.status}: ${invoice.result.invoiceId} (intent ${invoice.intentId})`);
  const metrics = await client.getAgentMetrics("billing-agent");
  console.log("Agent metrics:", JSON.stringify(metrics));
} catch (error) {
  if (error instanceof ApprovalTimeoutError) {
    console.log(
      `Nobody decided within ${waitSeconds} s; intent ${error.intentId} is still pending on the server.`,
    );
  } else {
    throw error;
  }
} finally {
  stopApprover.abort();
}
