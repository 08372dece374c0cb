import { z } from "zod";
import { createCatalog } from "../catalog/catalog";
import { defineDomain, defineIntentType } from "../catalog/intent-type";
import { createMemoryStore, type MemoryStore } from "../storage/memory-store";
import type { OutboxEvent, StoragePort } from "../storage/storage-port";
import { createTrustConfig } from "../trust/trust-config";
import { createGovernor } from "./governor";
import type { Actor, Governor, GovernorOptions } from "./governor-types";

/** A small catalog for governor tests (the real domain packages live elsewhere). */
export const sendInvoice = defineIntentType({
  name: "billing.send_invoice",
  description: "Generate and send invoice",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z.object({ customerId: z.string().min(1), amount: z.number().positive() }),
  // Fifteen minutes of a person's time at the hourly rate.
  estimateValue: (_params, settings) => settings.hourlyRateCents / 4,
});

export const processRefund = defineIntentType({
  name: "billing.process_refund",
  description: "Issue refund to customer",
  valueCategory: null,
  intentClass: "write",
  defaultRisk: "high",
  params: z.object({ customerId: z.string().min(1), amount: z.number().positive() }),
  escalateRisk: (params) => (params.amount > 10_000 ? "critical" : undefined),
});

export const generateStatement = defineIntentType({
  name: "billing.generate_statement",
  description: "Create account statement",
  valueCategory: "efficiency",
  intentClass: "reporting",
  defaultRisk: "low",
  params: z.object({ customerId: z.string().min(1) }),
  estimateValue: () => 500,
});

export const createTicket = defineIntentType({
  name: "support.create_ticket",
  description: "Create support ticket",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z.object({ subject: z.string().min(1) }),
});

export const testCatalog = createCatalog([
  defineDomain({
    name: "billing",
    description: "Invoices, payments and refunds",
    types: {
      send_invoice: sendInvoice,
      process_refund: processRefund,
      generate_statement: generateStatement,
    },
  }),
  defineDomain({ name: "support", description: "Tickets", types: { create_ticket: createTicket } }),
]);

export const TENANT = "tenant-a";
export const OTHER_TENANT = "tenant-b";
export const START = Date.parse("2024-01-15T10:30:00.000Z");

/** The agent's API key (submits), two approvers, an admin, and a key of another tenant. */
export const agentKey: Actor = { tenantId: TENANT, id: "key_agent", name: "billing bot", kind: "key" };
export const approver: Actor = { tenantId: TENANT, id: "key_alice", name: "alice", kind: "key" };
export const secondApprover: Actor = { tenantId: TENANT, id: "key_bob", name: "bob", kind: "key" };
export const admin: Actor = { tenantId: TENANT, id: "key_admin", name: "admin", kind: "key" };
export const outsider: Actor = { tenantId: OTHER_TENANT, id: "key_other", name: "other", kind: "key" };

/** The guide's invoice request. */
export const invoiceRequest = {
  type: "billing.send_invoice",
  domain: "billing",
  agentId: "billing-agent",
  params: { customerId: "cust_123", amount: 99.99 },
  description: "Send monthly subscription invoice",
};

/** Trust that promotes quickly, so tests reach T1 in a few completions. */
export const fastTrust = createTrustConfig({
  promotion: { minOutcomes: 3, minSuccessRate: 0.6, minDwellMs: 0 },
});

export interface Harness {
  governor: Governor;
  store: MemoryStore;
  /** Outbox events handed to `onEvents`, in commit order. */
  notified: OutboxEvent[];
  clock: { now: number };
  advance(ms: number): void;
}

/** A governor over a fresh memory store (or a wrapper of it) with a controllable clock. */
export function createHarness(
  options: Partial<GovernorOptions> & { wrap?: (store: MemoryStore) => StoragePort } = {},
): Harness {
  const store = createMemoryStore();
  const clock = { now: START };
  const notified: OutboxEvent[] = [];
  const { wrap, ...rest } = options;
  const governor = createGovernor({
    store: wrap ? wrap(store) : store,
    catalog: testCatalog,
    clock: () => clock.now,
    metrics: false,
    onEvents: (events) => notified.push(...events),
    ...rest,
  });
  return {
    governor,
    store,
    notified,
    clock,
    advance(ms) {
      clock.now += ms;
    },
  };
}

/** Register the guide's Billing Agent (id `billing-agent`). */
export function registerBillingAgent(governor: Governor, intentTypes: string[] = ["billing.*"]) {
  return governor.registerAgent(agentKey, {
    name: "Billing Agent",
    description: "Handles billing operations",
    domains: ["billing"],
    intentTypes,
  });
}
