import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getMetricsCollector, setMetricsCollector } from "../metrics/global-collector";
import { InMemoryMetricsCollector } from "../metrics/in-memory-collector";
import { IntendedOps_METRICS as M } from "../metrics/metric-definitions";
import type { MetricsCollector } from "../metrics/metrics-collector";
import type { StoragePort } from "../storage/storage-port";
import { createGovernor } from "./governor";
import {
  admin,
  agentKey,
  approver,
  createHarness,
  invoiceRequest,
  OTHER_TENANT,
  outsider,
  registerBillingAgent,
  TENANT,
  testCatalog,
} from "./test-fixtures";

/** Sum of a counter or gauge over the series whose labels include `match`. */
function total(collector: MetricsCollector, name: string, match: Record<string, string> = {}): number {
  const family = collector.getMetrics().find((m) => m.name === name);
  if (!family || family.type === "histogram") return Number.NaN;
  return family.values
    .filter((v) => Object.entries(match).every(([k, value]) => v.labels[k] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

function histogramCount(collector: MetricsCollector, name: string): number {
  const family = collector.getMetrics().find((m) => m.name === name);
  return family?.type === "histogram" ? family.values.reduce((sum, v) => sum + v.count, 0) : Number.NaN;
}

function histogramSum(collector: MetricsCollector, name: string): number {
  const family = collector.getMetrics().find((m) => m.name === name);
  return family?.type === "histogram" ? family.values.reduce((sum, v) => sum + v.sum, 0) : Number.NaN;
}

/** The label sets of a gauge's series, each with its value. */
function series(
  collector: MetricsCollector,
  name: string,
): { labels: Record<string, string>; value: number }[] {
  const family = collector.getMetrics().find((m) => m.name === name);
  return family && family.type !== "histogram" ? family.values : [];
}

const statementRequest = {
  ...invoiceRequest,
  type: "billing.generate_statement",
  params: { customerId: "cust_123" },
};

describe("governor metrics", () => {
  let previous: MetricsCollector;
  let collector: InMemoryMetricsCollector;

  beforeEach(() => {
    previous = getMetricsCollector();
    collector = new InMemoryMetricsCollector();
    setMetricsCollector(collector);
  });
  afterEach(() => setMetricsCollector(previous));

  it("records the guide's metrics when intents are decided, approved and completed", async () => {
    const { governor } = createHarness({ metrics: true });
    await registerBillingAgent(governor);
    const { intent, approval } = await governor.submit(agentKey, invoiceRequest);
    await governor.submit(agentKey, {
      ...invoiceRequest,
      type: "support.create_ticket",
      domain: "support",
      params: { subject: "x" },
    });
    expect(total(collector, M.INTENTS_PENDING_APPROVAL, { tenantId: TENANT })).toBe(1);

    await governor.approve(approver, approval?.id ?? "");
    await governor.complete(agentKey, intent.id);

    expect(total(collector, M.INTENTS_SUBMITTED, { intentType: "billing.send_invoice" })).toBe(1);
    expect(total(collector, M.INTENTS_EVALUATED)).toBe(2);
    expect(histogramCount(collector, M.INTENT_EVALUATION_DURATION)).toBe(2);
    expect(total(collector, M.GOVERNANCE_DECISIONS, { status: "require_approval" })).toBe(1);
    expect(total(collector, M.GOVERNANCE_DECISIONS, { status: "block" })).toBe(1);
    expect(total(collector, M.INTENTS_BLOCKED, { domain: "support" })).toBe(1);
    expect(total(collector, M.INTENTS_PENDING_APPROVAL, { tenantId: TENANT })).toBe(0);
    expect(total(collector, M.INTENTS_EXECUTED, { status: "completed" })).toBe(1);
    expect(total(collector, M.VALUE_GENERATED, { agentId: "billing-agent" })).toBe(1500);
    expect(total(collector, M.VALUE_BY_TYPE, { category: "efficiency" })).toBe(1500);
    const score = (await governor.getAgent(TENANT, "billing-agent")).trustScore;
    expect(total(collector, M.TRUST_SCORE, { agentId: "billing-agent" })).toBe(score);
  });

  it("counts a manual trust override from T0 to T2 as one progression, and T2 to T1 as one demotion", async () => {
    const { governor } = createHarness({ metrics: true });
    await registerBillingAgent(governor);
    const promoted = await governor.setTrust(admin, "billing-agent", {
      tier: "T2",
      reason: "proven elsewhere",
    });
    expect(promoted.trustTier).toBe("T2");
    expect(total(collector, M.TRUST_PROGRESSIONS, { agentId: "billing-agent", trustTier: "T2" })).toBe(1);
    expect(total(collector, M.TRUST_DEMOTIONS)).toBe(0);
    expect(total(collector, M.TRUST_SCORE, { agentId: "billing-agent" })).toBe(promoted.trustScore);

    const demoted = await governor.setTrust(admin, "billing-agent", { tier: "T1", reason: "one slip" });
    expect(total(collector, M.TRUST_DEMOTIONS, { agentId: "billing-agent", trustTier: "T1" })).toBe(1);
    expect(total(collector, M.TRUST_PROGRESSIONS)).toBe(1);
    expect(total(collector, M.TRUST_SCORE, { agentId: "billing-agent" })).toBe(demoted.trustScore);
  });

  it("observes execution time from the policy's approval at submission to completion", async () => {
    const { governor, advance } = createHarness({ metrics: true });
    await registerBillingAgent(governor);
    const { intent } = await governor.submit(agentKey, statementRequest);
    expect(intent.status).toBe("approved");
    advance(1_500);
    await governor.complete(agentKey, intent.id);
    expect(histogramCount(collector, M.INTENT_EXECUTION_DURATION)).toBe(1);
    expect(histogramSum(collector, M.INTENT_EXECUTION_DURATION)).toBe(1.5);
  });

  it("observes execution time from the human approval, not the submission, to a failure", async () => {
    const { governor, advance } = createHarness({ metrics: true });
    await registerBillingAgent(governor);
    const { intent, approval } = await governor.submit(agentKey, invoiceRequest);
    advance(60_000);
    await governor.approve(approver, approval?.id ?? "");
    advance(2_000);
    await governor.fail(agentKey, intent.id, { error: "mail server down" });
    const family = collector.getMetrics().find((m) => m.name === M.INTENT_EXECUTION_DURATION);
    expect(family?.values).toMatchObject([
      {
        labels: {
          tenantId: TENANT,
          agentId: "billing-agent",
          domain: "billing",
          intentType: "billing.send_invoice",
        },
        count: 1,
        sum: 2,
      },
    ]);
  });

  it("recounts pending approvals, agents by tier and trust scores from the store, as after a restart", async () => {
    const { governor, store } = createHarness({ metrics: true });
    const agent = await registerBillingAgent(governor);
    const first = await governor.submit(agentKey, invoiceRequest);
    await governor.submit(agentKey, invoiceRequest);
    await governor.registerAgent(outsider, { name: "Other Agent", domains: ["billing"] });
    await governor.setTrust(outsider, "other-agent", { tier: "T1", reason: "trusted" });

    // A new process: an empty collector and a new governor on the same store.
    collector = new InMemoryMetricsCollector();
    setMetricsCollector(collector);
    const restarted = createGovernor({ store, catalog: testCatalog, clock: () => 0 });
    expect(series(collector, M.INTENTS_PENDING_APPROVAL)).toEqual([]);

    await restarted.refreshGauges();
    expect(series(collector, M.INTENTS_PENDING_APPROVAL)).toEqual([
      { labels: { tenantId: TENANT }, value: 2 },
    ]);
    expect(series(collector, M.AGENTS_BY_TIER)).toEqual(
      expect.arrayContaining([
        { labels: { tenantId: TENANT, trustTier: "T0" }, value: 1 },
        { labels: { tenantId: OTHER_TENANT, trustTier: "T1" }, value: 1 },
      ]),
    );
    expect(series(collector, M.AGENTS_BY_TIER)).toHaveLength(2);
    const other = await restarted.getAgent(OTHER_TENANT, "other-agent");
    expect(series(collector, M.TRUST_SCORE)).toEqual(
      expect.arrayContaining([
        { labels: { tenantId: TENANT, agentId: "billing-agent" }, value: agent.trustScore },
        { labels: { tenantId: OTHER_TENANT, agentId: "other-agent" }, value: other.trustScore },
      ]),
    );

    // Another instance resolves an approval; this one's recount follows the store, not its memory.
    await governor.reject(approver, first.approval?.id ?? "", "not now");
    await restarted.refreshGauges();
    expect(series(collector, M.INTENTS_PENDING_APPROVAL)).toEqual([
      { labels: { tenantId: TENANT }, value: 1 },
    ]);
  });

  it("drops a tenant's pending series when the recount finds none left", async () => {
    const { governor } = createHarness({ metrics: true });
    await registerBillingAgent(governor);
    const { approval } = await governor.submit(agentKey, invoiceRequest);
    await governor.refreshGauges();
    expect(total(collector, M.INTENTS_PENDING_APPROVAL, { tenantId: TENANT })).toBe(1);
    await governor.approve(approver, approval?.id ?? "");
    await governor.refreshGauges();
    expect(series(collector, M.INTENTS_PENDING_APPROVAL)).toEqual([]);
  });

  it("shares one recount between refreshes that overlap, and reads nothing when metrics are disabled", async () => {
    let reads = 0;
    const counting = (store: StoragePort): StoragePort => ({
      ...store,
      transaction: (fn) => store.transaction(fn),
      read: (fn) => {
        reads += 1;
        return store.read(fn);
      },
    });
    const enabled = createHarness({ metrics: true, wrap: counting });
    await Promise.all([enabled.governor.refreshGauges(), enabled.governor.refreshGauges()]);
    expect(reads).toBe(1);
    await enabled.governor.refreshGauges();
    expect(reads).toBe(2);

    const disabled = createHarness({ metrics: false, wrap: counting });
    await disabled.governor.refreshGauges();
    expect(reads).toBe(2);
  });

  it("records nothing when metrics are disabled", async () => {
    const { governor } = createHarness({ metrics: false });
    await registerBillingAgent(governor);
    await governor.submit(agentKey, invoiceRequest);
    expect(total(collector, M.INTENTS_SUBMITTED)).toBe(0);
  });

  it("still commits and answers when the collector throws", async () => {
    setMetricsCollector(
      new (class extends InMemoryMetricsCollector {
        override increment(): void {
          throw new Error("collector down");
        }
      })(),
    );
    const { governor } = createHarness({ metrics: true });
    await registerBillingAgent(governor);
    const { intent } = await governor.submit(agentKey, invoiceRequest);
    expect((await governor.getIntent(TENANT, intent.id)).intent.status).toBe("pending");
  });
});
