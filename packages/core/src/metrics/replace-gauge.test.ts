import { describe, expect, it } from "vitest";
import { InMemoryMetricsCollector } from "./in-memory-collector";
import { IntendedOps_METRICS as M } from "./metric-definitions";
import { replaceGauge } from "./replace-gauge";

/** A collector like most custom ones: without the optional replaceGauge. */
function withoutReplace(): InMemoryMetricsCollector {
  const collector = new InMemoryMetricsCollector();
  Object.defineProperty(collector, "replaceGauge", { value: undefined });
  return collector;
}

function values(collector: InMemoryMetricsCollector, name: string) {
  return collector.getMetrics().find((m) => m.name === name)?.values;
}

describe("replaceGauge", () => {
  it("uses the collector's own replaceGauge when it has one", () => {
    const c = new InMemoryMetricsCollector();
    c.setGauge(M.AGENTS_BY_TIER, 4, { tenantId: "t1", trustTier: "T0" });
    replaceGauge(c, M.AGENTS_BY_TIER, [{ labels: { tenantId: "t1", trustTier: "T1" }, value: 2 }]);
    expect(values(c, M.AGENTS_BY_TIER)).toEqual([{ labels: { tenantId: "t1", trustTier: "T1" }, value: 2 }]);
  });

  it("sets the samples and zeroes the other series when the collector cannot replace", () => {
    const c = withoutReplace();
    expect(c.replaceGauge).toBeUndefined();
    c.setGauge(M.AGENTS_BY_TIER, 4, { tenantId: "t1", trustTier: "T0" });
    c.setGauge(M.AGENTS_BY_TIER, 1, { trustTier: "T1", tenantId: "t1" });
    replaceGauge(c, M.AGENTS_BY_TIER, [
      // Another key order and an undefined label still name the series already there.
      { labels: { trustTier: "T1", tenantId: "t1", agentId: undefined }, value: 3 },
      { labels: { tenantId: "t2", trustTier: "T0" }, value: 1 },
    ]);
    expect(values(c, M.AGENTS_BY_TIER)).toEqual([
      { labels: { tenantId: "t1", trustTier: "T0" }, value: 0 },
      { labels: { tenantId: "t1", trustTier: "T1" }, value: 3 },
      { labels: { tenantId: "t2", trustTier: "T0" }, value: 1 },
    ]);
  });
});
