import { describe, expect, it } from "vitest";
import type { MemoryStore } from "../storage/memory-store";
import type { StoragePort, StoreTx } from "../storage/storage-port";
import type { Governor } from "./governor-types";
import {
  admin,
  agentKey,
  approver,
  createHarness,
  invoiceRequest,
  registerBillingAgent,
  TENANT,
} from "./test-fixtures";

type FailurePoint = "audit.append" | "the last write";

/** A store whose next transaction throws at the armed point, after the writes before it ran. */
function failingStore(store: MemoryStore, armed: { at: FailurePoint | null }): StoragePort {
  const inject = (tx: StoreTx): StoreTx => ({
    ...tx,
    audit: {
      ...tx.audit,
      append: async (tenantId, events) => {
        await tx.audit.append(tenantId, events);
        if (armed.at === "audit.append") throw new Error("injected failure after audit.append");
      },
    },
  });
  return {
    ...store,
    transaction: (fn) =>
      store.transaction(async (tx) => {
        const result = await fn(inject(tx));
        if (armed.at === "the last write") throw new Error("injected failure after the last write");
        return result;
      }),
  };
}

/** Everything observable in the tenant, to compare before and after a failed operation. */
async function snapshot(store: MemoryStore) {
  const all = { page: 1, pageSize: 500 };
  return {
    ...(await store.read(async (tx) => ({
      agents: await tx.agents.list(TENANT, all),
      intents: await tx.intents.list(TENANT, {}, all),
      approvals: await tx.approvals.list(TENANT, {}, all),
      policies: await tx.policies.list(TENANT),
      policyRevision: await tx.policies.revision(TENANT),
      audit: await tx.audit.list(TENANT, {}, all),
      head: await tx.audit.lockHead(TENANT),
      trust: await tx.trustChanges.list(TENANT, "billing-agent", 100),
      values: await tx.values.totals(TENANT),
      idempotency: await tx.idempotency.get(TENANT, "atomic-key"),
    }))),
    outbox: store.outboxEvents(),
  };
}

const operations: [
  string,
  (governor: Governor, ids: { approvalId: string; intentId: string }) => Promise<unknown>,
][] = [
  ["registerAgent", (g) => g.registerAgent(agentKey, { name: "Second Agent", domains: ["billing"] })],
  ["submit", (g) => g.submit(agentKey, { ...invoiceRequest, idempotencyKey: "atomic-key" })],
  ["approve", (g, ids) => g.approve(approver, ids.approvalId)],
  ["reject", (g, ids) => g.reject(approver, ids.approvalId, "no")],
  [
    "complete",
    (g, ids) => g.complete(agentKey, ids.intentId, { value: { cents: 100, category: "revenue" } }),
  ],
  ["fail", (g, ids) => g.fail(agentKey, ids.intentId, { error: "x" })],
  ["setTrust", (g) => g.setTrust(admin, "billing-agent", { tier: "T2", reason: "r" })],
  ["createPolicy", (g) => g.createPolicy(admin, { name: "p", effect: "allow" })],
];

describe("governor atomicity", () => {
  for (const at of ["audit.append", "the last write"] as const) {
    for (const [name, operation] of operations) {
      it(`leaves no trace of ${name} when the transaction fails after ${at}`, async () => {
        const armed: { at: FailurePoint | null } = { at: null };
        const { governor, store, notified } = createHarness({ wrap: (s) => failingStore(s, armed) });
        await registerBillingAgent(governor);
        const pending = await governor.submit(agentKey, invoiceRequest);
        const statement = await governor.submit(agentKey, {
          ...invoiceRequest,
          type: "billing.generate_statement",
          params: { customerId: "c" },
        });
        const ids = {
          approvalId: pending.approval?.id ?? "",
          // Reject/approve use the pending invoice; complete/fail use the auto-approved statement.
          intentId: statement.intent.id,
        };
        const before = await snapshot(store);
        const notifiedBefore = notified.length;

        armed.at = at;
        await expect(operation(governor, ids)).rejects.toThrow(/injected failure/);
        armed.at = null;

        expect(await snapshot(store)).toEqual(before);
        expect(notified).toHaveLength(notifiedBefore);
        // The same operation succeeds afterwards, and the chain it extends still verifies.
        await operation(governor, ids);
        expect((await governor.verifyAudit(TENANT)).valid).toBe(true);
      });
    }
  }
});
