import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, createTestApp, DIALECTS, type TestApp } from "../support/test-app";

const BLOCK_BIG_INVOICES = {
  name: "Big invoices are blocked",
  effect: "block",
  match: { types: ["billing.send_invoice"], params: { field: "amount", op: "gt", value: 1000 } },
  reason: "Invoices above $1000 go through finance",
};

const bigInvoice = {
  type: "billing.send_invoice",
  domain: "billing",
  agentId: "billing-agent",
  params: { customerId: "cust_big", amount: 5000 },
};

describe.each(DIALECTS)("policies routes on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
  });
  afterAll(() => t.close());

  it("creates, reads, updates and deletes a policy, each change deciding the next intent", async () => {
    const created = await t.request("POST", "/v1/policies", {
      key: t.keys.policy_write,
      body: BLOCK_BIG_INVOICES,
    });
    expect(created.status).toBe(201);
    const policy = (await created.json()).data;
    expect(policy).toMatchObject({
      id: expect.stringMatching(/^pol_/),
      version: 1,
      enabled: true,
      mode: "enforce",
    });

    const blocked = await t.data("POST", "/v1/intents", { key: t.keys.agent, body: bigInvoice });
    expect(blocked.status).toBe("blocked");

    expect(await t.data("GET", `/v1/policies/${policy.id}`, { key: t.keys.read_only })).toEqual(policy);
    const list = await t.data("GET", "/v1/policies");
    expect(list).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(list.items[0].id).toBe(policy.id);

    const updated = await t.data("PUT", `/v1/policies/${policy.id}`, {
      key: t.keys.policy_write,
      body: { ...BLOCK_BIG_INVOICES, enabled: false },
    });
    expect(updated).toMatchObject({ version: 2, enabled: false });
    // The same PUT again (a retry after a lost answer) stores nothing new.
    const repeated = await t.data("PUT", `/v1/policies/${policy.id}`, {
      key: t.keys.policy_write,
      body: { ...BLOCK_BIG_INVOICES, enabled: false },
    });
    expect(repeated).toEqual(updated);
    const pending = await t.data("POST", "/v1/intents", { key: t.keys.agent, body: bigInvoice });
    expect(pending.status).toBe("pending");

    const deleted = await t.data("DELETE", `/v1/policies/${policy.id}`, { key: t.keys.policy_write });
    expect(deleted.id).toBe(policy.id);
    expect((await t.request("GET", `/v1/policies/${policy.id}`)).status).toBe(404);
  });

  it("answers 400 naming the field when the policy is malformed", async () => {
    const response = await t.request("POST", "/v1/policies", {
      key: t.keys.policy_write,
      body: { name: "No effect" },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.details[0].path).toEqual(["effect"]);
  });

  it("answers 400 when a condition uses an unknown operator", async () => {
    const response = await t.request("POST", "/v1/policies", {
      key: t.keys.policy_write,
      body: { ...BLOCK_BIG_INVOICES, match: { params: { field: "amount", op: "approximately", value: 1 } } },
    });
    expect(response.status).toBe(400);
  });

  it.each(["read_only", "agent", "approver"] as const)(
    "answers 403 on every write when the scope is %s",
    async (scope) => {
      const key = t.keys[scope];
      const policy = await t.data("POST", "/v1/policies", { key: t.keys.admin, body: BLOCK_BIG_INVOICES });
      expect((await t.request("POST", "/v1/policies", { key, body: BLOCK_BIG_INVOICES })).status).toBe(403);
      expect(
        (await t.request("PUT", `/v1/policies/${policy.id}`, { key, body: BLOCK_BIG_INVOICES })).status,
      ).toBe(403);
      expect((await t.request("DELETE", `/v1/policies/${policy.id}`, { key })).status).toBe(403);
      expect((await t.request("POST", "/v1/policies/simulate", { key, body: bigInvoice })).status).toBe(403);
      await t.data("DELETE", `/v1/policies/${policy.id}`);
    },
  );

  it("answers 404 for another tenant's policy on read, update and delete", async () => {
    const policy = await t.data("POST", "/v1/policies", { key: t.keys.admin, body: BLOCK_BIG_INVOICES });
    const other = t.keys.other;
    expect((await t.request("GET", `/v1/policies/${policy.id}`, { key: other })).status).toBe(404);
    expect(
      (await t.request("PUT", `/v1/policies/${policy.id}`, { key: other, body: BLOCK_BIG_INVOICES })).status,
    ).toBe(404);
    expect((await t.request("DELETE", `/v1/policies/${policy.id}`, { key: other })).status).toBe(404);
    expect((await t.data("GET", "/v1/policies", { key: other })).total).toBe(0);
    await t.data("DELETE", `/v1/policies/${policy.id}`);
  });

  describe("POST /v1/policies/simulate", () => {
    it("returns the decision with its explain trace and stores nothing", async () => {
      const policy = await t.data("POST", "/v1/policies", { key: t.keys.admin, body: BLOCK_BIG_INVOICES });
      const before = await t.data("GET", "/v1/intents");
      const auditBefore = await t.data("GET", "/v1/audit");
      const result = await t.data("POST", "/v1/policies/simulate", {
        key: t.keys.policy_write,
        body: bigInvoice,
      });
      expect(result.riskLevel).toBeDefined();
      expect(result.decision).toMatchObject({ outcome: "block", matchedPolicies: [policy.id] });
      expect(result.decision.trace.some((e: { rule: string; matched: boolean }) => e.matched)).toBe(true);
      expect((await t.data("GET", "/v1/intents")).total).toBe(before.total);
      expect((await t.data("GET", "/v1/audit")).total).toBe(auditBefore.total);
      await t.data("DELETE", `/v1/policies/${policy.id}`);
    });

    it("applies what-if agent fields when the body carries them", async () => {
      const result = await t.data("POST", "/v1/policies/simulate", {
        key: t.keys.policy_write,
        body: { ...bigInvoice, params: { customerId: "c", amount: 10 }, agent: { trustTier: "T3" } },
      });
      expect(result.decision).toMatchObject({ outcome: "allow", trustTier: "T3" });
    });

    it("answers 404 AGENT_NOT_FOUND when the agent is unknown and no what-if agent is given", async () => {
      const response = await t.request("POST", "/v1/policies/simulate", {
        key: t.keys.policy_write,
        body: { ...bigInvoice, agentId: "nobody" },
      });
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("AGENT_NOT_FOUND");
    });
  });
  describe("policy limits (regressions)", () => {
    const invoice = (customerId: string) => ({ ...bigInvoice, params: { customerId, amount: 10 } });

    it("answers 400 when approval.expiresInSeconds is over a year, instead of failing every matching submission with a 500", async () => {
      const approvalPolicy = (expiresInSeconds: number) => ({
        name: "Invoices wait for a human",
        effect: "require_approval",
        match: { types: ["billing.send_invoice"] },
        approval: { approvers: 1, expiresInSeconds },
      });
      const tooLong = await t.request("POST", "/v1/policies", {
        key: t.keys.policy_write,
        body: approvalPolicy(1e13),
      });
      expect(tooLong.status).toBe(400);
      expect((await tooLong.json()).error).toMatchObject({
        code: "VALIDATION_ERROR",
        details: [{ path: ["approval", "expiresInSeconds"] }],
      });

      const year = 365 * 24 * 60 * 60;
      const policy = await t.data("POST", "/v1/policies", {
        key: t.keys.policy_write,
        body: approvalPolicy(year),
      });
      const updated = await t.request("PUT", `/v1/policies/${policy.id}`, {
        key: t.keys.policy_write,
        body: approvalPolicy(year + 1),
      });
      expect(updated.status).toBe(400);
      const submitted = await t.data("POST", "/v1/intents", { key: t.keys.agent, body: invoice("c_year") });
      expect(submitted.status).toBe("pending");
      const { approval } = await t.data("GET", `/v1/intents/${submitted.intentId}`);
      expect(Date.parse(approval.expiresAt) - Date.parse(approval.requestedAt)).toBe(year * 1000);
      await t.data("DELETE", `/v1/policies/${policy.id}`);
    });

    it("keeps each intent's stored trace small when a policy lists a thousand types", async () => {
      const policy = await t.data("POST", "/v1/policies", {
        key: t.keys.policy_write,
        body: {
          name: "Many types",
          effect: "block",
          match: { types: Array.from({ length: 1000 }, (_, i) => `billing.t${i}*`) },
        },
      });
      const submitted = await t.data("POST", "/v1/intents", { key: t.keys.agent, body: invoice("c_many") });
      const intent = await t.data("GET", `/v1/intents/${submitted.intentId}`);
      const entry = intent.decision.trace.find((e: { rule: string }) => e.rule.includes(policy.id));
      expect(entry.why).toContain("(and 990 more)");
      expect(JSON.stringify(intent.decision.trace).length).toBeLessThan(10_000);
      await t.data("DELETE", `/v1/policies/${policy.id}`);
    });
  });
});

describe.each(DIALECTS)("the policy bound per tenant on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { MAX_POLICIES_PER_TENANT: "2" });
  });
  afterAll(() => t.close());

  it("answers 409 CONFLICT with the limit when a tenant already holds MAX_POLICIES_PER_TENANT policies", async () => {
    for (const name of ["one", "two"]) {
      await t.data("POST", "/v1/policies", { key: t.keys.policy_write, body: { name, effect: "allow" } });
    }
    const refused = await t.request("POST", "/v1/policies", {
      key: t.keys.policy_write,
      body: { name: "three", effect: "allow" },
    });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatchObject({ code: "CONFLICT", details: { limit: 2 } });
    expect((await t.data("GET", "/v1/policies")).total).toBe(2);
    // Another tenant has a bound of its own.
    const other = await t.request("POST", "/v1/policies", {
      key: t.keys.other,
      body: { name: "x", effect: "allow" },
    });
    expect(other.status).toBe(201);
  });
});
