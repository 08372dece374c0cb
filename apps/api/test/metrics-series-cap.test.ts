import { Writable } from "node:stream";
import {
  getMetricsCollector,
  InMemoryMetricsCollector,
  type MetricsCollector,
  setMetricsCollector,
} from "@intendedops/core";
import { createStore } from "@intendedops/storage";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { createServices } from "../src/services";
import { createTestClock, issueTestKey, OTHER_TENANT, TENANT } from "./support/test-app";

/** An app over an in-memory SQLite store whose log lines (JSON) land in `lines`. */
async function startLoggedApp() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line !== "") lines.push(JSON.parse(line));
      done();
    },
  });
  const clock = createTestClock();
  const store = await createStore({ url: "file::memory:", clock });
  const config = loadConfig({ LOG_LEVEL: "warn", KEY_CACHE_TTL_MS: "0" });
  const services = await createServices(config, { store, clock, logger: pino({ level: "warn" }, sink) });
  const app = createApp(services);
  const keys = {
    [TENANT]: await issueTestKey(store, TENANT, "agent key", ["agent"], clock()),
    [OTHER_TENANT]: await issueTestKey(store, OTHER_TENANT, "agent key", ["agent"], clock()),
  };
  const registerAgent = async (name: string, tenantId: keyof typeof keys = TENANT) => {
    const response = await app.request("/v1/agents", {
      method: "POST",
      headers: { "x-api-key": keys[tenantId], "content-type": "application/json" },
      body: JSON.stringify({ name, domains: ["billing"] }),
    });
    expect(response.status).toBe(201);
  };
  const scrape = async () => {
    const response = await app.request("/metrics");
    expect(response.status).toBe(200);
    return response.text();
  };
  const capWarnings = () => lines.filter((line) => String(line.msg).includes("series cap reached"));
  return { store, registerAgent, scrape, capWarnings };
}

describe("GET /metrics when the collector's series cap drops samples", () => {
  let previous: MetricsCollector;
  beforeEach(() => {
    previous = getMetricsCollector();
  });
  afterEach(() => setMetricsCollector(previous));

  it("logs a warning naming the dropped samples when agents beyond the cap are missing from the scrape", async () => {
    // The metric's cap alone: no tenant share of it (a fifth of 2 would be 1).
    const collector = new InMemoryMetricsCollector({
      maxSeriesPerMetric: 2,
      maxSeriesPerMetricPerTenant: Number.POSITIVE_INFINITY,
    });
    setMetricsCollector(collector);
    const app = await startLoggedApp();
    try {
      for (const name of ["Agent One", "Agent Two", "Agent Three"]) await app.registerAgent(name);
      const text = await app.scrape();
      // Three agents are stored, the gauge shows two: the third was dropped at the cap.
      expect(text.match(/^intendedops_trust_score\{/gm)).toHaveLength(2);
      expect(collector.droppedSamples).toBeGreaterThan(0);
      expect(app.capWarnings()).toHaveLength(1);
      expect(app.capWarnings()[0]).toMatchObject({ level: 40, droppedSamples: collector.droppedSamples });
    } finally {
      await app.store.close();
    }
  });

  it("shows another tenant's agent and names the tenant at its share when one tenant used its share (regression: one tenant with many agents could push other tenants' series out of /metrics)", async () => {
    // Room for six samples in all, three per tenant: without a share the first tenant's six
    // trust scores took the whole budget.
    const collector = new InMemoryMetricsCollector({ maxSamples: 6, maxSamplesPerTenant: 3 });
    setMetricsCollector(collector);
    const app = await startLoggedApp();
    try {
      for (let i = 1; i <= 6; i++) await app.registerAgent(`Agent ${i}`);
      await app.registerAgent("Other Agent", OTHER_TENANT);
      const text = await app.scrape();
      expect(text.match(/^intendedops_trust_score\{.*tenantId="globex".*$/gm) ?? []).toHaveLength(1);
      expect(text).toMatch(/^intendedops_agents_by_tier\{.*tenantId="globex".*\} 1$/m);
      expect(text.match(/^intendedops_trust_score\{.*tenantId="acme".*$/gm)).toHaveLength(3);
      expect(app.capWarnings()).toHaveLength(1);
      expect(app.capWarnings()[0]).toMatchObject({ level: 40, tenantsAtShare: [TENANT] });
    } finally {
      await app.store.close();
    }
  });

  it("stays quiet when nothing was dropped", async () => {
    setMetricsCollector(new InMemoryMetricsCollector());
    const app = await startLoggedApp();
    try {
      await app.registerAgent("Agent One");
      await app.scrape();
      await app.scrape();
      expect(app.capWarnings()).toEqual([]);
    } finally {
      await app.store.close();
    }
  });
});
