import { createGovernor, type Governor } from "@intendedops/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const catalog = invoiceCatalog("medium");
const START = Date.parse("2026-01-15T10:30:00.000Z");
const TABLES = ["outbox_events", "audit_events", "trust_changes", "value_records"] as const;

describe("a statement failing late in a decision or outcome leaves no trace (PostgreSQL)", () => {
  let ctx: TestStore;
  let store: KyselyStore;
  let gov: Governor;
  beforeAll(async () => {
    ctx = await openPostgresTestStore({ poolSize: 4 });
    store = ctx.store;
    gov = createGovernor({ store, catalog, clock: () => START, metrics: false });
    await sql`create table injected_fail (tbl text primary key)`.execute(store.db);
    await sql`create function injected_fail_fn() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from injected_fail where tbl = tg_table_name) then
          raise exception 'injected failure on %', tg_table_name;
        end if;
        return new;
      end $$`.execute(store.db);
    for (const t of TABLES)
      await sql`create trigger injected_fail_trg before insert on ${sql.table(t)} for each row execute function injected_fail_fn()`.execute(
        store.db,
      );
  });
  afterAll(async () => {
    await ctx?.dispose();
  });

  /** A Billing Agent tenant with a webhook endpoint subscribed to every event (outbox rows too). */
  async function billingTenantWithEndpoint() {
    const created = await billingTenant(gov);
    await store.webhooks.endpoints.insert(makeEndpoint(created.tenantId, { events: ["*"] }));
    return created;
  }

  async function snapshot(tenantId: string) {
    const rows = async (t: string) =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.table(t)} where tenant_id = ${tenantId}`.execute(store.db)
      ).rows[0]!.n;
    return {
      intents: await store.db
        .selectFrom("intents")
        .select(["id", "status", "updated_at"])
        .where("tenant_id", "=", tenantId)
        .orderBy("id")
        .execute(),
      approvals: await store.db
        .selectFrom("approvals")
        .select(["id", "status", "votes"])
        .where("tenant_id", "=", tenantId)
        .orderBy("id")
        .execute(),
      agent: await store.db.selectFrom("agents").selectAll().where("tenant_id", "=", tenantId).execute(),
      head: await store.db.selectFrom("audit_heads").selectAll().where("tenant_id", "=", tenantId).execute(),
      counts: Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await rows(t)]))),
    };
  }

  for (const table of TABLES) {
    it(`rolls back approve, reject, complete, fail and expiry whole when an insert into ${table} fails`, async () => {
      const { tenantId, agentKey } = await billingTenantWithEndpoint();
      const alice = keyActor(tenantId, "alice");
      const submit = (n: number) => gov.submit(agentKey, invoiceBody(n, 5));
      const p1 = await submit(1);
      const p2 = await submit(2);
      const p3 = await submit(3);
      await gov.approve(alice, p3.approval!.id);
      const before = await snapshot(tenantId);
      await sql`insert into injected_fail values (${table})`.execute(store.db);
      try {
        const ops: [string, () => Promise<unknown>][] = [
          ["approve", () => gov.approve(alice, p1.approval!.id)],
          ["reject", () => gov.reject(alice, p2.approval!.id, "no")],
          [
            "complete",
            () => gov.complete(agentKey, p3.intent.id, { value: { cents: 5, category: "revenue" } }),
          ],
          ["fail", () => gov.fail(agentKey, p3.intent.id, { error: "x" })],
        ];
        for (const [, op] of ops) await op().catch(() => undefined);
        await gov.expireDue(START + 100 * 3600_000).catch(() => undefined);
        // expireDue rejects on the first failed expiration while its siblings are still running
        // (Promise.all): let them finish before the failure is disarmed.
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        await sql`delete from injected_fail`.execute(store.db);
      }
      const after = await snapshot(tenantId);
      // Only operations that do not write the failing table may have committed.
      if (table === "audit_events") expect(after).toEqual(before);
      expect(await gov.verifyAudit(tenantId)).toMatchObject({ valid: true });
      if (table === "outbox_events") expect(after).toEqual(before);
      if (table === "trust_changes") {
        // reject and fail move trust (and write a change); their rows must be untouched.
        expect(after.intents.find((i) => i.id === p2.intent.id)?.status).not.toBe("rejected");
        expect(after.intents.find((i) => i.id === p3.intent.id)?.status).toBe("approved");
        expect(after.counts.trust_changes).toBe(before.counts.trust_changes);
      }
      if (table === "value_records") {
        expect(after.counts.value_records).toBe(0);
      }
    });
  }

  it("expireDue settles only once every expiration it started has ended, even when one fails (regression: Promise.all left the others running)", async () => {
    const { tenantId, agentKey } = await billingTenantWithEndpoint();
    const submit = (n: number) => gov.submit(agentKey, invoiceBody(n, 5));
    const failing = await submit(1);
    const slow = await submit(2);
    // One expiration hits an unexpected database error (not an IntendedOpsError), the other is slow.
    await sql`create or replace function injected_slow_fn() returns trigger language plpgsql as $$
      begin
        if new.data->>'intentId' = ${sql.lit(failing.intent.id)} then raise exception 'unexpected'; end if;
        if new.data->>'intentId' = ${sql.lit(slow.intent.id)} then perform pg_sleep(1); end if;
        return new;
      end $$`.execute(store.db);
    await sql`create trigger injected_slow_trg before insert on outbox_events for each row execute function injected_slow_fn()`.execute(
      store.db,
    );
    try {
      await expect(gov.expireDue(START + 100 * 3600_000)).rejects.toThrow(/unexpected/);
      const atSettle = await gov.getIntent(tenantId, slow.intent.id);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const later = await gov.getIntent(tenantId, slow.intent.id);
      expect(later.intent.status).toBe("expired");
      // The run had not settled while this expiration was in flight: the registry would have
      // started the next run, or shutdown closed the store, under it.
      expect(atSettle.intent.status).toBe("expired");
    } finally {
      await sql`drop trigger injected_slow_trg on outbox_events`.execute(store.db);
    }
  });
});
