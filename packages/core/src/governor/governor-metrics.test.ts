import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getMetricsCollector, setMetricsCollector } from "../metrics/global-collector";
import { InMemoryMetricsCollector } from "../metrics/in-memory-collector";
import { IntendedOps_METRICS as M } from "../metrics/metric-definitions";
import type { MetricsCollector } from "../metrics/metrics-collector";
import {
  agentKey,
  approver,
  createHarness,
  invoiceRequest,
  registerBillingAgent,
  TENANT,
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
