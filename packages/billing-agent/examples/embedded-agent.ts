/**
 * A billing agent governed by an embedded governor (in-memory store, no server).
 *
 * Run from apps/api (tsx is its dev dependency; the repository root has none):
 *   npx tsx --conditions=@intendedops/source ../../packages/billing-agent/examples/embedded-agent.ts
 *
 * It plays both sides: the agent submits intents, and a "finance lead" approves or rejects
 * them from the same process, as a human would from the console.
 */
import { billingDomain, createBillingAgent } from "@intendedops/billing-agent";
import {
  type Actor,
  createCatalog,
  createGovernor,
  createMemoryStore,
  embeddedGovernance,
  IntentBlockedError,
  IntentRejectedError,
  sleep,
} from "@intendedops/core";

const tenantId = "acme";
const admin: Actor = { tenantId, id: "key_admin", name: "Admin", kind: "key" };
const financeLead: Actor = { tenantId, id: "user_dana", name: "Dana (Finance)", kind: "user" };

const governor = createGovernor({ store: createMemoryStore(), catalog: createCatalog([billingDomain]) });
await governor.registerAgent(admin, {
  name: "Billing Agent",
  description: "Handles billing operations",
  domains: ["billing"],
  intentTypes: ["billing.send_invoice", "billing.collect_payment", "billing.process_refund"],
});
await governor.createPolicy(admin, {
  name: "No refunds above 10k",
  effect: "block",
  match: { types: ["billing.process_refund"], params: { field: "amount", op: "gt", value: 10_000 } },
  reason: "Refunds above 10,000 go through the finance team, not the agent",
});

// The agent's own code: what actually happens once IntendedOps allows an intent.
const billing = createBillingAgent({
  governance: embeddedGovernance(governor, { tenantId, actorId: "key_billing_agent" }),
  agentId: "billing-agent",
  handlers: {
    sendInvoice: async ({ customerId, amount, currency }, { intentId }) => {
      console.log(`  → invoicing ${customerId} ${amount} ${currency} (intent ${intentId})`);
      return { invoiceId: `inv_${intentId.slice(-8).toLowerCase()}` };
    },
    processRefund: async ({ paymentId, amount }) => {
      console.log(`  → refunding ${amount} on ${paymentId}`);
      return { refundId: `re_${paymentId}` };
    },
  },
  defaults: { waitForApproval: { pollIntervalMs: 50, timeoutMs: 10_000 } },
});

/** The human side: decide the next pending approval. */
async function humanDecides(decide: "approve" | "reject") {
  for (;;) {
    const [approval] = (await governor.listApprovals(tenantId, { status: "pending" })).items;
    if (approval) {
      console.log(
        `  [console] ${financeLead.name} sees: ${approval.intent?.type} — ${approval.reasons.join("; ")}`,
      );
      return decide === "approve"
        ? governor.approve(financeLead, approval.id)
        : governor.reject(financeLead, approval.id, "Customer already paid by wire");
    }
    await sleep(20);
  }
}

console.log("1. A new (T0) agent sends the guide's invoice: medium risk, so a human approves it first");
const [invoice] = await Promise.all([
  billing.sendInvoice(
    { customerId: "cust_123", amount: 99.99 },
    { description: "Send monthly subscription invoice", idempotencyKey: "invoice-cust_123-2024-01" },
  ),
  humanDecides("approve"),
]);
console.log(`  ✓ ${invoice.status}: ${invoice.result.invoiceId}, approved by ${invoice.decision.approvedBy}`);

console.log("2. A refund the finance lead rejects: the handler never runs");
try {
  await Promise.all([
    billing.processRefund({ customerId: "cust_123", paymentId: "pay_9", amount: 250, reason: "duplicate" }),
    humanDecides("reject"),
  ]);
} catch (error) {
  if (!(error instanceof IntentRejectedError)) throw error;
  console.log(`  ✗ rejected by ${error.rejectedBy}: ${error.reasons.join("; ")}`);
}

console.log("3. A refund a policy blocks outright: no human, no handler");
try {
  await billing.processRefund({
    customerId: "cust_123",
    paymentId: "pay_10",
    amount: 25_000,
    reason: "other",
  });
} catch (error) {
  if (!(error instanceof IntentBlockedError)) throw error;
  console.log(`  ✗ blocked: ${error.reasons.join("; ")}`);
}

const agent = await governor.getAgent(tenantId, "billing-agent");
const audit = await governor.verifyAudit(tenantId);
const stats = await governor.stats(tenantId);
console.log(
  `Trust: ${agent.trustTier} (score ${agent.trustScore}); value generated: $${stats.valueGenerated}`,
);
console.log(`Audit chain: ${audit.valid ? "valid" : "INVALID"} over ${audit.eventCount} events`);
