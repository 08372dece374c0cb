import { buildAuditEvents, createGovernor, type Governor } from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyStore } from "./kysely-store";
import {
  billingTenant,
  DIALECTS,
  invoiceBody,
  invoiceCatalog,
  keyActor,
  randomSuffix,
  type TestStore,
} from "./test-fixtures";

/** The governor's lifecycle over the real store: proves the store's semantics match what the engine expects. */

const catalog = invoiceCatalog("medium");

const START = Date.parse("2026-01-15T10:30:00.000Z");
describe.each(DIALECTS)("governor over the %s store", (_dialect, open) => {
  let ctx: TestStore;
  let store: KyselyStore;
  let governor: Governor;
  const clock = { now: START };

  beforeAll(async () => {
    ctx = await open();
    store = ctx.store;
    governor = createGovernor({ store, catalog, clock: () => clock.now, metrics: false });
  });
  afterAll(async () => {
    await ctx?.dispose();
  });

  /** A tenant with the Billing Agent registered, and its actors. */
  async function tenant() {
    const { tenantId, agentKey } = await billingTenant(governor);
    return { tenantId, agentKey, alice: keyActor(tenantId, "alice"), bob: keyActor(tenantId, "bob") };
  }

  it("runs submit, approve and complete with a valid audit chain when used end to end", async () => {
    const { tenantId, agentKey, alice } = await tenant();
    const agent = await governor.getAgent(tenantId, "billing-agent");
    expect(agent.trustTier).toBe("T0");

    const submitted = await governor.submit(agentKey, invoiceBody());
    expect(submitted.intent.status).toBe("pending");
    const approvalId = submitted.approval?.id ?? "";
    const approved = await governor.approve(alice, approvalId);
    expect(approved.intent.status).toBe("approved");
    const completed = await governor.complete(agentKey, submitted.intent.id, {
      result: { invoiceId: "inv_1" },
    });
    expect(completed).toMatchObject({
      status: "completed",
      result: { invoiceId: "inv_1" },
      valueCents: 1250,
    });

    const details = await governor.getIntent(tenantId, submitted.intent.id);
    expect(details.intent).toStrictEqual(completed);
    expect(details.history.length).toBeGreaterThanOrEqual(3);
    expect((await governor.agentMetrics(tenantId, "billing-agent")).valueGeneratedCents).toBe(1250);
    expect(await governor.verifyAudit(tenantId)).toMatchObject({ valid: true });
    await expect(governor.getIntent(`tenant-${randomSuffix()}`, submitted.intent.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("reports a row stored past the audit head, chained or not, as the first invalid event", async () => {
    const { tenantId, agentKey, alice } = await tenant();
    const { approval } = await governor.submit(agentKey, invoiceBody());
    // Decided, so no later expiry run of another test appends to this tenant's chain.
    await governor.approve(alice, approval?.id ?? "");
    const head = await store.transaction((tx) => tx.audit.lockHead(tenantId));
    // A correctly chained event written straight into the table, around the head.
    const [forged] = buildAuditEvents(
      head,
      [{ eventType: "intent.submitted", actor: "key_agent", data: {} }],
      {
        tenantId,
        now: clock.now,
      },
    );
    await store.db
      .insertInto("audit_events")
      .values({
        tenant_id: tenantId,
        seq: forged!.seq,
        id: forged!.id,
        event_type: forged!.eventType,
        actor: forged!.actor,
        agent_id: null,
        intent_id: null,
        data: JSON.stringify(forged!.data),
        timestamp: forged!.timestamp,
        prev_hash: forged!.prevHash,
        leaf_hash: forged!.leafHash,
        hash: forged!.hash,
      })
      .execute();
    expect(await governor.verifyAudit(tenantId)).toEqual({
      valid: false,
      eventCount: head.seq,
      firstInvalidSeq: head.seq + 1,
    });
  });

  it("creates one intent when the same idempotency key is submitted concurrently", async () => {
    const { tenantId, agentKey } = await tenant();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        governor.submit(agentKey, { ...invoiceBody(), idempotencyKey: "invoice-7" }),
      ),
    );
    expect(new Set(results.map((r) => r.intent.id)).size).toBe(1);
    expect((await governor.listIntents(tenantId)).total).toBe(1);
    await expect(
      governor.submit(agentKey, { ...invoiceBody(2), idempotencyKey: "invoice-7" }),
    ).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("lets exactly one of two concurrent decisions on an approval win", async () => {
    const { agentKey, alice, bob } = await tenant();
    const { approval } = await governor.submit(agentKey, invoiceBody());
    const outcomes = await Promise.allSettled([
      governor.approve(alice, approval?.id ?? ""),
      governor.reject(bob, approval?.id ?? "", "no"),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === "rejected");
    expect(failed?.status === "rejected" && failed.reason).toMatchObject({ code: "ALREADY_RESOLVED" });
  });

  it("publishes a draft intention once when ten publishes race", async () => {
    const { tenantId, agentKey } = await tenant();
    const draft = await governor.createIntention(agentKey, { label: "invoice_run", intent_class: "write" });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => governor.publishIntention(agentKey, draft.id)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === "rejected")) {
      expect(outcome.reason).toMatchObject({ code: "INVALID_STATE" });
    }
    const { items } = await governor.queryAudit(tenantId, { eventType: "intention.published" });
    expect(items).toHaveLength(1);
  });

  it("never leaves an archived intention active when a publish and an archive race", async () => {
    const { agentKey, tenantId } = await tenant();
    for (let round = 0; round < 5; round++) {
      const draft = await governor.createIntention(agentKey, {
        label: `race_${round}`,
        intent_class: "write",
      });
      const [published, archived] = await Promise.allSettled([
        governor.publishIntention(agentKey, draft.id),
        governor.archiveIntention(agentKey, draft.id),
      ]);
      const final = await governor.getIntention(tenantId, draft.id);
      // Serial outcomes only: publish then archive (both succeed, archived), or archive first
      // (the publish finds it archived and fails).
      expect(archived.status).toBe("fulfilled");
      expect(final.status).toBe("archived");
      if (published.status === "rejected") expect(published.reason).toMatchObject({ code: "INVALID_STATE" });
    }
  });

  it("gives concurrent policy updates distinct versions and loses none of them", async () => {
    const { tenantId, agentKey } = await tenant();
    const policy = await governor.createPolicy(agentKey, {
      name: "Review invoices",
      effect: "require_approval",
      match: { types: ["billing.send_invoice"] },
    });
    const updates = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        governor.updatePolicy(agentKey, policy.id, {
          name: `Review invoices ${i}`,
          effect: "require_approval",
          match: { types: ["billing.send_invoice"] },
        }),
      ),
    );
    expect(updates.map((u) => u.version).sort()).toStrictEqual([2, 3, 4, 5, 6, 7]);
    expect((await governor.getPolicy(tenantId, policy.id)).version).toBe(7);
  });

  it("never lets a tenant hold more than maxPoliciesPerTenant policies when creates race", async () => {
    const bounded = createGovernor({
      store,
      catalog,
      clock: () => clock.now,
      metrics: false,
      maxPoliciesPerTenant: 4,
    });
    const { tenantId, agentKey } = await tenant();
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        bounded.createPolicy(agentKey, { name: `p${i}`, effect: "allow" }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    for (const r of results) {
      if (r.status === "rejected")
        expect(r.reason).toMatchObject({ code: "CONFLICT", details: { limit: 4 } });
    }
    expect(await store.read(async (tx) => tx.policies.count?.(tenantId))).toBe(4);
    expect((await governor.queryAudit(tenantId, { eventType: "policy.created" })).total).toBe(4);
  });

  it("keeps the chain valid when many submissions run at once", async () => {
    const { tenantId, agentKey } = await tenant();
    await Promise.all(Array.from({ length: 30 }, (_, i) => governor.submit(agentKey, invoiceBody(i))));
    expect((await governor.listIntents(tenantId, { status: "pending" }, { pageSize: 100 })).total).toBe(30);
    expect(await governor.verifyAudit(tenantId)).toMatchObject({ valid: true });
    expect((await governor.stats(tenantId)).pendingApprovals).toBe(30);
  });

  it("lists trust changes in the order they were applied when a change read the clock before an earlier one committed", async () => {
    const { tenantId, agentKey, alice } = await tenant();
    const approvedIntent = async (n: number) => {
      const { approval } = await governor.submit(agentKey, invoiceBody(n));
      return (await governor.approve(alice, approval?.id ?? "")).intent.id;
    };
    const first = await approvedIntent(1);
    const second = await approvedIntent(2);
    // What concurrent outcomes do under load: the failure's request read the clock, then waited
    // for the agent's row while the completion (which read the clock later) committed first.
    try {
      clock.now = START + 60_000;
      await governor.complete(agentKey, first);
      clock.now = START + 30_000;
      await governor.fail(agentKey, second, { error: "timeout" });
    } finally {
      clock.now = START;
    }
    const metrics = await governor.agentMetrics(tenantId, "billing-agent");
    const [newest, previous] = metrics.recentTrustChanges;
    expect(newest).toMatchObject({ intentId: second, toScore: metrics.trustScore });
    expect(previous).toMatchObject({ intentId: first, toScore: newest?.fromScore });
  });

  it("never deadlocks when outcomes move an agent's trust while its submissions commit", async () => {
    // On PostgreSQL an outcome locks the agent row, then the audit head; a submission holds the
    // head and, at commit, its deferred foreign key reads the agent row with FOR KEY SHARE. A
    // FOR UPDATE agent lock blocked that read: 40P01 "deadlock detected" on about half of them.
    const { tenantId, agentKey } = await tenant();
    await governor.setTrust(agentKey, "billing-agent", { tier: "T3", reason: "allow invoices" });
    let next = 0;
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 120) {
          const n = next++;
          try {
            const { intent } = await governor.submit(agentKey, invoiceBody(n));
            // Completions only: each moves trust (up), and the agent stays allowed to invoice.
            await governor.complete(agentKey, intent.id, { result: { n } });
          } catch (error) {
            failures.push(error);
          }
        }
      }),
    );
    expect(failures).toEqual([]);
    const listed = await governor.listIntents(tenantId, { status: "completed" }, { pageSize: 100 });
    expect(listed.total).toBe(120);
    expect(await governor.verifyAudit(tenantId)).toMatchObject({ valid: true });
  });

  it("expires approvals whose time has passed", async () => {
    const { tenantId, agentKey } = await tenant();
    const { intent } = await governor.submit(agentKey, invoiceBody());
    const expired = await governor.expireDue(START + 100 * 3600 * 1000);
    expect(expired).toBeGreaterThanOrEqual(1);
    expect((await governor.getIntent(tenantId, intent.id)).intent.status).toBe("expired");
  });

  it("applies a new policy to the next submission when policies change", async () => {
    const { agentKey } = await tenant();
    const policy = await governor.createPolicy(agentKey, {
      name: "No invoices",
      effect: "block",
      match: { types: ["billing.send_invoice"] },
    });
    expect((await governor.submit(agentKey, invoiceBody())).intent.status).toBe("blocked");
    await governor.deletePolicy(agentKey, policy.id);
    expect((await governor.submit(agentKey, invoiceBody())).intent.status).toBe("pending");
  });
});
