import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Actor,
  type Agent,
  buildAuditEvents,
  createGovernor,
  newId,
  type OutboxEvent,
  verifyChain,
} from "@intendedops/core";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore, type StoreOptions } from "../create-store";
import type { KyselyStore, KyselyTx } from "../kysely-store";
import { invoiceCatalog, makeAgent, makeEndpoint, makeIntent, makePolicy } from "../test-fixtures";

const TENANT = "tenant-group";

const AGENT_READ = 'select * from "agents" where "tenant_id" = ? and "id" = ?';

const submitted = (): OutboxEvent => ({
  id: newId("webhookEvent"),
  tenantId: TENANT,
  event: "intent.submitted",
  data: {},
  createdAt: new Date().toISOString(),
});

/** Appends one event to the tenant's chain, as the governor does at the end of a transaction. */
async function appendEvent(tx: KyselyTx, label: string): Promise<void> {
  const head = await tx.audit.lockHead(TENANT);
  await tx.audit.append(
    TENANT,
    buildAuditEvents(head, [{ eventType: "test.group", actor: label, data: { label } }], {
      tenantId: TENANT,
      now: Date.now(),
    }),
  );
}

describe("SQLite group commit", () => {
  let dir: string;
  let file: string;
  let statements: string[];
  const stores: KyselyStore[] = [];
  const outsiders: BetterSqlite3.Database[] = [];

  /**
   * A store on the test file that records every statement it runs, in order. Batches have no
   * time bound here (a cold first transaction can take milliseconds), only the size bound.
   */
  async function open(groupCommit: StoreOptions["groupCommit"] = {}): Promise<KyselyStore> {
    const store = await createStore({
      url: `file:${file}`,
      slowQueryMs: 0,
      logger: {
        warn: (details) => statements.push(String(details.sql)),
        debug: () => {},
      },
      groupCommit: { maxMs: 60_000, ...groupCommit },
    });
    stores.push(store);
    statements.length = 0;
    return store;
  }

  /** A second connection: it sees only what has been committed. */
  function outsider(): BetterSqlite3.Database {
    const connection = new BetterSqlite3(file, { readonly: true });
    outsiders.push(connection);
    return connection;
  }

  const committedAgents = (connection: BetterSqlite3.Database): string[] =>
    (
      connection.prepare("select id from agents where tenant_id = ? order by id").all(TENANT) as {
        id: string;
      }[]
    ).map((row) => row.id);

  const count = (statement: string) => statements.filter((s) => s === statement).length;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "intendedops-group-"));
    file = join(dir, "group.db");
    statements = [];
  });
  afterEach(async () => {
    for (const connection of outsiders.splice(0)) connection.close();
    await Promise.all(stores.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs transactions that wait together under one BEGIN IMMEDIATE … COMMIT when they arrive at once", async () => {
    const store = await open();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, `agent-${i}`))),
      ),
    );
    expect(count("begin immediate")).toBe(1);
    expect(count("commit")).toBe(1);
    expect(committedAgents(outsider())).toHaveLength(10);
  });

  it("commits the others and drops only its own writes when one transaction of a batch throws", async () => {
    const store = await open();
    const reader = outsider();
    const failure = new Error("member B failed");
    let seenInsideC: { tx: boolean; outside: string[] } | undefined;
    const results = await Promise.allSettled([
      store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "agent-a"))),
      store.transaction(async (tx) => {
        await tx.agents.insert(makeAgent(TENANT, "agent-b"));
        await appendEvent(tx, "b");
        throw failure;
      }),
      store.transaction(async (tx) => {
        await tx.agents.insert(makeAgent(TENANT, "agent-c"));
        // Proof that A and C share a transaction: C sees A's row, another connection does not yet.
        seenInsideC = {
          tx: (await tx.agents.get(TENANT, "agent-a")) !== undefined,
          outside: committedAgents(reader),
        };
        return "c";
      }),
    ]);
    expect(results[0]).toEqual({ status: "fulfilled", value: undefined });
    expect(results[1]).toEqual({ status: "rejected", reason: failure });
    expect(results[1]?.status === "rejected" && results[1].reason).toBe(failure);
    expect(results[2]).toEqual({ status: "fulfilled", value: "c" });
    expect(seenInsideC).toEqual({ tx: true, outside: [] });
    expect(committedAgents(reader)).toEqual(["agent-a", "agent-c"]);
    expect(await store.read((tx) => tx.audit.lockHead(TENANT))).toMatchObject({ seq: 0 });
    expect(count("commit")).toBe(1);
  });

  it("settles each transaction only after its writes are committed when many run together", async () => {
    const store = await open();
    const reader = outsider();
    const visibleAtSettle = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store
          .transaction((tx) => tx.agents.insert(makeAgent(TENANT, `agent-${String(i).padStart(2, "0")}`)))
          .then(() => committedAgents(reader).includes(`agent-${String(i).padStart(2, "0")}`)),
      ),
    );
    expect(visibleAtSettle.every(Boolean)).toBe(true);
  });

  it("rejects every transaction of the batch when the shared COMMIT fails", async () => {
    const store = await open();
    await store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "agent-a")));
    const results = await Promise.allSettled([
      store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "agent-b"))),
      // The intents → agents foreign key is deferred: the missing agent fails COMMIT itself.
      store.transaction((tx) => tx.intents.insert(makeIntent(TENANT, "int_orphan", "no-such-agent"))),
      store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "agent-c"))),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const result of results) {
      expect(result.status === "rejected" && result.reason).toMatchObject({
        code: "SQLITE_CONSTRAINT_FOREIGNKEY",
      });
    }
    expect(committedAgents(outsider())).toEqual(["agent-a"]);
    // The connection is usable again afterwards.
    await store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "agent-d")));
    expect(committedAgents(outsider())).toEqual(["agent-a", "agent-d"]);
  });

  it("rejects the whole batch with the cause when SQLite ends the transaction under a member", async () => {
    const store = await open();
    const cause = new Error("statement ended the transaction");
    const results = await Promise.allSettled([
      store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "agent-a"))),
      store.transaction(async (tx) => {
        // What SQLITE_FULL or SQLITE_IOERR do: the whole transaction is gone.
        await sql`rollback`.execute(tx.db);
        throw cause;
      }),
      store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, "agent-c"))),
    ]);
    expect(results[0]).toEqual({ status: "rejected", reason: cause });
    expect(results[1]).toEqual({ status: "rejected", reason: cause });
    // The third never ran in the lost batch: it commits in the next one.
    expect(results[2]).toEqual({ status: "fulfilled", value: undefined });
    expect(committedAgents(outsider())).toEqual(["agent-c"]);
  });

  it("commits a policy change before the next transaction runs when a batch holds one", async () => {
    const store = await open();
    const reader = outsider();
    let committedBeforeNext: number | undefined;
    await Promise.all([
      store.transaction((tx) => tx.policies.insert(makePolicy(TENANT, "pol_1"))),
      store.transaction(async (tx) => {
        await tx.policies.revision(TENANT);
        committedBeforeNext = (
          reader.prepare("select count(*) as n from policies where tenant_id = ?").get(TENANT) as {
            n: number;
          }
        ).n;
      }),
    ]);
    // No later transaction may cache a revision that a failed shared COMMIT could still discard.
    expect(committedBeforeNext).toBe(1);
    expect(count("commit")).toBe(2);
  });

  it("splits waiting transactions into batches of the configured size when more are waiting", async () => {
    const store = await open({ maxTransactions: 4 });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, `agent-${i}`))),
      ),
    );
    expect(count("commit")).toBe(3);
    expect(committedAgents(outsider())).toHaveLength(10);
  });

  it("admits no further transaction into a batch when the batch has been open its time bound", async () => {
    const store = await open({ maxMs: 0 });
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.transaction((tx) => tx.agents.insert(makeAgent(TENANT, `agent-${i}`))),
      ),
    );
    expect(count("commit")).toBe(5);
    expect(committedAgents(outsider())).toHaveLength(5);
  });

  it("forms one valid audit chain when concurrent appends share batches and some roll back", async () => {
    const store = await open({ maxTransactions: 7 });
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        store.transaction(async (tx) => {
          await appendEvent(tx, `writer-${i}`);
          if (i % 4 === 1) throw new Error(`writer ${i} gives up`);
        }),
      ),
    );
    const kept = results.filter((r) => r.status === "fulfilled").length;
    expect(kept).toBe(22);
    const events = await store.read(async (tx) => {
      const all = [];
      for await (const batch of tx.audit.scan(TENANT)) all.push(...batch);
      return all;
    });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: kept }, (_, i) => i + 1));
    expect(events.map((e) => e.actor)).not.toContain("writer-1");
    expect(verifyChain(events)).toMatchObject({ valid: true, eventCount: kept });
  });

  it("resolves concurrent submissions of one idempotency key to one intent when they share a batch", async () => {
    const store = await open();
    const catalog = invoiceCatalog("low");
    const governor = createGovernor({ store, catalog, metrics: false });
    const actor: Actor = { tenantId: TENANT, id: "key_1", name: "bot", kind: "key" };
    await governor.registerAgent(actor, { id: "billing-agent", name: "Billing", domains: ["billing"] });
    statements.length = 0;
    const body = {
      type: "billing.send_invoice",
      domain: "billing",
      agentId: "billing-agent",
      params: { amount: 10 },
      idempotencyKey: "invoice-1",
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => governor.submit(actor, body)));
    expect(count("commit")).toBe(1);
    expect(new Set(results.map((r) => r.intent.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await governor.listIntents(TENANT)).total).toBe(1);
    expect(await governor.verifyAudit(TENANT)).toMatchObject({ valid: true });
  });

  describe("reads the members of a batch share", () => {
    /** Runs `members` as one batch (they are queued in the same tick) and checks it was one. */
    async function oneBatch<T>(store: KyselyStore, members: ((tx: KyselyTx) => Promise<T>)[]) {
      statements.length = 0;
      const results = await Promise.allSettled(members.map((member) => store.transaction(member)));
      expect(count("commit")).toBe(1);
      return results;
    }
    const tierOf = async (tx: KyselyTx): Promise<Agent["trustTier"] | undefined> =>
      (await tx.agents.get(TENANT, "agent-a"))?.trustTier;
    /** What each member returned, or false for a member that threw. */
    const outcomes = (results: PromiseSettledResult<unknown>[]) =>
      results.map((r) => r.status === "fulfilled" && r.value);

    /** A store whose tenant has agent-a, at T0. */
    async function withAgent(): Promise<{ store: KyselyStore; agent: Agent }> {
      const store = await open();
      const agent = makeAgent(TENANT, "agent-a");
      await store.transaction((tx) => tx.agents.insert(agent));
      return { store, agent };
    }

    it("reads an agent, the rule revisions, the audit head and the subscriptions once per batch", async () => {
      const store = await open();
      await store.transaction(async (tx) => {
        await tx.agents.insert(makeAgent(TENANT, "agent-a"));
        await appendEvent(tx, "before"); // the tenant's head exists from here on
      });
      await oneBatch(
        store,
        Array.from({ length: 5 }, (_, i) => async (tx: KyselyTx) => {
          expect(await tierOf(tx)).toBe("T0");
          await tx.policies.rulesRevisions?.(TENANT);
          await appendEvent(tx, `member-${i}`);
          await tx.outbox.enqueue([submitted()]);
        }),
      );
      expect(count(AGENT_READ)).toBe(1);
      expect(count('select "kind", "revision" from "tenant_revisions" where "tenant_id" = ?')).toBe(1);
      expect(count('select "seq", "hash" from "audit_heads" where "tenant_id" = ?')).toBe(1);
      expect(
        count('select "events" from "webhook_endpoints" where "tenant_id" = ? and "disabled_at" is null'),
      ).toBe(1);
      const events = await store.read(async (tx) => {
        const all = [];
        for await (const batch of tx.audit.scan(TENANT)) all.push(...batch);
        return all;
      });
      expect(verifyChain(events)).toMatchObject({ valid: true, eventCount: 6 });
    });

    it("shows a member the agent an earlier member of its batch changed", async () => {
      const { store, agent } = await withAgent();
      const results = await oneBatch(store, [
        tierOf,
        async (tx) => {
          await tx.agents.update({ ...agent, trustTier: "T2" });
          return tierOf(tx);
        },
        tierOf,
      ]);
      expect(outcomes(results)).toEqual(["T0", "T2", "T2"]);
    });

    it("forgets what a member read and wrote when that member rolls back", async () => {
      const { store, agent } = await withAgent();
      const results = await oneBatch(store, [
        tierOf,
        async (tx) => {
          await tx.agents.update({ ...agent, trustTier: "T3" });
          expect(await tierOf(tx)).toBe("T3");
          throw new Error("changed its mind");
        },
        tierOf,
      ]);
      expect(outcomes(results)).toEqual(["T0", false, "T0"]);
      expect(count(AGENT_READ)).toBe(3);
    });

    it("forgets a table's rows when a member writes it with raw SQL", async () => {
      const { store } = await withAgent();
      const results = await oneBatch(store, [
        tierOf,
        async (tx) => {
          await sql`update agents set trust_tier = 'T1' where tenant_id = ${TENANT}`.execute(tx.db);
          return tierOf(tx);
        },
      ]);
      expect(outcomes(results)).toEqual(["T0", "T1"]);
    });

    it("enqueues a later member's events for an endpoint an earlier member of the batch created", async () => {
      const store = await open();
      await store.tenants.ensure(TENANT, "Group");
      const results = await oneBatch(store, [
        (tx) => tx.outbox.enqueue([submitted()]),
        async (tx) => {
          await tx.webhooks.endpoints.insert(makeEndpoint(TENANT, { events: ["intent.submitted"] }));
          return [];
        },
        (tx) => tx.outbox.enqueue([submitted()]),
      ]);
      expect(outcomes(results).map((value) => (value as unknown[]).length)).toEqual([0, 0, 1]);
    });
  });
});
