import { describe, expect, it } from "vitest";
import type { StoragePort } from "../storage/storage-port";
import {
  admin,
  agentKey,
  createHarness,
  invoiceRequest,
  outsider,
  registerBillingAgent,
  TENANT,
} from "./test-fixtures";

/** Counts how often the governor loads the policy list (i.e. recompiles). */
function countPolicyLoads(store: StoragePort, counter: { loads: number }): StoragePort {
  const countingTx = <T>(fn: Parameters<StoragePort["transaction"]>[0], run: StoragePort["transaction"]) =>
    run((tx) =>
      fn({
        ...tx,
        policies: {
          ...tx.policies,
          list: (tenantId) => {
            counter.loads += 1;
            return tx.policies.list(tenantId);
          },
        },
      }),
    ) as Promise<T>;
  return {
    ...store,
    transaction: (fn) => countingTx(fn, store.transaction),
    read: (fn) => countingTx(fn, store.read),
  };
}

describe("governor policies", () => {
  it("changes the next decision when a policy is created, updated and deleted", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    expect((await governor.submit(agentKey, invoiceRequest)).intent.status).toBe("pending");

    const policy = await governor.createPolicy(admin, {
      name: "Small invoices go out",
      effect: "allow",
      match: { types: ["billing.send_invoice"], params: { field: "amount", op: "lt", value: 1000 } },
    });
    expect(policy).toMatchObject({ version: 1, enabled: true, mode: "enforce", tenantId: TENANT });
    const allowed = await governor.submit(agentKey, invoiceRequest);
    expect(allowed.intent.status).toBe("approved");
    expect(allowed.intent.decision.matchedPolicies).toEqual([policy.id]);

    const updated = await governor.updatePolicy(admin, policy.id, {
      name: "Invoices blocked during migration",
      effect: "block",
      match: { types: ["billing.send_invoice"] },
    });
    expect(updated).toMatchObject({ version: 2, createdAt: policy.createdAt, effect: "block" });
    expect((await governor.submit(agentKey, invoiceRequest)).intent.status).toBe("blocked");

    expect((await governor.deletePolicy(admin, policy.id)).id).toBe(policy.id);
    expect((await governor.submit(agentKey, invoiceRequest)).intent.status).toBe("pending");
    expect(await governor.listPolicies(TENANT)).toEqual([]);

    const audit = await governor.queryAudit(TENANT);
    expect(audit.items.map((e) => e.eventType).filter((t) => t.startsWith("policy."))).toEqual([
      "policy.created",
      "policy.updated",
      "policy.deleted",
    ]);
  });

  it("compiles a tenant's policies once per revision when many intents are submitted", async () => {
    const counter = { loads: 0 };
    const { governor } = createHarness({ wrap: (store) => countPolicyLoads(store, counter) });
    await registerBillingAgent(governor);
    for (let i = 0; i < 5; i++) await governor.submit(agentKey, invoiceRequest);
    expect(counter.loads).toBe(1);
    await governor.createPolicy(admin, { name: "noop", effect: "allow", match: { types: ["support.*"] } });
    for (let i = 0; i < 5; i++) await governor.submit(agentKey, invoiceRequest);
    expect(counter.loads).toBe(2);
  });

  it("answers VALIDATION_ERROR and stores nothing when a policy is malformed or cannot compile", async () => {
    const { governor } = createHarness();
    await expect(governor.createPolicy(admin, { effect: "allow" } as never)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["name"], message: "Policy name is required" }],
    });
    await expect(
      governor.createPolicy(admin, {
        name: "lookahead regex",
        effect: "block",
        match: { params: { field: "memo", op: "matches", value: "(?=a)b" } },
      }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    expect(await governor.listPolicies(TENANT)).toEqual([]);
    expect((await governor.queryAudit(TENANT)).total).toBe(0);
  });

  it("answers VALIDATION_ERROR at approval when an allow or block policy carries approval settings", async () => {
    const { governor } = createHarness();
    for (const effect of ["allow", "block"] as const) {
      await expect(
        governor.createPolicy(admin, { name: "p", effect, approval: { approvers: 2 } }),
      ).rejects.toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: ["approval"] }] });
    }
    const policy = await governor.createPolicy(admin, {
      name: "p",
      effect: "require_approval",
      approval: { approvers: 2 },
    });
    await expect(
      governor.updatePolicy(admin, policy.id, { name: "p", effect: "block", approval: { approvers: 2 } }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    expect((await governor.updatePolicy(admin, policy.id, { name: "p", effect: "block" })).version).toBe(2);
    expect(await governor.listPolicies(TENANT)).toHaveLength(1);
  });

  it("makes no new version and no audit event when a PUT sends the stored policy again", async () => {
    const { governor } = createHarness();
    const input = {
      name: "Big invoices",
      effect: "require_approval" as const,
      match: { types: ["billing.*"] },
    };
    const created = await governor.createPolicy(admin, input);
    const first = await governor.updatePolicy(admin, created.id, { ...input, reason: "over budget" });
    // A client's retry after a lost answer sends the same body again.
    const repeated = await governor.updatePolicy(admin, created.id, { ...input, reason: "over budget" });
    expect(first.version).toBe(2);
    expect(repeated).toEqual(first);
    const updates = await governor.queryAudit(TENANT, { eventType: "policy.updated" });
    expect(updates.total).toBe(1);
    expect((await governor.updatePolicy(admin, created.id, input)).version).toBe(3);
  });

  it("answers CONFLICT and stores nothing when the tenant already holds maxPoliciesPerTenant policies", async () => {
    const { governor } = createHarness({ maxPoliciesPerTenant: 2 });
    const input = { name: "p", effect: "allow" as const };
    const first = await governor.createPolicy(admin, input);
    await governor.createPolicy(admin, input);
    await expect(governor.createPolicy(admin, input)).rejects.toMatchObject({
      code: "CONFLICT",
      details: { limit: 2 },
    });
    expect(await governor.listPolicies(TENANT)).toHaveLength(2);
    expect((await governor.queryAudit(TENANT, { eventType: "policy.created" })).total).toBe(2);
    // Updates stay possible at the bound, and a delete makes room again.
    expect((await governor.updatePolicy(admin, first.id, { ...input, reason: "kept" })).version).toBe(2);
    await governor.deletePolicy(admin, first.id);
    await governor.createPolicy(admin, input);
    // The bound is per tenant.
    await governor.createPolicy(outsider, input);
  });

  it("counts the tenant's policies from its list when the store has no count", async () => {
    const withoutCount = (store: StoragePort): StoragePort => {
      const strip = <T>(run: StoragePort["transaction"], fn: Parameters<StoragePort["transaction"]>[0]) =>
        run((tx) => fn({ ...tx, policies: { ...tx.policies, count: undefined } })) as Promise<T>;
      return {
        ...store,
        transaction: (fn) => strip(store.transaction, fn),
        read: (fn) => strip(store.read, fn),
      };
    };
    const { governor } = createHarness({ maxPoliciesPerTenant: 1, wrap: withoutCount });
    await governor.createPolicy(admin, { name: "p", effect: "allow" });
    await expect(governor.createPolicy(admin, { name: "q", effect: "allow" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("refuses a maxPoliciesPerTenant that is not a positive whole number when the governor is built", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createHarness({ maxPoliciesPerTenant: bad })).toThrow(/maxPoliciesPerTenant/);
    }
  });

  it("answers NOT_FOUND when updating, deleting or reading a missing policy", async () => {
    const { governor } = createHarness();
    const input = { name: "x", effect: "allow" as const };
    await expect(governor.updatePolicy(admin, "pol_missing", input)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(governor.deletePolicy(admin, "pol_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(governor.getPolicy(TENANT, "pol_missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the stored decision trace", () => {
  it("lists 20 policies that did not match and counts the rest when a tenant has many, while simulate lists every one", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    for (let i = 0; i < 30; i++) {
      await governor.createPolicy(admin, {
        name: `Never ${i}`,
        effect: "block",
        match: { types: ["billing.send_invoice"], agentIds: [`nobody-${i}`] },
      });
    }
    const matching = await governor.createPolicy(admin, {
      name: "Invoices need a human",
      effect: "require_approval",
      match: { types: ["billing.send_invoice"] },
    });
    const { intent } = await governor.submit(agentKey, invoiceRequest);
    const policyEntries = intent.decision.trace.filter((e) => e.kind === "policy");
    expect(policyEntries.filter((e) => e.matched).map((e) => e.rule)).toEqual([
      expect.stringContaining(matching.id),
    ]);
    const unmatched = policyEntries.filter((e) => !e.matched);
    expect(unmatched).toHaveLength(21);
    expect(unmatched.at(-1)).toMatchObject({ rule: "10 more policies", matched: false });
    expect(intent.decision.outcome).toBe("require_approval");

    const simulated = await governor.simulate(TENANT, invoiceRequest);
    expect(simulated.decision.trace.filter((e) => e.kind === "policy")).toHaveLength(31);
  });
});

describe("governor simulate", () => {
  it("returns the decision with its trace and writes nothing", async () => {
    const { governor, store } = createHarness();
    await registerBillingAgent(governor);
    const auditBefore = (await governor.queryAudit(TENANT)).total;
    const outboxBefore = store.outboxEvents().length;

    const result = await governor.simulate(TENANT, invoiceRequest);
    expect(result.riskLevel).toBe("medium");
    expect(result.decision.outcome).toBe("require_approval");
    expect(result.decision.trace.length).toBeGreaterThan(0);

    expect((await governor.listIntents(TENANT)).total).toBe(0);
    expect((await governor.queryAudit(TENANT)).total).toBe(auditBefore);
    expect(store.outboxEvents()).toHaveLength(outboxBefore);
    expect((await governor.getAgent(TENANT, "billing-agent")).trustScore).toBe(100);
  });

  it("decides for what-if agent fields when the agent is given inline", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const asT3 = await governor.simulate(TENANT, { ...invoiceRequest, agent: { trustTier: "T3" } });
    expect(asT3.decision).toMatchObject({ outcome: "allow", trustTier: "T3" });
    const unregistered = await governor.simulate(TENANT, {
      ...invoiceRequest,
      agentId: "future-agent",
      agent: { trustTier: "T2", domains: ["billing"], intentTypes: ["billing.*"] },
    });
    expect(unregistered.decision.outcome).toBe("allow");
    await expect(governor.simulate(TENANT, { ...invoiceRequest, agentId: "ghost" })).rejects.toMatchObject({
      code: "AGENT_NOT_FOUND",
    });
  });
});
