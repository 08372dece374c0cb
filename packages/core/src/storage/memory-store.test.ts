import { describe, expect, it } from "vitest";
import { IntendedOpsError } from "../errors";
import type { Intention } from "../intentions/intention-schema";
import type { Agent } from "../model/agent";
import type { Approval } from "../model/approval";
import type { AuditEvent } from "../model/audit-event";
import type { Intent } from "../model/intent";
import type { Policy } from "../policy/policy-schema";
import { createMemoryStore } from "./memory-store";
import type { StoreTx } from "./storage-port";

const T = "tenant-a";
const OTHER = "tenant-b";
const AT = "2024-01-15T10:30:00.000Z";

function agent(id: string, tenantId = T, over: Partial<Agent> = {}): Agent {
  return {
    id,
    tenantId,
    name: id,
    description: null,
    domains: ["billing"],
    intentTypes: ["billing.*"],
    status: "active",
    trustTier: "T0",
    trustScore: 100,
    tierSince: AT,
    recentOutcomes: [],
    failureStreak: 0,
    createdAt: AT,
    updatedAt: AT,
    ...over,
  };
}

function intent(id: string, over: Partial<Intent> = {}): Intent {
  return {
    id,
    tenantId: T,
    agentId: "billing-agent",
    type: "billing.send_invoice",
    domain: "billing",
    params: { amount: 1 },
    description: null,
    justification: null,
    idempotencyKey: null,
    status: "pending",
    riskLevel: "medium",
    decision: {
      outcome: "require_approval",
      reasons: ["r"],
      riskLevel: "medium",
      trustTier: "T0",
      matchedPolicies: [],
      shadow: [],
      trace: [],
      evaluatedAt: AT,
    },
    intention: "ambient",
    dataElements: [],
    submittedBy: "key_1",
    error: null,
    valueCents: null,
    valueCategory: null,
    createdAt: AT,
    updatedAt: AT,
    completedAt: null,
    ...over,
  };
}

function approval(id: string, intentId: string, over: Partial<Approval> = {}): Approval {
  return {
    id,
    tenantId: T,
    intentId,
    status: "pending",
    reasons: [],
    requiredApprovals: 1,
    votes: [],
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    rejectionReason: null,
    requestedAt: AT,
    expiresAt: null,
    ...over,
  };
}

function policy(id: string, tenantId = T): Policy {
  return {
    id,
    tenantId,
    name: id,
    enabled: true,
    mode: "enforce",
    effect: "block",
    match: {},
    version: 1,
    createdAt: AT,
    updatedAt: AT,
  };
}

function intention(id: string, label: string): Intention {
  return {
    id,
    tenant_id: T,
    label,
    display_name: label,
    description: null,
    intent_class: "lookup",
    status: "active",
    approval_required: false,
    ttl_minutes: 5,
    intent_types: [],
    data_elements: [],
    created_at: AT,
    updated_at: AT,
  };
}

function auditEvent(seq: number, over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: `evt_${seq}`,
    tenantId: T,
    seq,
    eventType: "test.event",
    actor: "tester",
    agentId: null,
    intentId: null,
    data: {},
    timestamp: AT,
    prevHash: `h${seq - 1}`,
    hash: `h${seq}`,
    leafHash: `l${seq}`,
    ...over,
  };
}

async function appendAudit(tx: StoreTx, count: number, tenantId = T): Promise<void> {
  const head = await tx.audit.lockHead(tenantId);
  const events = Array.from({ length: count }, (_, i) => auditEvent(head.seq + i + 1, { tenantId }));
  await tx.audit.append(tenantId, events);
}

describe("createMemoryStore", () => {
  it("returns copies when a caller mutates what it wrote or read", async () => {
    const store = createMemoryStore();
    const written = agent("a1");
    await store.transaction((tx) => tx.agents.insert(written));
    written.name = "changed";
    const read = await store.read((tx) => tx.agents.get(T, "a1"));
    expect(read?.name).toBe("a1");
    if (read) read.name = "mutated";
    expect((await store.read((tx) => tx.agents.get(T, "a1")))?.name).toBe("a1");
  });

  it("throws CONFLICT when an agent id, idempotency key or intention label is taken", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      await tx.agents.insert(agent("a1"));
      await tx.idempotency.insert({ tenantId: T, key: "k", requestHash: "h", intentId: "i", createdAt: AT });
      await tx.intentions.insert(intention("intention_1", "lookup_one"));
    });
    const attempts = [
      store.transaction((tx) => tx.agents.insert(agent("a1"))),
      store.transaction((tx) =>
        tx.idempotency.insert({ tenantId: T, key: "k", requestHash: "x", intentId: "j", createdAt: AT }),
      ),
      store.transaction((tx) => tx.intentions.insert(intention("intention_2", "lookup_one"))),
    ];
    for (const attempt of attempts) {
      await expect(attempt).rejects.toMatchObject({ code: "CONFLICT" });
    }
  });

  it("accepts the same agent id and idempotency key when the tenants differ", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      await tx.agents.insert(agent("a1", T));
      await tx.agents.insert(agent("a1", OTHER));
      await tx.idempotency.insert({ tenantId: T, key: "k", requestHash: "h", intentId: "i", createdAt: AT });
      await tx.idempotency.insert({
        tenantId: OTHER,
        key: "k",
        requestHash: "h",
        intentId: "i",
        createdAt: AT,
      });
    });
    expect((await store.read((tx) => tx.agents.list(OTHER, { page: 1, pageSize: 10 }))).total).toBe(1);
  });

  it("hides another tenant's rows when read by id", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      await tx.agents.insert(agent("a1"));
      await tx.intents.insert(intent("int_1"));
      await tx.approvals.insert(approval("apr_1", "int_1"));
      await tx.policies.insert(policy("pol_1"));
    });
    const seen = await store.read(async (tx) => [
      await tx.agents.get(OTHER, "a1"),
      await tx.intents.get(OTHER, "int_1"),
      await tx.approvals.get(OTHER, "apr_1"),
      await tx.approvals.getByIntent(OTHER, "int_1"),
      await tx.policies.get(OTHER, "pol_1"),
      await tx.policies.delete(OTHER, "pol_1").catch(() => "read-only"),
    ]);
    expect(seen).toEqual([undefined, undefined, undefined, undefined, undefined, "read-only"]);
    expect(await store.read((tx) => tx.intents.count(OTHER, {}))).toBe(0);
  });

  it("leaves no trace of any write when the transaction throws", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      await tx.agents.insert(agent("a1"));
      await tx.intents.insert(intent("int_0"));
      await appendAudit(tx, 1);
    });
    const boom = new Error("injected");
    await expect(
      store.transaction(async (tx) => {
        await tx.agents.update(agent("a1", T, { trustScore: 999 }));
        await tx.intents.insert(intent("int_1"));
        await tx.intents.update(intent("int_0", { status: "approved" }), "pending");
        await tx.approvals.insert(approval("apr_1", "int_1"));
        await tx.policies.insert(policy("pol_1"));
        await tx.intentions.insert(intention("intention_1", "lookup"));
        await appendAudit(tx, 2);
        await tx.idempotency.insert({
          tenantId: T,
          key: "k",
          requestHash: "h",
          intentId: "int_1",
          createdAt: AT,
        });
        await tx.trustChanges.insert({
          id: "trc_1",
          tenantId: T,
          agentId: "a1",
          fromTier: "T0",
          toTier: "T1",
          fromScore: 100,
          toScore: 300,
          cause: "completion",
          reason: "r",
          intentId: null,
          at: AT,
        });
        await tx.values.insert({
          id: "val_1",
          tenantId: T,
          intentId: "int_1",
          agentId: "a1",
          domain: "billing",
          type: "billing.send_invoice",
          cents: 500,
          category: "revenue",
          recordedAt: AT,
        });
        await tx.outbox.enqueue([{ id: "whk_1", tenantId: T, event: "e", data: {}, createdAt: AT }]);
        throw boom;
      }),
    ).rejects.toBe(boom);

    const after = await store.read(async (tx) => ({
      agent: await tx.agents.get(T, "a1"),
      intent0: await tx.intents.get(T, "int_0"),
      intent1: await tx.intents.get(T, "int_1"),
      approval: await tx.approvals.getByIntent(T, "int_1"),
      policies: await tx.policies.list(T),
      policyRevision: await tx.policies.revision(T),
      intention: await tx.intentions.getByLabel(T, "lookup"),
      intentionRevision: await tx.intentions.revision(T),
      head: await tx.audit.lockHead(T),
      audit: (await tx.audit.list(T, {}, { page: 1, pageSize: 10 })).total,
      idempotency: await tx.idempotency.get(T, "k"),
      trust: await tx.trustChanges.list(T, "a1", 10),
      values: await tx.values.totals(T),
    }));
    expect(after).toEqual({
      agent: agent("a1"),
      intent0: intent("int_0"),
      intent1: undefined,
      approval: undefined,
      policies: [],
      policyRevision: 0,
      intention: undefined,
      intentionRevision: 0,
      head: { seq: 1, hash: "h1" },
      audit: 1,
      idempotency: undefined,
      trust: [],
      values: {},
    });
    expect(store.outboxEvents()).toEqual([]);
  });

  it("refuses writes when called through read or after the transaction finished", async () => {
    const store = createMemoryStore();
    await expect(store.read((tx) => tx.agents.insert(agent("a1")))).rejects.toThrow(/read-only/);
    let leaked: StoreTx | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.agents.insert(agent("a2"))).rejects.toThrow(/already finished/);
    expect(await store.read((tx) => tx.agents.countActive(T))).toBe(0);
  });

  it("runs overlapping transactions one after another when they interleave awaits", async () => {
    const store = createMemoryStore();
    await store.transaction((tx) => tx.agents.insert(agent("a1", T, { trustScore: 0 })));
    const increment = () =>
      store.transaction(async (tx) => {
        const current = await tx.agents.get(T, "a1");
        await new Promise((resolve) => setTimeout(resolve, 1));
        await tx.agents.update(agent("a1", T, { trustScore: (current?.trustScore ?? 0) + 1 }));
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    expect((await store.read((tx) => tx.agents.get(T, "a1")))?.trustScore).toBe(20);
  });

  it("updates an intent or approval only when the stored status is the expected one", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      await tx.intents.insert(intent("int_1"));
      await tx.approvals.insert(approval("apr_1", "int_1"));
    });
    const results = await store.transaction(async (tx) => [
      await tx.intents.update(intent("int_1", { status: "approved" }), "pending"),
      await tx.intents.update(intent("int_1", { status: "rejected" }), "pending"),
      await tx.approvals.update(approval("apr_1", "int_1", { status: "approved" }), "pending"),
      await tx.approvals.update(approval("apr_1", "int_1", { status: "rejected" }), "pending"),
      await tx.intents.update(intent("int_missing", { status: "approved" }), "pending"),
    ]);
    expect(results).toEqual([true, false, true, false, false]);
    expect((await store.read((tx) => tx.intents.get(T, "int_1")))?.status).toBe("approved");
  });

  it("pages and filters intents newest first", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      for (let i = 1; i <= 5; i++) {
        await tx.intents.insert(
          intent(`int_${i}`, {
            createdAt: `2024-01-1${i}T00:00:00.000Z`,
            status: i % 2 === 0 ? "approved" : "pending",
            agentId: i === 5 ? "other-agent" : "billing-agent",
          }),
        );
      }
    });
    const page = await store.read((tx) => tx.intents.list(T, {}, { page: 2, pageSize: 2 }));
    expect(page.items.map((i) => i.id)).toEqual(["int_3", "int_2"]);
    expect(page).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    const counts = await store.read(async (tx) => ({
      pending: await tx.intents.count(T, { status: "pending" }),
      since: await tx.intents.count(T, { createdFrom: "2024-01-14T00:00:00.000Z" }),
      byStatus: await tx.intents.countByStatus(T),
      byStatusForAgent: await tx.intents.countByStatus(T, "billing-agent"),
      agentFilter: (await tx.intents.list(T, { agentId: "other-agent" }, { page: 1, pageSize: 10 })).total,
    }));
    expect(counts).toEqual({
      pending: 3,
      since: 2,
      byStatus: { pending: 3, approved: 2 },
      byStatusForAgent: { pending: 2, approved: 2 },
      agentFilter: 1,
    });
  });

  it("lists expired pending approvals across tenants when their expiry has passed", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      await tx.approvals.insert(approval("apr_1", "int_1", { expiresAt: "2024-01-15T10:00:00.000Z" }));
      await tx.approvals.insert({
        ...approval("apr_2", "int_2", { expiresAt: "2024-01-15T09:00:00.000Z" }),
        tenantId: OTHER,
      });
      await tx.approvals.insert(approval("apr_3", "int_3", { expiresAt: "2024-01-15T12:00:00.000Z" }));
      await tx.approvals.insert(
        approval("apr_4", "int_4", { expiresAt: "2024-01-15T08:00:00.000Z", status: "approved" }),
      );
      await tx.approvals.insert(approval("apr_5", "int_5"));
    });
    const due = await store.read((tx) => tx.approvals.listExpired("2024-01-15T11:00:00.000Z", 10));
    expect(due.map((a) => a.id)).toEqual(["apr_2", "apr_1"]);
    expect(await store.read((tx) => tx.approvals.listExpired("2024-01-15T11:00:00.000Z", 1))).toHaveLength(1);
    expect(await store.read((tx) => tx.approvals.countPending(T))).toBe(3);
  });

  it("counts pending approvals per tenant and agents per tier, and lists trust scores, across tenants", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      await tx.agents.insert(agent("b-agent", T, { trustTier: "T1", trustScore: 320 }));
      await tx.agents.insert(agent("a-agent", T, { trustScore: 120 }));
      await tx.agents.insert(agent("c-agent", T, { trustTier: "T1", trustScore: 300, status: "suspended" }));
      await tx.agents.insert(agent("a-agent", OTHER, { trustScore: 90 }));
      await tx.approvals.insert(approval("apr_1", "int_1"));
      await tx.approvals.insert(approval("apr_2", "int_2"));
      await tx.approvals.insert(approval("apr_3", "int_3", { status: "approved" }));
      await tx.approvals.insert({ ...approval("apr_4", "int_4", { status: "expired" }), tenantId: OTHER });
    });

    expect(await store.read((tx) => tx.approvals.countPendingByTenant())).toEqual([
      { tenantId: T, count: 2 },
    ]);
    expect(await store.read((tx) => tx.agents.countByTier())).toEqual(
      expect.arrayContaining([
        { tenantId: T, trustTier: "T0", count: 1 },
        { tenantId: T, trustTier: "T1", count: 2 },
        { tenantId: OTHER, trustTier: "T0", count: 1 },
      ]),
    );
    expect(await store.read((tx) => tx.agents.countByTier())).toHaveLength(3);
    const scores = await store.read((tx) => tx.agents.listTrustScores(10));
    expect(scores).toEqual([
      { tenantId: T, agentId: "a-agent", trustScore: 120 },
      { tenantId: T, agentId: "b-agent", trustScore: 320 },
      { tenantId: T, agentId: "c-agent", trustScore: 300 },
      { tenantId: OTHER, agentId: "a-agent", trustScore: 90 },
    ]);
    expect(await store.read((tx) => tx.agents.listTrustScores(4))).toEqual(scores);
  });

  it("shares listed trust scores out across tenants when there are more agents than the limit", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      for (const id of ["a-agent", "b-agent", "c-agent"]) await tx.agents.insert(agent(id, T));
      await tx.agents.insert(agent("z-agent", OTHER));
    });
    const listed = async (limit: number) =>
      (await store.read((tx) => tx.agents.listTrustScores(limit))).map((s) => `${s.tenantId}/${s.agentId}`);
    // The first tenant's agents no longer take every row: each tenant's first agent comes first.
    expect(await listed(2)).toEqual(["tenant-a/a-agent", "tenant-b/z-agent"]);
    expect(await listed(3)).toEqual(["tenant-a/a-agent", "tenant-a/b-agent", "tenant-b/z-agent"]);
    expect(await listed(1)).toEqual(["tenant-a/a-agent"]);
  });

  it("chains audit appends from the head and rejects a gap in seq", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      expect(await tx.audit.lockHead(T)).toEqual({ seq: 0, hash: "0".repeat(64) });
      await appendAudit(tx, 3);
      expect(await tx.audit.lockHead(T)).toEqual({ seq: 3, hash: "h3" });
      await appendAudit(tx, 2);
    });
    await expect(store.transaction((tx) => tx.audit.append(T, [auditEvent(9)]))).rejects.toBeInstanceOf(
      IntendedOpsError,
    );
    const batches: number[][] = [];
    await store.read(async (tx) => {
      for await (const batch of tx.audit.scan(T, 2)) batches.push(batch.map((e) => e.seq));
    });
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    expect(await store.read((tx) => tx.audit.lockHead(OTHER))).toEqual({ seq: 0, hash: "0".repeat(64) });
  });

  it("filters audit events by type, agent, intent and date range", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      await tx.audit.append(T, [
        auditEvent(1, {
          eventType: "intent.submitted",
          intentId: "int_1",
          timestamp: "2024-01-01T00:00:00.000Z",
        }),
        auditEvent(2, {
          eventType: "agent.registered",
          agentId: "a1",
          timestamp: "2024-01-02T00:00:00.000Z",
        }),
        auditEvent(3, {
          eventType: "intent.submitted",
          intentId: "int_2",
          timestamp: "2024-01-03T00:00:00.000Z",
        }),
      ]);
    });
    const seqs = (filter: Parameters<StoreTx["audit"]["list"]>[1]) =>
      store.read(async (tx) =>
        (await tx.audit.list(T, filter, { page: 1, pageSize: 10 })).items.map((e) => e.seq),
      );
    expect(await seqs({ eventType: "intent.submitted" })).toEqual([1, 3]);
    expect(await seqs({ agentId: "a1" })).toEqual([2]);
    expect(await seqs({ intentId: "int_2" })).toEqual([3]);
    expect(await seqs({ fromDate: "2024-01-02T00:00:00.000Z", toDate: "2024-01-02T23:59:59.999Z" })).toEqual([
      2,
    ]);
  });

  it("bumps the policy and intention revisions on every change of the set", async () => {
    const store = createMemoryStore();
    const revisions = () =>
      store.read(async (tx) => [await tx.policies.revision(T), await tx.intentions.revision(T)]);
    expect(await revisions()).toEqual([0, 0]);
    await store.transaction((tx) => tx.policies.insert(policy("pol_1")));
    await store.transaction((tx) => tx.policies.update({ ...policy("pol_1"), version: 2 }));
    await store.transaction((tx) => tx.intentions.insert(intention("intention_1", "one")));
    expect(await revisions()).toEqual([2, 1]);
    expect(await store.transaction((tx) => tx.policies.delete(T, "pol_1"))).toBe(true);
    expect(await store.transaction((tx) => tx.policies.delete(T, "pol_1"))).toBe(false);
    expect(await revisions()).toEqual([3, 1]);
    expect(await store.read((tx) => tx.policies.revision(OTHER))).toBe(0);
    expect(await store.read(async (tx) => tx.policies.rulesRevisions?.(T))).toEqual({
      policies: 3,
      intentions: 1,
    });
    expect(await store.read(async (tx) => tx.policies.rulesRevisions?.(OTHER))).toEqual({
      policies: 0,
      intentions: 0,
    });
  });

  it("moves an intention's label index when the label changes", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      await tx.intentions.insert(intention("intention_1", "one"));
      await tx.intentions.insert(intention("intention_2", "two"));
    });
    await expect(
      store.transaction((tx) => tx.intentions.update(intention("intention_1", "two"))),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await store.transaction((tx) => tx.intentions.update(intention("intention_1", "uno")));
    const found = await store.read(async (tx) => [
      (await tx.intentions.getByLabel(T, "uno"))?.id,
      await tx.intentions.getByLabel(T, "one"),
    ]);
    expect(found).toEqual(["intention_1", undefined]);
  });

  it("sums value by category and lists trust changes newest first", async () => {
    const store = createMemoryStore();
    await store.transaction(async (tx) => {
      const base = { tenantId: T, intentId: "int_1", domain: "billing", type: "billing.x", recordedAt: AT };
      await tx.values.insert({ ...base, id: "val_1", agentId: "a1", cents: 100, category: "revenue" });
      await tx.values.insert({ ...base, id: "val_2", agentId: "a2", cents: 50, category: "revenue" });
      await tx.values.insert({ ...base, id: "val_3", agentId: "a1", cents: 7, category: "efficiency" });
      for (const [id, agentId] of [
        ["trc_1", "a1"],
        ["trc_2", "a2"],
        ["trc_3", "a1"],
      ] as const) {
        await tx.trustChanges.insert({
          id,
          tenantId: T,
          agentId,
          fromTier: "T0",
          toTier: "T0",
          fromScore: 1,
          toScore: 2,
          cause: "completion",
          reason: "r",
          intentId: null,
          at: AT,
        });
      }
    });
    const read = await store.read(async (tx) => ({
      all: await tx.values.totals(T),
      a1: await tx.values.totals(T, { agentId: "a1" }),
      trust: (await tx.trustChanges.list(T, "a1", 5)).map((c) => c.id),
      limited: (await tx.trustChanges.list(T, "a1", 1)).map((c) => c.id),
    }));
    expect(read).toEqual({
      all: { revenue: 150, efficiency: 7 },
      a1: { revenue: 100, efficiency: 7 },
      trust: ["trc_3", "trc_1"],
      limited: ["trc_3"],
    });
  });

  it("answers ping until closed and refuses work after close", async () => {
    const store = createMemoryStore();
    expect(await store.ping()).toBe(true);
    await store.close();
    expect(await store.ping()).toBe(false);
    await expect(store.read((tx) => tx.agents.countActive(T))).rejects.toThrow(/closed/);
  });
});
