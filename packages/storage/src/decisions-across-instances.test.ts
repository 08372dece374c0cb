import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Actor, createGovernor, type Governor } from "@intendedops/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore } from "./create-store";
import type { KyselyStore } from "./kysely-store";
import {
  billingTenant,
  invoiceBody,
  invoiceCatalog,
  keyActor,
  makeEndpoint,
  openPostgresTestStore,
  type TestStore,
} from "./test-fixtures";

/**
 * The approval and outcome lifecycle under concurrency, with two "server instances" (two stores,
 * two governors, each with its own connections) on one PostgreSQL schema or one SQLite file: each
 * race ends in one decision with one set of rows, events and trust changes, and a valid chain.
 */

const catalog = invoiceCatalog("medium");
const START = Date.parse("2026-01-15T10:30:00.000Z");

async function openSqliteFilePair(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), "decisions-across-instances-"));
  const url = `file:${join(dir, "db.sqlite")}`;
  const store = await createStore({ url });
  return {
    store,
    sameDatabase: { url },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const BACKENDS: [string, () => Promise<TestStore>][] = [
  ["postgres", () => openPostgresTestStore({ poolSize: 8 })],
  ["sqlite file", openSqliteFilePair],
];

describe.each(BACKENDS)("approval and outcome races, two instances on one %s database", (dialect, open) => {
  let ctx: TestStore;
  let storeA: KyselyStore;
  let storeB: KyselyStore;
  let a: Governor;
  let b: Governor;
  const clock = { now: START };

  beforeAll(async () => {
    ctx = await open();
    storeA = ctx.store;
    storeB = await createStore({ ...ctx.sameDatabase, ...(dialect === "postgres" ? { poolSize: 8 } : {}) });
    a = createGovernor({ store: storeA, catalog, clock: () => clock.now, metrics: false });
    b = createGovernor({ store: storeB, catalog, clock: () => clock.now, metrics: false });
  });
  afterAll(async () => {
    await storeB?.close();
    await ctx?.dispose();
  });

  async function tenant(approvers = 1) {
    const { tenantId, agentKey } = await billingTenant(a);
    const approverKeys = ["alice", "bob", "carol", "dave"].map((name) => keyActor(tenantId, name));
    await a.createPolicy(agentKey, {
      name: "Review invoices",
      effect: "require_approval",
      match: { types: ["billing.send_invoice"] },
      approval: { approvers, expiresInSeconds: 600 },
    });
    await storeA.webhooks.endpoints.insert(makeEndpoint(tenantId, { events: ["*"] }));
    return { tenantId, agentKey, approverKeys };
  }

  async function counts(tenantId: string, intentId: string) {
    const db = storeA.db;
    const audit = await db
      .selectFrom("audit_events")
      .select(["event_type"])
      .where("tenant_id", "=", tenantId)
      .where("intent_id", "=", intentId)
      .execute();
    const outbox = await sql<{ event: string }>`
      select event from outbox_events where tenant_id = ${tenantId} and ${
        dialect === "postgres" ? sql`data->>'intentId'` : sql`json_extract(data, '$.intentId')`
      } = ${intentId}`.execute(db);
    const trust = await db
      .selectFrom("trust_changes")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("intent_id", "=", intentId)
      .execute();
    const values = await db
      .selectFrom("value_records")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("intent_id", "=", intentId)
      .execute();
    const tally = (xs: string[]) => {
      const counts: Record<string, number> = {};
      for (const x of xs) counts[x] = (counts[x] ?? 0) + 1;
      return counts;
    };
    return {
      audit: tally(audit.map((r) => r.event_type)),
      outbox: tally(outbox.rows.map((r) => r.event)),
      trust: trust.length,
      values: values.length,
    };
  }

  it("approve on one instance racing reject on the other: one decision, one set of events", async () => {
    const { tenantId, agentKey, approverKeys } = await tenant();
    const [alice, bob] = approverKeys as [Actor, Actor];
    for (let round = 0; round < 15; round++) {
      const { intent, approval } = await a.submit(agentKey, invoiceBody(round));
      const results = await Promise.allSettled([
        a.approve(alice, approval!.id),
        b.reject(bob, approval!.id, "no"),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of results)
        if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "ALREADY_RESOLVED" });
      const final = await a.getIntent(tenantId, intent.id);
      expect(final.approval?.status).toBe(final.intent.status);
      const c = await counts(tenantId, intent.id);
      const decided = (c.audit["intent.approved"] ?? 0) + (c.audit["intent.rejected"] ?? 0);
      expect(decided).toBe(1);
      expect((c.outbox["intent.approved"] ?? 0) + (c.outbox["intent.rejected"] ?? 0)).toBe(1);
      expect(c.trust).toBe(final.intent.status === "rejected" ? 1 : 0);
    }
    expect(await a.verifyAudit(tenantId)).toMatchObject({ valid: true });
  });

  it("three approvers of a three-approver approval voting at once on two instances: all counted once, approved once", async () => {
    const { tenantId, agentKey, approverKeys } = await tenant(3);
    const [alice, bob, carol] = approverKeys as [Actor, Actor, Actor];
    for (let round = 0; round < 10; round++) {
      const { intent, approval } = await a.submit(agentKey, invoiceBody(round));
      const results = await Promise.allSettled([
        a.approve(alice, approval!.id),
        b.approve(bob, approval!.id),
        a.approve(carol, approval!.id),
        b.approve(alice, approval!.id), // alice again, other instance
      ]);
      const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
      expect(errors).toHaveLength(1);
      // alice's second vote: CONFLICT while pending, ALREADY_RESOLVED once the others approved it.
      expect(["CONFLICT", "ALREADY_RESOLVED"]).toContain(errors[0].code);
      const final = await a.getIntent(tenantId, intent.id);
      expect(final.intent.status).toBe("approved");
      expect(final.approval?.votes.map((v) => v.by).sort()).toEqual(["key_alice", "key_bob", "key_carol"]);
      const c = await counts(tenantId, intent.id);
      expect(c.audit["intent.approved"]).toBe(1);
      expect(c.audit["approval.vote_recorded"]).toBe(2);
      expect(c.outbox["intent.approved"]).toBe(1);
    }
    expect(await a.verifyAudit(tenantId)).toMatchObject({ valid: true });
  });

  it("approve racing the expiry job of another instance: one resolution, consistent rows", async () => {
    const { tenantId, agentKey, approverKeys } = await tenant();
    const [alice] = approverKeys as [Actor];
    for (let round = 0; round < 15; round++) {
      clock.now = START;
      const { intent, approval } = await a.submit(agentKey, invoiceBody(round));
      const expiresAt = Date.parse(approval!.expiresAt!);
      // The approver read the clock just before the deadline; the job runs just after it.
      clock.now = expiresAt - 1;
      const results = await Promise.allSettled([a.approve(alice, approval!.id), b.expireDue(expiresAt + 1)]);
      clock.now = START;
      expect(results[1].status).toBe("fulfilled");
      const final = await a.getIntent(tenantId, intent.id);
      expect(final.approval?.status).toBe(final.intent.status);
      const c = await counts(tenantId, intent.id);
      expect((c.audit["intent.approved"] ?? 0) + (c.audit["intent.expired"] ?? 0)).toBe(1);
      expect((c.outbox["intent.approved"] ?? 0) + (c.outbox["intent.expired"] ?? 0)).toBe(1);
      if (results[0].status === "fulfilled") expect(final.intent.status).toBe("approved");
      else {
        expect(results[0].reason).toMatchObject({ code: "ALREADY_RESOLVED" });
        expect(final.intent.status).toBe("expired");
      }
    }
    expect(await a.verifyAudit(tenantId)).toMatchObject({ valid: true });
  });

  it("two expiry jobs on two instances expire each approval once", async () => {
    const { tenantId, agentKey } = await tenant();
    clock.now = START;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await a.submit(agentKey, invoiceBody(i))).intent.id);
    const later = START + 601_000;
    const [x, y] = await Promise.all([a.expireDue(later), b.expireDue(later)]);
    expect(x + y).toBeGreaterThanOrEqual(20);
    for (const id of ids) {
      const c = await counts(tenantId, id);
      expect(c.audit["intent.expired"]).toBe(1);
      expect(c.outbox["intent.expired"]).toBe(1);
    }
    expect(await a.verifyAudit(tenantId)).toMatchObject({ valid: true });
  });

  it("complete racing fail and a second complete on two instances: one outcome, one trust move, one value", async () => {
    const { tenantId, agentKey, approverKeys } = await tenant();
    const [alice] = approverKeys as [Actor];
    for (let round = 0; round < 15; round++) {
      const { intent, approval } = await a.submit(agentKey, invoiceBody(round));
      await a.approve(alice, approval!.id);
      const results = await Promise.allSettled([
        a.complete(agentKey, intent.id, { value: { cents: 100, category: "revenue" } }),
        b.fail(agentKey, intent.id, { error: "boom" }),
        b.complete(agentKey, intent.id, { value: { cents: 100, category: "revenue" } }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results)
        if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "INVALID_STATE" });
      const final = await a.getIntent(tenantId, intent.id);
      const c = await counts(tenantId, intent.id);
      expect((c.audit["intent.completed"] ?? 0) + (c.audit["intent.failed"] ?? 0)).toBe(1);
      expect((c.outbox["intent.completed"] ?? 0) + (c.outbox["intent.failed"] ?? 0)).toBe(1);
      expect(c.trust).toBeLessThanOrEqual(1);
      expect(c.values).toBe(final.intent.status === "completed" ? 1 : 0);
    }
    // The trust history chains: each change starts where the previous one ended.
    const changes = await storeA.db
      .selectFrom("trust_changes")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .orderBy("at")
      .orderBy("id")
      .execute();
    for (let i = 1; i < changes.length; i++) expect(changes[i]!.from_score).toBe(changes[i - 1]!.to_score);
    const agent = await a.getAgent(tenantId, "billing-agent");
    expect(agent.trustScore).toBe(changes.at(-1)?.to_score);
    expect(await a.verifyAudit(tenantId)).toMatchObject({ valid: true });
  });
});
