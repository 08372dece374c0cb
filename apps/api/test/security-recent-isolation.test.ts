import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, createTestApp, DIALECTS, type TestApp } from "./support/test-app";

/**
 * The read paths added with the read indexes and snapshot reads (combined intent filters on
 * `offIndex`, the audit list's seq-range and date-window pages, per-agent counts without GROUP BY,
 * stats and agent metrics in one snapshot), audit anchors and the per-tenant policy bound all stay
 * inside the caller's tenant.
 */
describe.each(DIALECTS)("tenant isolation of the recent read paths on %s", (dialect) => {
  let t: TestApp;
  const submit = (key: string, customerId: string) =>
    t.data("POST", "/v1/intents", {
      key,
      body: {
        type: "billing.send_invoice",
        domain: "billing",
        agentId: "billing-agent",
        params: { customerId, amount: 5 },
      },
    });

  beforeAll(async () => {
    t = await createTestApp(dialect, { MAX_POLICIES_PER_TENANT: "2" });
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.other });
    await t.data("POST", "/v1/agents", { body: { ...BILLING_AGENT, name: "Only other" }, key: t.keys.other });
    await submit(t.keys.agent, "c1");
    await submit(t.keys.other, "c2");
    await submit(t.keys.other, "c3");
  });
  afterAll(() => t.close());

  it("lists intents of the tenant only, under every filter combination", async () => {
    for (const query of [
      "",
      "status=pending",
      "status=pending&type=billing.send_invoice",
      "status=pending&agentId=billing-agent",
      "status=pending&domain=billing",
      "type=billing.send_invoice",
      "domain=billing",
      "agentId=billing-agent",
    ]) {
      const page = await t.data("GET", `/v1/intents?${query}`);
      expect(page.total, query).toBe(1);
      expect(
        page.items.map((i: { tenantId: string }) => i.tenantId),
        query,
      ).toEqual(["acme"]);
    }
  });

  it("pages the audit chain of the tenant only, by seq range and by date window", async () => {
    const whole = await t.data("GET", "/v1/audit?pageSize=100");
    const dated = await t.data("GET", "/v1/audit?fromDate=2020-01-01&toDate=2030-01-01&pageSize=100");
    const other = await t.data("GET", "/v1/audit?pageSize=100", { key: t.keys.other });
    expect(dated.total).toBe(whole.total);
    for (const page of [whole, dated]) {
      expect(new Set(page.items.map((e: { tenantId: string }) => e.tenantId))).toEqual(new Set(["acme"]));
    }
    expect(new Set(other.items.map((e: { tenantId: string }) => e.tenantId))).toEqual(new Set(["globex"]));
    const second = await t.data("GET", "/v1/audit?page=2&pageSize=1");
    expect(second.items[0]).toMatchObject({ tenantId: "acme", seq: 2 });
  });

  it("counts stats and agent metrics of the tenant only, and answers 404 for another tenant's agent", async () => {
    expect(await t.data("GET", "/v1/stats")).toMatchObject({
      intentsToday: 1,
      pendingApprovals: 1,
      activeAgents: 1,
    });
    expect(await t.data("GET", "/v1/stats", { key: t.keys.other })).toMatchObject({ intentsToday: 2 });
    expect((await t.data("GET", "/v1/agents/billing-agent/metrics")).intents.total).toBe(1);
    const others = await t.data("GET", "/v1/agents", { key: t.keys.other });
    const onlyOther = others.items.find((a: { name: string }) => a.name === "Only other");
    const foreign = await t.request("GET", `/v1/agents/${onlyOther.id}/metrics`, { key: t.keys.read_only });
    expect(foreign.status).toBe(404);
  });

  it("checks an anchor against the caller's chain only", async () => {
    const own = await t.data("GET", "/v1/audit/verify", { key: t.keys.read_only });
    expect(own).toMatchObject({ valid: true, headHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const anchored = `/v1/audit/verify?anchorSeq=${own.eventCount}&anchorHash=${own.headHash}`;
    expect(await t.data("GET", anchored, { key: t.keys.read_only })).toMatchObject({ valid: true });
    const foreign = await t.data("GET", anchored, { key: t.keys.other });
    expect(foreign.valid).toBe(false);
    expect(foreign.headHash).toBeUndefined();
  });

  it("bounds policies per tenant, also under concurrent creates", async () => {
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.request("POST", "/v1/policies", {
          key: t.keys.policy_write,
          body: { name: `p${i}`, effect: "allow" },
        }),
      ),
    );
    expect(created.filter((r) => r.status === 201)).toHaveLength(2);
    expect(created.filter((r) => r.status === 409)).toHaveLength(6);
    expect((await t.data("GET", "/v1/policies")).total).toBe(2);
    const other = await t.request("POST", "/v1/policies", {
      key: t.keys.other,
      body: { name: "x", effect: "allow" },
    });
    expect(other.status).toBe(201);
  });
});
