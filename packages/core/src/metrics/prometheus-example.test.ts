import { getMetricsCollector, IntendedOps_METRICS, metrics, setMetricsCollector } from "@intendedops/core";
import { afterEach, describe, expect, it } from "vitest";
import { PrometheusCollector } from "../../examples/prometheus-collector";

const original = getMetricsCollector();
afterEach(() => setMetricsCollector(original));

describe("PrometheusCollector (the guide's prom-client example)", () => {
  it("exposes the helpers' samples through prom-client's registry when installed as the global collector", async () => {
    const collector = new PrometheusCollector();
    // Set as global collector
    setMetricsCollector(collector);

    const labels = {
      tenantId: "tenant_123",
      agentId: "billing-agent",
      domain: "billing",
      intentType: "billing.send_invoice",
    };
    metrics.intentSubmitted(labels);
    metrics.intentSubmitted(labels);
    metrics.valueGenerated(9900, labels);
    metrics.setPendingApprovals(3, { tenantId: "tenant_123" });
    metrics.decPendingApprovals({ tenantId: "tenant_123" });
    metrics.setTrustScore(640, { tenantId: "tenant_123", agentId: "billing-agent" });
    metrics.observeEvaluationDuration(0.0003, { tenantId: "tenant_123", domain: "billing" });
    const stopTimer = metrics.startTimer(IntendedOps_METRICS.INTENT_EXECUTION_DURATION, {
      agentId: "billing-agent",
    });
    const durationSeconds = stopTimer();

    const text = await collector.metrics();
    expect(collector.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(text).toContain(
      'intendedops_intents_submitted_total{tenantId="tenant_123",agentId="billing-agent",domain="billing",intentType="billing.send_invoice"} 2',
    );
    expect(text).toContain("intendedops_value_generated_cents_total{");
    expect(text).toMatch(/intendedops_value_generated_cents_total\{[^}]*\} 9900/);
    expect(text).toContain('intendedops_intents_pending_approval{tenantId="tenant_123"} 2');
    expect(text).toContain("# HELP intendedops_trust_score Current trust score by agent");
    expect(text).toContain('intendedops_trust_score{tenantId="tenant_123",agentId="billing-agent"} 640');
    expect(text).toContain(
      'intendedops_intent_evaluation_duration_seconds_bucket{le="0.0005",tenantId="tenant_123",domain="billing"} 1',
    );
    expect(text).toContain('intendedops_intent_execution_duration_seconds_count{agentId="billing-agent"} 1');

    const snapshot = getMetricsCollector().getMetrics();
    const execution = snapshot.find((m) => m.name === IntendedOps_METRICS.INTENT_EXECUTION_DURATION);
    expect(execution?.values).toEqual([expect.objectContaining({ count: 1, sum: durationSeconds })]);
    expect(snapshot.find((m) => m.name === IntendedOps_METRICS.INTENTS_SUBMITTED)?.values).toEqual([
      {
        labels: {
          agentId: "billing-agent",
          domain: "billing",
          intentType: "billing.send_invoice",
          tenantId: "tenant_123",
        },
        value: 2,
      },
    ]);
  });

  it("rejects a later call with an unknown label when prom-client fixed the label set on first use", () => {
    const collector = new PrometheusCollector();
    collector.increment("custom_total", { a: "1" });
    expect(() => collector.increment("custom_total", { b: "2" })).toThrow(/label/i);
  });
});
