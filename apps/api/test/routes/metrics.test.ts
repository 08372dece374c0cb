import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  getMetricsCollector,
  InMemoryMetricsCollector,
  type MetricsCollector,
  setMetricsCollector,
} from "@intendedops/core";
import { createStore, type KyselyStore } from "@intendedops/storage";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import type { AppEnv } from "../../src/context";
import { createServices } from "../../src/services";
import {
  BILLING_AGENT,
  createTestApp,
  createTestClock,
  issueTestKey,
  PG_URL,
  TENANT,
  type TestClock,
} from "../support/test-app";

/** One sample of the Prometheus text: its metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The samples of `name` whose labels include `match`, without the labels `match` names. */
function samplesOf(text: string, name: string, match: Record<string, string> = {}): Sample[] {
  return parseSamples(text).filter(
    (s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
}

/** An API instance over a store: what one server process runs. */
interface Instance {
  app: OpenAPIHono<AppEnv>;
  store: KyselyStore;
  call(method: string, path: string, key: string, body?: unknown): Promise<Response>;
  scrape(): Promise<string>;
}

async function startInstance(store: KyselyStore, clock: TestClock): Promise<Instance> {
  const config = loadConfig({ LOG_LEVEL: "silent", KEY_CACHE_TTL_MS: "0" });
  const services = await createServices(config, { store, clock, logger: pino({ level: "silent" }) });
  const app = createApp(services);
  const call = async (method: string, path: string, key: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    app,
    store,
    call,
    async scrape() {
      const response = await app.request("/metrics");
      expect(response.status).toBe(200);
      return response.text();
    },
  };
}

/** Keys of TENANT for an agent and an admin, written to the store. */
async function issueKeys(store: KyselyStore, clock: TestClock) {
  const issue = (scope: "agent" | "admin") => issueTestKey(store, TENANT, `${scope} key`, [scope], clock());
  return { agent: await issue("agent"), admin: await issue("admin") };
}

async function expectOk(response: Promise<Response>): Promise<Record<string, unknown>> {
  const answered = await response;
  const json = (await answered.json()) as { data: Record<string, unknown> };
  expect(answered.status, JSON.stringify(json)).toBeLessThan(300);
  return json.data;
}

let counter = 0;
/** A T0 billing agent's invoice: policy sends it to a human. */
function invoice() {
  counter += 1;
  return {
    type: "billing.send_invoice",
    domain: "billing",
    agentId: "billing-agent",
    params: { customerId: `cust_${counter}`, amount: 100 + counter },
  };
}

describe("GET /metrics gauges of stored state", () => {
  let previous: MetricsCollector;
  beforeEach(() => {
    previous = getMetricsCollector();
    setMetricsCollector(new InMemoryMetricsCollector());
  });
  afterEach(() => setMetricsCollector(previous));

  it("shows the stored pending approvals, agents by tier and trust scores at the first scrape after a restart", async () => {
    const directory = mkdtempSync(join(tmpdir(), "intendedops-metrics-"));
    const url = `file:${join(directory, "intendedops.db")}`;
    const clock = createTestClock();
    try {
      const first = await startInstance(await createStore({ url, clock }), clock);
      const keys = await issueKeys(first.store, clock);
      await expectOk(first.call("POST", "/v1/agents", keys.agent, BILLING_AGENT));
      await expectOk(
        first.call("POST", "/v1/agents", keys.agent, { name: "Sales Agent", domains: ["sales"] }),
      );
      await expectOk(
        first.call("PUT", "/v1/agents/sales-agent/trust", keys.admin, { tier: "T2", reason: "r" }),
      );
      await expectOk(first.call("POST", "/v1/intents", keys.agent, invoice()));
      await expectOk(first.call("POST", "/v1/intents", keys.agent, invoice()));
      await first.store.close();

      // The new process starts with empty metrics.
      setMetricsCollector(new InMemoryMetricsCollector());
      const second = await startInstance(await createStore({ url, clock }), clock);
      try {
        const text = await second.scrape();
        expect(samplesOf(text, "intendedops_intents_pending_approval")).toEqual([
          { name: "intendedops_intents_pending_approval", labels: { tenantId: TENANT }, value: 2 },
        ]);
        const byTier = samplesOf(text, "intendedops_agents_by_tier", { tenantId: TENANT });
        expect(byTier.map((s) => [s.labels.trustTier, s.value]).sort()).toEqual([
          ["T0", 1],
          ["T2", 1],
        ]);
        const scores = samplesOf(text, "intendedops_trust_score", { tenantId: TENANT });
        expect(scores.map((s) => s.labels.agentId).sort()).toEqual(["billing-agent", "sales-agent"]);
        const sales = await expectOk(second.call("GET", "/v1/agents/sales-agent", keys.admin));
        expect(scores.find((s) => s.labels.agentId === "sales-agent")?.value).toBe(sales.trustScore);
      } finally {
        await second.store.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("reports the same pending count from two instances on one PostgreSQL database", async () => {
    const a = await createTestApp("postgres");
    // The second instance gets a store of its own on the same schema, as another process would.
    const schema = (
      await a.store.db
        .selectNoFrom((eb) => eb.fn<string>("current_schema", []).as("schema"))
        .executeTakeFirstOrThrow()
    ).schema;
    const b = await startInstance(await createStore({ url: PG_URL, schema, clock: a.clock }), a.clock);
    // Each instance records into its own collector, as separate processes do.
    const collectorA = new InMemoryMetricsCollector();
    const collectorB = new InMemoryMetricsCollector();
    const pendingIn = (text: string) => samplesOf(text, "intendedops_intents_pending_approval")[0]?.value;
    try {
      setMetricsCollector(collectorA);
      await a.data("POST", "/v1/agents", { key: a.keys.agent, body: BILLING_AGENT });
      const submitted = await a.data("POST", "/v1/intents", { key: a.keys.agent, body: invoice() });
      await a.data("POST", "/v1/intents", { key: a.keys.agent, body: invoice() });
      const { approval } = await a.data("GET", `/v1/intents/${submitted.intentId}`);

      setMetricsCollector(collectorB);
      await expectOk(b.call("POST", `/v1/approvals/${approval.id}/approve`, a.keys.approver));
      expect(pendingIn(await b.scrape())).toBe(1);

      setMetricsCollector(collectorA);
      const response = await a.request("GET", "/metrics", { key: null });
      expect(pendingIn(await response.text())).toBe(1);
    } finally {
      await b.store.close();
      await a.close();
    }
  });

  it("counts a manual trust override from T0 to T2 as one progression", async () => {
    const t = await createTestApp("sqlite");
    try {
      await t.data("POST", "/v1/agents", { key: t.keys.agent, body: BILLING_AGENT });
      await t.data("PUT", "/v1/agents/billing-agent/trust", { body: { tier: "T2", reason: "Reviewed" } });
      const text = await (await t.request("GET", "/metrics", { key: null })).text();
      expect(samplesOf(text, "intendedops_trust_progressions_total")).toEqual([
        {
          name: "intendedops_trust_progressions_total",
          labels: { agentId: "billing-agent", tenantId: TENANT, trustTier: "T2" },
          value: 1,
        },
      ]);
      expect(samplesOf(text, "intendedops_trust_demotions_total")).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it("observes execution time from approval to the outcome when intents complete or fail", async () => {
    const t = await createTestApp("sqlite");
    try {
      await t.data("POST", "/v1/agents", { key: t.keys.agent, body: BILLING_AGENT });
      const approveAfter = async (waitMs: number): Promise<string> => {
        const submitted = await t.data("POST", "/v1/intents", { key: t.keys.agent, body: invoice() });
        const { approval } = await t.data("GET", `/v1/intents/${submitted.intentId}`);
        t.clock.advance(waitMs);
        await t.data("POST", `/v1/approvals/${approval.id}/approve`, { key: t.keys.approver });
        return submitted.intentId;
      };
      const completed = await approveAfter(60_000);
      t.clock.advance(3_000);
      await t.data("POST", `/v1/intents/${completed}/complete`, { key: t.keys.agent, body: {} });
      const failed = await approveAfter(30_000);
      t.clock.advance(4_000);
      await t.data("POST", `/v1/intents/${failed}/fail`, { key: t.keys.agent, body: { error: "smtp down" } });

      const text = await (await t.request("GET", "/metrics", { key: null })).text();
      const labels = { tenantId: TENANT, intentType: "billing.send_invoice" };
      expect(samplesOf(text, "intendedops_intent_execution_duration_seconds_count", labels)[0]?.value).toBe(
        2,
      );
      // 3 s and 4 s after each approval, not the minute spent waiting for it.
      expect(samplesOf(text, "intendedops_intent_execution_duration_seconds_sum", labels)[0]?.value).toBe(7);
    } finally {
      await t.close();
    }
  });

  it("still answers with every metric when the database cannot be read", async () => {
    const t = await createTestApp("sqlite");
    await t.store.close();
    const response = await t.request("GET", "/metrics", { key: null });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("# TYPE intendedops_agents_by_tier gauge");
  });
});
