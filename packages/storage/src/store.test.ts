import {
  AgentSchema,
  ApprovalSchema,
  type AuditEvent,
  AuditEventSchema,
  buildAuditEvents,
  GENESIS_HASH,
  IntendedOpsError,
  IntentSchema,
  type OutboxEvent,
  TrustChangeSchema,
  ValueRecordSchema,
  verifyChain,
} from "@intendedops/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyStore } from "./kysely-store";
import {
  DIALECTS,
  isoAt,
  makeAgent,
  makeApiKey,
  makeApproval,
  makeIntent,
  makeIntention,
  makePolicy,
  makeTrustChange,
  makeValueRecord,
  randomSuffix,
  type TestStore,
} from "./test-fixtures";

const PAGE = { page: 1, pageSize: 50 };

async function collect(store: KyselyStore, tenantId: string, batchSize?: number): Promise<AuditEvent[][]> {
  const batches: AuditEvent[][] = [];
  await store.read(async (tx) => {
    for await (const batch of tx.audit.scan(tenantId, batchSize)) batches.push(batch);
  });
  return batches;
}

function outboxEvent(tenantId: string, id: string): OutboxEvent {
  return {
    id,
    tenantId,
    event: "intent.submitted",
    data: { intentId: "int_1", nested: { ok: true } },
    createdAt: isoAt(1),
  };
}

/** A webhook endpoint taking every event, so the tenant's outbox events are written. */
function subscribeAll(store: KyselyStore, tenantId: string): Promise<void> {
  return store.webhooks.endpoints.insert({
    id: `wh_${tenantId}`,
    tenantId,
    url: "https://hooks.example.com/all",
    description: null,
    events: ["*"],
    secret: "whsec_dGVzdA==",
    previousSecret: null,
    previousSecretExpiresAt: null,
    disabledAt: null,
    disabledReason: null,
    createdAt: isoAt(0),
    updatedAt: isoAt(0),
  });
}

describe.each(DIALECTS)("KyselyStore on %s", (_dialect, open) => {
  let ctx: TestStore;
  let store: KyselyStore;
  const newTenant = () => `tenant-${randomSuffix()}`;

  /** A tenant with one agent, the parent most rows need. */
  async function seed(agentId = "billing-agent"): Promise<string> {
    const tenantId = newTenant();
    await store.transaction((tx) => tx.agents.insert(makeAgent(tenantId, agentId)));
    return tenantId;
  }

  beforeAll(async () => {
    ctx = await open();
    store = ctx.store;
  });
  afterAll(async () => {
    await ctx?.dispose();
  });

  describe("reads", () => {
    it("sees one moment throughout a snapshot read when a write commits between its statements", async () => {
      const tenantId = await seed();
      let write: Promise<void> | undefined;
      const read = (snapshot: boolean) =>
        store.read(
          async (tx) => {
            const before = await tx.agents.countActive(tenantId);
            write = store.transaction((w) => w.agents.insert(makeAgent(tenantId, `agent-${randomSuffix()}`)));
            // PostgreSQL: the write commits on a connection of its own. SQLite: it queues for the
            // one connection, which it gets between two statements of an ordinary read.
            if (store.dialect === "postgres") await write;
            else await new Promise((resolve) => setTimeout(resolve, 20));
            return [before, await tx.agents.countActive(tenantId)];
          },
          { snapshot },
        );
      expect(await read(true)).toEqual([1, 1]);
      await write;
      expect(await read(false)).toEqual([2, 3]);
      await write;
      expect(await store.read((tx) => tx.agents.countActive(tenantId))).toBe(3);
    });
  });

  describe("agents", () => {
    it("reads back an equal agent when one is inserted", async () => {
      const tenantId = newTenant();
      const agent = makeAgent(tenantId, "billing-agent", { description: "Sends invoices" });
      await store.transaction((tx) => tx.agents.insert(agent));
      expect(await store.read((tx) => tx.agents.get(tenantId, "billing-agent"))).toStrictEqual(agent);
    });

    it("throws CONFLICT when the agent id is taken in the tenant", async () => {
      const tenantId = await seed();
      const error = await store
        .transaction((tx) => tx.agents.insert(makeAgent(tenantId, "billing-agent")))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IntendedOpsError);
      expect((error as IntendedOpsError).code).toBe("CONFLICT");
    });

    it("keeps agents apart when two tenants use the same id", async () => {
      const a = await seed("shared");
      const b = await seed("shared");
      await store.transaction((tx) => tx.agents.update(makeAgent(b, "shared", { trustScore: 999 })));
      expect((await store.read((tx) => tx.agents.get(a, "shared")))?.trustScore).toBe(100);
      expect((await store.read((tx) => tx.agents.get(b, "shared")))?.trustScore).toBe(999);
      expect(await store.read((tx) => tx.agents.get(newTenant(), "shared"))).toBeUndefined();
    });

    it("updates fields and counts only active agents when agents change", async () => {
      const tenantId = await seed("a1");
      await store.transaction(async (tx) => {
        await tx.agents.insert(makeAgent(tenantId, "a2"));
        const locked = await tx.agents.get(tenantId, "a2", { forUpdate: true });
        expect(locked?.id).toBe("a2");
        await tx.agents.update(
          makeAgent(tenantId, "a2", {
            status: "suspended",
            trustTier: "T2",
            recentOutcomes: [],
            updatedAt: isoAt(9),
          }),
        );
      });
      const updated = await store.read((tx) => tx.agents.get(tenantId, "a2"));
      expect(updated).toMatchObject({
        status: "suspended",
        trustTier: "T2",
        recentOutcomes: [],
        updatedAt: isoAt(9),
      });
      expect(await store.read((tx) => tx.agents.countActive(tenantId))).toBe(1);
    });

    it("counts agents per tenant and tier and lists trust scores in key order, across tenants", async () => {
      const [a, b] = [newTenant(), newTenant()].sort();
      await store.transaction(async (tx) => {
        await tx.agents.insert(makeAgent(b!, "b1", { trustTier: "T1", trustScore: 300 }));
        await tx.agents.insert(makeAgent(a!, "a2", { trustScore: 150 }));
        await tx.agents.insert(makeAgent(a!, "a1", { trustScore: 120 }));
        await tx.agents.insert(
          makeAgent(a!, "a3", { trustTier: "T2", trustScore: 500, status: "suspended" }),
        );
      });
      const ours = <T extends { tenantId: string }>(rows: T[]) =>
        rows.filter((row) => row.tenantId === a || row.tenantId === b);

      const tiers = ours(await store.read((tx) => tx.agents.countByTier()));
      expect(tiers).toHaveLength(3);
      expect(tiers).toEqual(
        expect.arrayContaining([
          { tenantId: a, trustTier: "T0", count: 2 },
          { tenantId: a, trustTier: "T2", count: 1 },
          { tenantId: b, trustTier: "T1", count: 1 },
        ]),
      );
      const scores = await store.read((tx) => tx.agents.listTrustScores(10_000));
      expect(ours(scores)).toEqual([
        { tenantId: a, agentId: "a1", trustScore: 120 },
        { tenantId: a, agentId: "a2", trustScore: 150 },
        { tenantId: a, agentId: "a3", trustScore: 500 },
        { tenantId: b, agentId: "b1", trustScore: 300 },
      ]);
    });

    it("shares listed trust scores out across tenants when there are more agents than the limit", async () => {
      const [a, b] = [newTenant(), newTenant()].sort();
      await store.transaction(async (tx) => {
        for (const id of ["a1", "a2", "a3"]) await tx.agents.insert(makeAgent(a!, id));
        await tx.agents.insert(makeAgent(b!, "b1"));
      });
      const all = await store.read((tx) => tx.agents.listTrustScores(1_000_000));
      // Other tests' tenants share the database: the expectation is worked out from every row.
      for (const limit of [1, 2, all.length - 2, all.length - 1]) {
        expect(await store.read((tx) => tx.agents.listTrustScores(limit))).toEqual(roundRobin(all, limit));
      }
      // One row short still lists every tenant's first agent (a has three): b's only one stays.
      const short = await store.read((tx) => tx.agents.listTrustScores(all.length - 1));
      expect(short).toContainEqual(expect.objectContaining({ tenantId: b, agentId: "b1" }));
    });

    it("lists agents oldest first with the total when paginated", async () => {
      const tenantId = newTenant();
      await store.transaction(async (tx) => {
        for (let i = 0; i < 5; i++)
          await tx.agents.insert(makeAgent(tenantId, `agent-${i}`, { createdAt: isoAt(10 - i) }));
      });
      const page = await store.read((tx) => tx.agents.list(tenantId, { page: 2, pageSize: 2 }));
      expect(page.total).toBe(5);
      expect(page.items.map((a) => a.id)).toEqual(["agent-2", "agent-1"]);
      expect(page).toMatchObject({ page: 2, pageSize: 2 });
    });
  });

  describe("intents", () => {
    it("reads back an equal intent when it has no result, a null result or an object result", async () => {
      const tenantId = await seed();
      const none = makeIntent(tenantId, "int_none", "billing-agent");
      const nulled = makeIntent(tenantId, "int_null", "billing-agent", { result: null });
      const full = makeIntent(tenantId, "int_full", "billing-agent", {
        result: { invoiceId: "inv_1", lines: [1, 2.5] },
        status: "completed",
        valueCents: 9_000_000_000,
        valueCategory: "revenue",
        completedAt: isoAt(4),
      });
      await store.transaction(async (tx) => {
        for (const intent of [none, nulled, full]) await tx.intents.insert(intent);
      });
      const read = await store.read((tx) =>
        Promise.all(["int_none", "int_null", "int_full"].map((id) => tx.intents.get(tenantId, id))),
      );
      expect(read).toStrictEqual([none, nulled, full]);
      expect(read[0]).not.toHaveProperty("result");
    });

    it("throws CONFLICT when the intent id exists", async () => {
      const tenantId = await seed();
      const intent = makeIntent(tenantId, "int_dup", "billing-agent");
      await store.transaction((tx) => tx.intents.insert(intent));
      await expect(store.transaction((tx) => tx.intents.insert(intent))).rejects.toMatchObject({
        code: "CONFLICT",
      });
    });

    it("applies only the first update when two updates expect the same status", async () => {
      const tenantId = await seed();
      const intent = makeIntent(tenantId, "int_cas", "billing-agent");
      await store.transaction((tx) => tx.intents.insert(intent));
      const approved = { ...intent, status: "approved" as const, updatedAt: isoAt(7) };
      const rejected = { ...intent, status: "rejected" as const, error: "no", updatedAt: isoAt(8) };
      expect(await store.transaction((tx) => tx.intents.update(approved, "pending"))).toBe(true);
      expect(await store.transaction((tx) => tx.intents.update(rejected, "pending"))).toBe(false);
      expect(await store.read((tx) => tx.intents.get(tenantId, intent.id))).toStrictEqual(approved);
    });

    it("resolves concurrent compare-and-set updates to exactly one winner", async () => {
      const tenantId = await seed();
      const intent = makeIntent(tenantId, "int_race", "billing-agent");
      await store.transaction((tx) => tx.intents.insert(intent));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.transaction((tx) =>
            tx.intents.update({ ...intent, status: "approved", submittedBy: `k${i}` }, "pending"),
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("hides intents of other tenants when read or updated", async () => {
      const tenantId = await seed();
      const intent = makeIntent(tenantId, "int_iso", "billing-agent");
      await store.transaction((tx) => tx.intents.insert(intent));
      const other = newTenant();
      expect(await store.read((tx) => tx.intents.get(other, intent.id))).toBeUndefined();
      const stolen = { ...intent, tenantId: other, status: "approved" as const };
      expect(await store.transaction((tx) => tx.intents.update(stolen, "pending"))).toBe(false);
      expect((await store.read((tx) => tx.intents.get(tenantId, intent.id)))?.status).toBe("pending");
    });

    it("lists newest first and filters, pages and counts when filters are given", async () => {
      const tenantId = await seed("a1");
      await store.transaction(async (tx) => {
        await tx.agents.insert(makeAgent(tenantId, "a2"));
        for (let i = 0; i < 6; i++) {
          await tx.intents.insert(
            makeIntent(tenantId, `int_${i}`, i % 2 === 0 ? "a1" : "a2", {
              createdAt: isoAt(10 + i),
              status: i < 4 ? "pending" : "completed",
              type: i === 5 ? "sales.create_opportunity" : "billing.send_invoice",
              domain: i === 5 ? "sales" : "billing",
            }),
          );
        }
      });
      const list = (filter: object, page = PAGE) =>
        store.read((tx) => tx.intents.list(tenantId, filter, page));
      expect((await list({})).items.map((i) => i.id)).toEqual([
        "int_5",
        "int_4",
        "int_3",
        "int_2",
        "int_1",
        "int_0",
      ]);
      expect((await list({ status: "pending" })).total).toBe(4);
      expect((await list({ agentId: "a2" })).items.map((i) => i.id)).toEqual(["int_5", "int_3", "int_1"]);
      expect((await list({ type: "sales.create_opportunity" })).items.map((i) => i.id)).toEqual(["int_5"]);
      expect((await list({ domain: "billing", status: "completed" })).items.map((i) => i.id)).toEqual([
        "int_4",
      ]);
      expect((await list({ createdFrom: isoAt(14) })).items.map((i) => i.id)).toEqual(["int_5", "int_4"]);
      const second = await list({}, { page: 2, pageSize: 4 });
      expect(second.items.map((i) => i.id)).toEqual(["int_1", "int_0"]);
      expect(second.total).toBe(6);
      expect(await store.read((tx) => tx.intents.count(tenantId, { status: "pending", agentId: "a1" }))).toBe(
        2,
      );
      expect(await store.read((tx) => tx.intents.countByStatus(tenantId))).toEqual({
        pending: 4,
        completed: 2,
      });
      expect(await store.read((tx) => tx.intents.countByStatus(tenantId, "a2"))).toEqual({
        pending: 2,
        completed: 1,
      });
      expect(await store.read((tx) => tx.intents.countByStatus(newTenant()))).toEqual({});
    });

    it("gives every page in list order when pages past the middle are read from the back", async () => {
      const tenantId = newTenant();
      await store.transaction(async (tx) => {
        await tx.tenants.ensure(tenantId);
        await tx.agents.insert(makeAgent(tenantId, "a1"));
        for (let i = 0; i < 23; i++) {
          // Three intents per instant: the order between them comes from the id alone.
          const id = `int_${String((i * 7) % 23).padStart(2, "0")}`;
          await tx.intents.insert(makeIntent(tenantId, id, "a1", { createdAt: isoAt(Math.floor(i / 3)) }));
          await tx.approvals.insert(
            makeApproval(tenantId, `apr_${id}`, id, { requestedAt: isoAt(Math.floor(i / 3)) }),
          );
        }
      });
      const everything = await store.read((tx) => tx.intents.list(tenantId, {}, { page: 1, pageSize: 100 }));
      const allApprovals = await store.read((tx) =>
        tx.approvals.list(tenantId, {}, { page: 1, pageSize: 100 }),
      );
      for (const pageSize of [1, 2, 4, 5, 22, 23, 24]) {
        const intents: string[] = [];
        const approvals: string[] = [];
        for (let page = 1; page <= Math.ceil(23 / pageSize) + 1; page++) {
          const listed = await store.read((tx) => tx.intents.list(tenantId, {}, { page, pageSize }));
          expect(listed).toMatchObject({ total: 23, page, pageSize });
          intents.push(...listed.items.map((intent) => intent.id));
          const decided = await store.read((tx) => tx.approvals.list(tenantId, {}, { page, pageSize }));
          approvals.push(...decided.items.map((approval) => approval.id));
        }
        expect(intents, `pageSize ${pageSize}`).toEqual(everything.items.map((intent) => intent.id));
        expect(approvals, `pageSize ${pageSize}`).toEqual(allApprovals.items.map((approval) => approval.id));
      }
      expect(everything.items.map((intent) => intent.id).slice(0, 3)).toEqual(["int_16", "int_09", "int_18"]);
    });

    it("rejects a page below 1 with VALIDATION_ERROR", async () => {
      await expect(
        store.read((tx) => tx.intents.list("x", {}, { page: 0, pageSize: 10 })),
      ).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
      });
    });
  });

  describe("approvals", () => {
    it("reads back an equal approval by id and by intent when inserted", async () => {
      const tenantId = await seed();
      const approval = makeApproval(tenantId, "apr_1", "int_a");
      await store.transaction(async (tx) => {
        await tx.intents.insert(makeIntent(tenantId, "int_a", "billing-agent"));
        await tx.approvals.insert(approval);
      });
      expect(await store.read((tx) => tx.approvals.get(tenantId, "apr_1"))).toStrictEqual(approval);
      expect(await store.read((tx) => tx.approvals.getByIntent(tenantId, "int_a"))).toStrictEqual(approval);
      expect(
        await store.transaction((tx) => tx.approvals.get(tenantId, "apr_1", { forUpdate: true })),
      ).toStrictEqual(approval);
      expect(await store.read((tx) => tx.approvals.get(newTenant(), "apr_1"))).toBeUndefined();
      await expect(store.transaction((tx) => tx.approvals.insert(approval))).rejects.toMatchObject({
        code: "CONFLICT",
      });
    });

    it("applies only the first decision when two decisions expect pending", async () => {
      const tenantId = await seed();
      const approval = makeApproval(tenantId, "apr_cas", "int_cas_a");
      await store.transaction(async (tx) => {
        await tx.intents.insert(makeIntent(tenantId, "int_cas_a", "billing-agent"));
        await tx.approvals.insert(approval);
      });
      const approved = {
        ...approval,
        status: "approved" as const,
        decidedBy: "key_9",
        decidedByName: "Ann",
        decidedAt: isoAt(9),
      };
      expect(await store.transaction((tx) => tx.approvals.update(approved, "pending"))).toBe(true);
      expect(
        await store.transaction((tx) => tx.approvals.update({ ...approval, status: "rejected" }, "pending")),
      ).toBe(false);
      expect(await store.read((tx) => tx.approvals.get(tenantId, approval.id))).toStrictEqual(approved);
      expect(await store.read((tx) => tx.approvals.countPending(tenantId))).toBe(0);
    });

    it("counts pending approvals per tenant across tenants, leaving out tenants without any", async () => {
      const [a, b, c] = [await seed(), await seed(), await seed()];
      const suffix = randomSuffix();
      await store.transaction(async (tx) => {
        for (const [tenantId, statuses] of [
          [a, ["pending", "pending", "approved"]],
          [b, ["pending", "expired"]],
          [c, ["rejected"]],
        ] as const) {
          for (const [i, status] of statuses.entries()) {
            const intentId = `int_pbt_${suffix}_${tenantId}_${i}`;
            await tx.intents.insert(makeIntent(tenantId, intentId, "billing-agent"));
            await tx.approvals.insert(
              makeApproval(tenantId, `apr_pbt_${suffix}_${tenantId}_${i}`, intentId, { status }),
            );
          }
        }
      });
      const counts = await store.read((tx) => tx.approvals.countPendingByTenant());
      expect(counts.filter((row) => [a, b, c].includes(row.tenantId))).toEqual(
        expect.arrayContaining([
          { tenantId: a, count: 2 },
          { tenantId: b, count: 1 },
        ]),
      );
      expect(counts.filter((row) => [a, b, c].includes(row.tenantId))).toHaveLength(2);
    });

    it("lists, filters and finds expired approvals across tenants when due", async () => {
      const a = await seed();
      const b = await seed();
      const now = isoAt(100);
      await store.transaction(async (tx) => {
        for (const [tenantId, n] of [
          [a, 0],
          [b, 1],
        ] as const) {
          for (let i = 0; i < 3; i++) {
            const intentId = `int_${n}_${i}`;
            await tx.intents.insert(makeIntent(tenantId, intentId, "billing-agent"));
            await tx.approvals.insert(
              makeApproval(tenantId, `apr_${n}_${i}`, intentId, {
                requestedAt: isoAt(i),
                expiresAt: i === 2 ? null : isoAt(50 + i * 10 + n),
                status: i === 1 && n === 1 ? "approved" : "pending",
              }),
            );
          }
        }
      });
      const listed = await store.read((tx) => tx.approvals.list(a, {}, PAGE));
      expect(listed.items.map((x) => x.id)).toEqual(["apr_0_2", "apr_0_1", "apr_0_0"]);
      expect((await store.read((tx) => tx.approvals.list(b, { status: "pending" }, PAGE))).total).toBe(2);
      expect(await store.read((tx) => tx.approvals.countPending(b))).toBe(2);
      const expired = await store.read((tx) => tx.approvals.listExpired(now, 100));
      const ours = expired.filter((x) => x.tenantId === a || x.tenantId === b).map((x) => x.id);
      expect(ours).toEqual(["apr_0_0", "apr_1_0", "apr_0_1"]);
      expect(await store.read((tx) => tx.approvals.listExpired(isoAt(0), 100))).toEqual([]);
      // Paged by position: only what lies past `after` in (expiresAt, id) order.
      const first = expired.find((x) => x.id === "apr_0_0")!;
      const rest = await store.read((tx) =>
        tx.approvals.listExpired(now, 100, { expiresAt: first.expiresAt!, id: first.id }),
      );
      expect(rest.filter((x) => x.tenantId === a || x.tenantId === b).map((x) => x.id)).toEqual([
        "apr_1_0",
        "apr_0_1",
      ]);
    });
  });

  describe("policies", () => {
    it("round-trips policies and bumps the revision on every change", async () => {
      const tenantId = newTenant();
      const policy = makePolicy(tenantId, "pol_1");
      const minimal = makePolicy(tenantId, "pol_2", { approval: undefined, createdAt: isoAt(5) });
      delete minimal.approval;
      expect(await store.read((tx) => tx.policies.revision(tenantId))).toBe(0);
      await store.transaction(async (tx) => {
        await tx.policies.insert(policy);
        await tx.policies.insert(minimal);
      });
      expect(await store.read((tx) => tx.policies.list(tenantId))).toStrictEqual([policy, minimal]);
      expect(await store.read((tx) => tx.policies.revision(tenantId))).toBe(2);
      const updated = { ...policy, enabled: false, version: 2 };
      await store.transaction((tx) => tx.policies.update(updated));
      expect(await store.read((tx) => tx.policies.get(tenantId, "pol_1"))).toStrictEqual(updated);
      expect(await store.read((tx) => tx.policies.revision(tenantId))).toBe(3);
      expect(await store.transaction((tx) => tx.policies.delete(tenantId, "pol_1"))).toBe(true);
      expect(await store.transaction((tx) => tx.policies.delete(tenantId, "pol_1"))).toBe(false);
      expect(await store.read((tx) => tx.policies.revision(tenantId))).toBe(4);
      expect(await store.read((tx) => tx.policies.get(tenantId, "pol_1"))).toBeUndefined();
    });

    it("reads the policy and intention revisions together when asked for both", async () => {
      const tenantId = newTenant();
      const both = () => store.read(async (tx) => tx.policies.rulesRevisions?.(tenantId));
      expect(await both()).toEqual({ policies: 0, intentions: 0 });
      await store.transaction(async (tx) => {
        await tx.policies.insert(makePolicy(tenantId, `pol_${randomSuffix()}`));
        await tx.policies.insert(makePolicy(tenantId, `pol_${randomSuffix()}`));
        await tx.intentions.insert(makeIntention(tenantId, `intention_${randomSuffix()}`, "refunds"));
      });
      expect(await both()).toEqual({ policies: 2, intentions: 1 });
      expect(await store.read(async (tx) => tx.policies.rulesRevisions?.(newTenant()))).toEqual({
        policies: 0,
        intentions: 0,
      });
    });

    it("leaves other tenants' policies and revisions alone when a tenant changes", async () => {
      const a = newTenant();
      const b = newTenant();
      await store.transaction((tx) => tx.policies.insert(makePolicy(a, `pol_${a}`)));
      expect(await store.read((tx) => tx.policies.get(b, `pol_${a}`))).toBeUndefined();
      expect(await store.transaction((tx) => tx.policies.delete(b, `pol_${a}`))).toBe(false);
      await store.transaction((tx) => tx.policies.update(makePolicy(b, `pol_${a}`, { name: "hijack" })));
      expect((await store.read((tx) => tx.policies.get(a, `pol_${a}`)))?.name).not.toBe("hijack");
      expect(await store.read((tx) => tx.policies.revision(b))).toBe(0);
      expect(await store.read((tx) => tx.policies.list(b))).toEqual([]);
    });
  });

  describe("intentions", () => {
    it("round-trips intentions by id and label and bumps the revision", async () => {
      const tenantId = newTenant();
      const intention = makeIntention(tenantId, "intention_1", "monthly_report", { approval_required: true });
      await store.transaction((tx) => tx.intentions.insert(intention));
      expect(await store.read((tx) => tx.intentions.get(tenantId, "intention_1"))).toStrictEqual(intention);
      expect(await store.read((tx) => tx.intentions.getByLabel(tenantId, "monthly_report"))).toStrictEqual(
        intention,
      );
      expect(await store.read((tx) => tx.intentions.list(tenantId))).toStrictEqual([intention]);
      const archived = { ...intention, status: "archived" as const, updated_at: isoAt(9) };
      await store.transaction((tx) => tx.intentions.update(archived));
      expect(await store.read((tx) => tx.intentions.get(tenantId, "intention_1"))).toStrictEqual(archived);
      expect(await store.read((tx) => tx.intentions.revision(tenantId))).toBe(2);
      expect(
        await store.read((tx) => tx.intentions.getByLabel(newTenant(), "monthly_report")),
      ).toBeUndefined();
    });

    it("throws CONFLICT when a label is taken in the tenant, on insert and on rename", async () => {
      const tenantId = newTenant();
      await store.transaction(async (tx) => {
        await tx.intentions.insert(makeIntention(tenantId, "intention_a", "export_data"));
        await tx.intentions.insert(makeIntention(tenantId, "intention_b", "lookup_data"));
      });
      await expect(
        store.transaction((tx) =>
          tx.intentions.insert(makeIntention(tenantId, "intention_c", "export_data")),
        ),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      await expect(
        store.transaction((tx) =>
          tx.intentions.update(makeIntention(tenantId, "intention_b", "export_data")),
        ),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      const other = newTenant();
      await store.transaction((tx) =>
        tx.intentions.insert(makeIntention(other, "intention_d", "export_data")),
      );
      expect(await store.read((tx) => tx.intentions.revision(tenantId))).toBe(2);
    });
  });

  describe("audit", () => {
    it("starts a tenant's chain at the genesis head", async () => {
      expect(await store.transaction((tx) => tx.audit.lockHead(newTenant()))).toEqual({
        seq: 0,
        hash: GENESIS_HASH,
      });
    });

    it("appends, lists with filters and scans in seq order when events are written", async () => {
      const tenantId = newTenant();
      const drafts = Array.from({ length: 7 }, (_, i) => ({
        eventType: i % 2 === 0 ? "intent.submitted" : "intent.approved",
        actor: "key_1",
        agentId: i < 4 ? "a1" : "a2",
        intentId: `int_${i % 3}`,
        data: { nested: { list: [i, "x"] }, i },
      }));
      const written = await store.transaction(async (tx) => {
        const head = await tx.audit.lockHead(tenantId);
        const events = buildAuditEvents(head, drafts, { tenantId, now: Date.UTC(2026, 0, 1) });
        await tx.audit.append(tenantId, events);
        return events;
      });
      expect(await store.transaction((tx) => tx.audit.lockHead(tenantId))).toEqual({
        seq: 7,
        hash: written[6]?.hash,
      });
      const list = (filter: object, page = PAGE) => store.read((tx) => tx.audit.list(tenantId, filter, page));
      expect((await list({})).items).toStrictEqual(written);
      expect((await list({ eventType: "intent.approved" })).items.map((e) => e.seq)).toEqual([2, 4, 6]);
      expect((await list({ agentId: "a2", intentId: "int_1" })).items.map((e) => e.seq)).toEqual([5]);
      expect((await list({ fromDate: isoAt(0), toDate: isoAt(0) })).total).toBe(7);
      expect((await list({ fromDate: isoAt(1) })).total).toBe(0);
      const page2 = await list({}, { page: 2, pageSize: 3 });
      expect(page2.items.map((e) => e.seq)).toEqual([4, 5, 6]);
      expect(page2.total).toBe(7);
      const batches = await collect(store, tenantId, 3);
      expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
      expect(verifyChain(batches.flat())).toMatchObject({ valid: true, eventCount: 7 });
      if (store.dialect === "sqlite") {
        // The row keeps the exact text the hashes cover (jsonb on PostgreSQL keeps its own form).
        const { rows } = await sql<{
          data: string;
        }>`select data from audit_events where tenant_id = ${tenantId} and seq = 1`.execute(store.db);
        expect(rows[0]?.data).toBe('{"i":0,"nested":{"list":[0,"x"]}}');
      }
      expect(await store.read((tx) => tx.audit.list(newTenant(), {}, PAGE))).toMatchObject({
        total: 0,
        items: [],
      });
    });

    it("refuses events that do not continue the locked head", async () => {
      const tenantId = newTenant();
      const draft = { eventType: "x", actor: "a", data: {} };
      await store.transaction(async (tx) => {
        const head = await tx.audit.lockHead(tenantId);
        await tx.audit.append(tenantId, buildAuditEvents(head, [draft], { tenantId, now: 0 }));
      });
      const stale = buildAuditEvents({ seq: 0, hash: GENESIS_HASH }, [draft], { tenantId, now: 0 });
      await expect(store.transaction((tx) => tx.audit.append(tenantId, stale))).rejects.toMatchObject({
        code: "INTERNAL_ERROR",
      });
      const foreign = buildAuditEvents({ seq: 1, hash: GENESIS_HASH }, [draft], {
        tenantId: "other",
        now: 0,
      });
      await expect(store.transaction((tx) => tx.audit.append(tenantId, foreign))).rejects.toMatchObject({
        code: "INTERNAL_ERROR",
      });
      expect((await collect(store, tenantId)).flat()).toHaveLength(1);
    });

    it("keeps one gapless valid chain when 50 transactions append concurrently", async () => {
      const tenantId = await seed();
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.transaction(async (tx) => {
            const head = await tx.audit.lockHead(tenantId);
            // Another statement between reading the head and appending: without the lock,
            // concurrent writers would interleave here and fork the chain.
            await tx.agents.get(tenantId, "billing-agent");
            const drafts = Array.from({ length: (i % 3) + 1 }, (_, j) => ({
              eventType: "test.concurrent",
              actor: `writer-${i}`,
              data: { i, j },
            }));
            await tx.audit.append(tenantId, buildAuditEvents(head, drafts, { tenantId, now: Date.now() }));
          }),
        ),
      );
      const events = (await collect(store, tenantId, 17)).flat();
      const expected = Array.from({ length: 50 }, (_, i) => (i % 3) + 1).reduce((a, b) => a + b, 0);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
      expect(verifyChain(events)).toMatchObject({ valid: true, eventCount: expected });
    });
  });

  describe("idempotency, trust changes, values and outbox", () => {
    it("round-trips an idempotency record and throws CONFLICT on a reused key", async () => {
      const tenantId = newTenant();
      const record = {
        tenantId,
        key: "invoice-1",
        requestHash: "abc",
        intentId: "int_1",
        createdAt: isoAt(1),
      };
      await store.transaction((tx) => tx.idempotency.insert(record));
      expect(await store.read((tx) => tx.idempotency.get(tenantId, "invoice-1"))).toStrictEqual(record);
      expect(await store.read((tx) => tx.idempotency.get(newTenant(), "invoice-1"))).toBeUndefined();
      await expect(
        store.transaction((tx) => tx.idempotency.insert({ ...record, requestHash: "other" })),
      ).rejects.toMatchObject({ code: "CONFLICT", details: { idempotencyKey: "invoice-1" } });
    });

    it("lets exactly one of concurrent inserts of the same key win", async () => {
      const tenantId = newTenant();
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          store.transaction((tx) =>
            tx.idempotency.insert({
              tenantId,
              key: "k",
              requestHash: `h${i}`,
              intentId: `int_${i}`,
              createdAt: isoAt(1),
            }),
          ),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results)
        if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "CONFLICT" });
    });

    it("lists an agent's trust changes newest first up to the limit", async () => {
      const tenantId = await seed("a1");
      await store.transaction(async (tx) => {
        await tx.agents.insert(makeAgent(tenantId, "a2"));
        for (let i = 0; i < 4; i++)
          await tx.trustChanges.insert(makeTrustChange(tenantId, `trc_${i}`, "a1", i));
        await tx.trustChanges.insert(makeTrustChange(tenantId, "trc_other", "a2", 9));
      });
      const changes = await store.read((tx) => tx.trustChanges.list(tenantId, "a1", 3));
      expect(changes.map((c) => c.id)).toEqual(["trc_3", "trc_2", "trc_1"]);
      expect(changes[0]).toStrictEqual(makeTrustChange(tenantId, "trc_3", "a1", 3));
      expect(await store.read((tx) => tx.trustChanges.list(newTenant(), "a1", 3))).toEqual([]);
    });

    it("sums value cents by category, for the tenant or one agent", async () => {
      const tenantId = await seed("a1");
      await store.transaction(async (tx) => {
        await tx.agents.insert(makeAgent(tenantId, "a2"));
        await tx.intents.insert(makeIntent(tenantId, "int_v", "a1"));
        await tx.values.insert(makeValueRecord(tenantId, "val_1", "int_v", "a1", { cents: 2500 }));
        await tx.values.insert(makeValueRecord(tenantId, "val_2", "int_v", "a1", { cents: 10_000_000_000 }));
        await tx.values.insert(
          makeValueRecord(tenantId, "val_3", "int_v", "a2", { cents: 75, category: "efficiency" }),
        );
      });
      expect(await store.read((tx) => tx.values.totals(tenantId))).toEqual({
        revenue: 10_000_002_500,
        efficiency: 75,
      });
      expect(await store.read((tx) => tx.values.totals(tenantId, { agentId: "a2" }))).toEqual({
        efficiency: 75,
      });
      expect(await store.read((tx) => tx.values.totals(newTenant()))).toEqual({});
    });

    it("sums value cents past the 64-bit integer range without failing", async () => {
      // Each record may hold up to Number.MAX_SAFE_INTEGER cents; 1,025 of them pass 2^63, where
      // SQLite's integer sum() throws "integer overflow" and every stats read of the tenant failed.
      const tenantId = await seed("a1");
      await store.transaction(async (tx) => {
        await tx.intents.insert(makeIntent(tenantId, "int_big", "a1"));
        for (let i = 0; i < 1100; i++) {
          await tx.values.insert(
            makeValueRecord(tenantId, `val_big_${i}`, "int_big", "a1", { cents: Number.MAX_SAFE_INTEGER }),
          );
        }
      });
      const { revenue } = await store.read((tx) => tx.values.totals(tenantId));
      expect(revenue).toBeCloseTo(1100 * Number.MAX_SAFE_INTEGER, -6);
    });

    it("stores outbox events with their JSON data when enqueued", async () => {
      const tenantId = newTenant();
      await subscribeAll(store, tenantId);
      await store.transaction((tx) =>
        tx.outbox.enqueue([outboxEvent(tenantId, "whk_1"), outboxEvent(tenantId, "whk_2")]),
      );
      const rows = await store.db
        .selectFrom("outbox_events")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .orderBy("id")
        .execute();
      expect(rows.map((r) => [r.id, JSON.parse(r.data)])).toEqual([
        ["whk_1", { intentId: "int_1", nested: { ok: true } }],
        ["whk_2", { intentId: "int_1", nested: { ok: true } }],
      ]);
    });
  });

  describe("model coverage", () => {
    it("round-trips every field of the core models, optional ones included", async () => {
      const tenantId = await seed("a1");
      const intent = makeIntent(tenantId, `int_full_${tenantId}`, "a1", {
        result: { ok: true },
        intentToken: "eyJhbGciOiJFZERTQSJ9.e30.sig",
      });
      const approval = makeApproval(tenantId, `apr_full_${tenantId}`, intent.id, { decidedByName: "Ann" });
      const change = { ...makeTrustChange(tenantId, `trc_full_${tenantId}`, "a1", 1), intentId: intent.id };
      const value = makeValueRecord(tenantId, `val_full_${tenantId}`, intent.id, "a1");
      const agent = makeAgent(tenantId, "a1");
      const written = await store.transaction(async (tx) => {
        await tx.intents.insert(intent);
        await tx.approvals.insert(approval);
        await tx.trustChanges.insert(change);
        await tx.values.insert(value);
        const head = await tx.audit.lockHead(tenantId);
        const events = buildAuditEvents(
          head,
          [{ eventType: "x", actor: "a", agentId: "a1", intentId: intent.id, data: { k: [1] } }],
          { tenantId, now: 0 },
        );
        await tx.audit.append(tenantId, events);
        return events[0];
      });
      // When core adds a field to a model, this fails until the store maps it.
      const cases: [{ shape: object }, object][] = [
        [AgentSchema, agent],
        [IntentSchema, intent],
        [ApprovalSchema, approval],
        [TrustChangeSchema, change],
        [ValueRecordSchema, value],
        [AuditEventSchema, written ?? {}],
      ];
      for (const [schema, sample] of cases)
        expect(Object.keys(sample).sort()).toEqual(Object.keys(schema.shape).sort());

      const read = await store.read(async (tx) => ({
        agent: await tx.agents.get(tenantId, "a1"),
        intent: await tx.intents.get(tenantId, intent.id),
        approval: await tx.approvals.get(tenantId, approval.id),
        change: (await tx.trustChanges.list(tenantId, "a1", 1))[0],
        event: (await tx.audit.list(tenantId, {}, PAGE)).items[0],
      }));
      expect(read).toStrictEqual({ agent, intent, approval, change, event: written });
    });
  });

  describe("transactions", () => {
    it("leaves no intent, audit event or outbox event behind when fn throws", async () => {
      const tenantId = await seed();
      await subscribeAll(store, tenantId);
      const boom = new Error("boom");
      const thrown = await store
        .transaction(async (tx) => {
          await tx.intents.insert(makeIntent(tenantId, "int_rb", "billing-agent"));
          const head = await tx.audit.lockHead(tenantId);
          await tx.audit.append(
            tenantId,
            buildAuditEvents(head, [{ eventType: "x", actor: "a", data: {} }], { tenantId, now: 0 }),
          );
          await tx.outbox.enqueue([outboxEvent(tenantId, "whk_rb")]);
          await tx.policies.insert(makePolicy(tenantId, "pol_rb"));
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(thrown).toBe(boom);
      expect(await store.read((tx) => tx.intents.get(tenantId, "int_rb"))).toBeUndefined();
      expect(await collect(store, tenantId)).toEqual([]);
      expect(await store.read((tx) => tx.policies.revision(tenantId))).toBe(0);
      const outbox = await store.db
        .selectFrom("outbox_events")
        .select("id")
        .where("tenant_id", "=", tenantId)
        .execute();
      expect(outbox).toEqual([]);
    });

    it("propagates an IntendedOpsError unchanged and returns fn's value otherwise", async () => {
      const error = new IntendedOpsError("INVALID_STATE", "nope", { from: "pending" });
      await expect(store.transaction(async () => Promise.reject(error))).rejects.toBe(error);
      expect(await store.transaction(async () => 42)).toBe(42);
    });

    it("exposes tenants, api keys and the transaction handle inside a transaction", async () => {
      const tenantId = newTenant();
      await expect(
        store.transaction(async (tx) => {
          await tx.tenants.ensure(tenantId);
          await tx.apiKeys.insert(makeApiKey(tenantId, `key_${tenantId}`));
          await tx.db.deleteFrom("audit_heads").where("tenant_id", "=", "nobody").execute();
          throw new Error("undo");
        }),
      ).rejects.toThrow("undo");
      expect(await store.tenants.get(tenantId)).toBeUndefined();
      expect(await store.apiKeys.list(tenantId)).toEqual([]);
    });
  });

  describe("tenants and api keys", () => {
    it("creates a tenant once when ensured twice", async () => {
      const tenantId = newTenant();
      const first = await store.tenants.ensure(tenantId, "Acme");
      const second = await store.tenants.ensure(tenantId, "Renamed");
      expect(first).toMatchObject({ id: tenantId, name: "Acme", created: true });
      expect(second).toEqual({ ...first, created: false });
      expect(await store.tenants.get(tenantId)).toEqual({
        id: tenantId,
        name: "Acme",
        createdAt: first.createdAt,
      });
      expect((await store.tenants.list()).map((t) => t.id)).toContain(tenantId);
      expect((await store.tenants.ensure(newTenant())).name).toMatch(/^tenant-/);
    });

    it("finds active keys by hash and ignores them once revoked", async () => {
      const tenantId = newTenant();
      await store.tenants.ensure(tenantId);
      const key = makeApiKey(tenantId, `key_a_${tenantId}`, { rateLimitPerMinute: 600 });
      await store.apiKeys.insert(key);
      expect(await store.apiKeys.findByHash(key.keyHash)).toStrictEqual(key);
      expect(await store.apiKeys.get(tenantId, key.id)).toStrictEqual(key);
      await store.apiKeys.touch(key.id, isoAt(30));
      expect((await store.apiKeys.get(tenantId, key.id))?.lastUsedAt).toBe(isoAt(30));

      const other = newTenant();
      expect(await store.apiKeys.get(other, key.id)).toBeUndefined();
      expect(await store.apiKeys.revoke(other, key.id)).toBe(false);
      expect(await store.apiKeys.findByHash(key.keyHash)).toBeDefined();

      expect(await store.apiKeys.revoke(tenantId, key.id)).toBe(true);
      expect(await store.apiKeys.findByHash(key.keyHash)).toBeUndefined();
      const revoked = await store.apiKeys.get(tenantId, key.id);
      expect(revoked?.revokedAt).not.toBeNull();
      expect(await store.apiKeys.revoke(tenantId, key.id)).toBe(true);
      expect((await store.apiKeys.get(tenantId, key.id))?.revokedAt).toBe(revoked?.revokedAt);
      expect(await store.apiKeys.revoke(tenantId, "key_missing")).toBe(false);
      expect(await store.apiKeys.list(tenantId)).toHaveLength(1);
    });

    it("throws CONFLICT when a key hash is stored twice", async () => {
      const tenantId = newTenant();
      await store.tenants.ensure(tenantId);
      const key = makeApiKey(tenantId, `key_b_${tenantId}`);
      await store.apiKeys.insert(key);
      await expect(store.apiKeys.insert({ ...key, id: `key_c_${tenantId}` })).rejects.toMatchObject({
        code: "CONFLICT",
      });
    });

    it("refuses a key for a tenant that does not exist", async () => {
      await expect(
        store.transaction((tx) => tx.apiKeys.insert(makeApiKey(newTenant(), "key_orphan"))),
      ).rejects.toThrow();
      expect(await store.apiKeys.get("nobody", "key_orphan")).toBeUndefined();
    });
  });

  describe("lifecycle", () => {
    it("runs migrations again without error when the schema is current", async () => {
      await store.migrate();
      await store.migrate();
      expect(await store.ping()).toBe(true);
    });

    it("answers ping with false once closed", async () => {
      const own = await open();
      expect(await own.store.ping()).toBe(true);
      await own.dispose();
      expect(await own.store.ping()).toBe(false);
    });
  });
});

/**
 * `limit` of `rows` (in tenant, agent order) taken tenant by tenant in turns: every tenant's first
 * row, then every tenant's second, and so on; listed in the rows' order.
 */
function roundRobin<T extends { tenantId: string }>(rows: T[], limit: number): T[] {
  const byTenant = new Map<string, T[]>();
  for (const row of rows) byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row]);
  const picked = new Set<T>();
  for (let turn = 0; picked.size < limit && picked.size < rows.length; turn++) {
    for (const tenantRows of byTenant.values()) {
      const row = tenantRows[turn];
      if (row !== undefined && picked.size < limit) picked.add(row);
    }
  }
  return rows.filter((row) => picked.has(row));
}
