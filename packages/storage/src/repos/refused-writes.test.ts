import { buildAuditEvents, GENESIS_HASH } from "@intendedops/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS, makeAgent, makeIntent, randomSuffix, type TestStore } from "../test-fixtures";

/**
 * docs/storage.md ("Conflicts"): inserts check the row count instead of catching the violation so
 * that a refused write leaves the transaction as it was, on both dialects alike. The fused
 * PostgreSQL statements write before they know whether the write is refused.
 */
describe.each(DIALECTS)("a refused write writes nothing (%s)", (_dialect, open) => {
  let ctx: TestStore;
  beforeAll(async () => {
    ctx = await open();
  });
  afterAll(() => ctx.dispose());

  it("a duplicate ambient intent (CONFLICT) leaves its cluster rollup untouched", async () => {
    const { store } = ctx;
    const tenantId = `rv_${randomSuffix()}`;
    await store.tenants.ensure(tenantId, tenantId);
    const intent = makeIntent(tenantId, `int_${randomSuffix()}`, "agent-1");
    await store.transaction(async (tx) => {
      await tx.agents.insert(makeAgent(tenantId, "agent-1"));
      await tx.intents.insert(intent);
      // The caller sees CONFLICT and carries on in the same transaction.
      await expect(tx.intents.insert(intent)).rejects.toMatchObject({ code: "CONFLICT" });
    });
    const { rows } = await sql<{ intent_count: number }>`
      select intent_count from ambient_clusters where tenant_id = ${tenantId}`.execute(store.db);
    expect(rows.map((r) => Number(r.intent_count))).toEqual([1]);
  });

  it.each([
    ["skips a seq", { seq: 2, hash: GENESIS_HASH }],
    ["links to another hash", { seq: 1, hash: "f".repeat(64) }],
  ])("an append refused because it %s stores no event, and the chain takes the next one", async (_, from) => {
    const { store } = ctx;
    const tenantId = `rv_${randomSuffix()}`;
    await store.tenants.ensure(tenantId, tenantId);
    const draft = { eventType: "x", actor: "a", data: {} };
    await store.transaction(async (tx) => {
      const head = await tx.audit.lockHead(tenantId);
      await tx.audit.append(tenantId, buildAuditEvents(head, [draft], { tenantId, now: 0 }));
    });
    await store.transaction(async (tx) => {
      await tx.audit.lockHead(tenantId);
      const refused = buildAuditEvents(from, [draft], { tenantId, now: 0 });
      // The caller sees the refusal and commits what else it did.
      await expect(tx.audit.append(tenantId, refused)).rejects.toMatchObject({ code: "INTERNAL_ERROR" });
    });
    const seqs = async () => {
      const { rows } = await sql<{ seq: number }>`
        select seq from audit_events where tenant_id = ${tenantId} order by seq`.execute(store.db);
      return rows.map((r) => Number(r.seq));
    };
    expect(await seqs()).toEqual([1]);
    await store.transaction(async (tx) => {
      const head = await tx.audit.lockHead(tenantId);
      await tx.audit.append(tenantId, buildAuditEvents(head, [draft, draft], { tenantId, now: 0 }));
    });
    expect(await seqs()).toEqual([1, 2, 3]);
    expect(await store.read((tx) => tx.audit.lockHead(tenantId))).toMatchObject({ seq: 3 });
  });
});
