import {
  getMetricsCollector,
  IntendedOps_METRICS,
  MetricsCollector,
  metrics,
  setMetricsCollector,
} from "@intendedops/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InMemoryMetricsCollector } from "./in-memory-collector";

describe("the guide's metrics example", () => {
  const previous = getMetricsCollector();
  beforeEach(() => setMetricsCollector(new InMemoryMetricsCollector()));
  afterEach(() => setMetricsCollector(previous));

  it("records submission, timing and value when run verbatim", () => {
    // --- verbatim from the API guide, "Metrics" ---
    // Record intent submission
    metrics.intentSubmitted({
      tenantId: "tenant_123",
      agentId: "billing-agent",
      domain: "billing",
      intentType: "billing.send_invoice",
    });
    // Record with timing
    const stopTimer = metrics.startTimer(IntendedOps_METRICS.INTENT_EXECUTION_DURATION, {
      agentId: "billing-agent",
    });
    // ... do work ...
    const durationSeconds = stopTimer();
    // Record value generated
    metrics.valueGenerated(9900, {
      tenantId: "tenant_123",
      domain: "billing",
    });
    // Get all metrics (for export to Prometheus, etc.)
    const collector = getMetricsCollector();
    const allMetrics = collector.getMetrics();
    // --- end of the guide's code ---

    const byName = new Map(allMetrics.map((m) => [m.name, m]));
    expect(byName.get("intendedops_intents_submitted_total")).toEqual({
      name: "intendedops_intents_submitted_total",
      type: "counter",
      help: "Total intents submitted",
      values: [
        {
          labels: {
            agentId: "billing-agent",
            domain: "billing",
            intentType: "billing.send_invoice",
            tenantId: "tenant_123",
          },
          value: 1,
        },
      ],
    });
    expect(byName.get("intendedops_value_generated_cents_total")?.values).toEqual([
      { labels: { domain: "billing", tenantId: "tenant_123" }, value: 9900 },
    ]);
    const execution = byName.get("intendedops_intent_execution_duration_seconds");
    expect(execution?.type).toBe("histogram");
    expect(durationSeconds).toBeGreaterThanOrEqual(0);
    expect(execution?.values).toEqual([
      expect.objectContaining({ labels: { agentId: "billing-agent" }, count: 1, sum: durationSeconds }),
    ]);
    expect(allMetrics).toHaveLength(17);
  });

  it("exports MetricsCollector as a runtime value when imported without `type` as the guide does", () => {
    // Under verbatimModuleSyntax `import { MetricsCollector } from "@intendedops/core"` survives
    // compilation, so the export must exist at runtime.
    expect(typeof MetricsCollector).toBe("function");
  });
});
