import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KyselyStore } from "../kysely-store";
import {
  DIALECTS,
  makeAgent,
  makeIntention,
  makePolicy,
  randomSuffix,
  type TestStore,
} from "../test-fixtures";

/** Every statement the store runs, from its query log (slowQueryMs 0 logs them all). */
function statementLog() {
  const statements: string[] = [];
  const record = (entry: { sql?: string }) => {
    if (entry.sql) statements.push(entry.sql);
  };
  return { statements, logger: { debug: record, warn: record } };
}

const readsRevisions = (statement: string) => statement.includes('"tenant_revisions"');

describe.each(DIALECTS)("rule revisions read with the agent (%s)", (dialect, open) => {
  let ctx: TestStore;
  let store: KyselyStore;
  const log = statementLog();
  const newTenant = async () => {
    const tenantId = `rev_${randomSuffix()}`;
    await store.tenants.ensure(tenantId, tenantId);
    await store.transaction((tx) => tx.agents.insert(makeAgent(tenantId, "agent-1")));
    return tenantId;
  };

  beforeAll(async () => {
    ctx = await open({ logger: log.logger, slowQueryMs: 0 });
    store = ctx.store;
  });
  afterAll(() => ctx.dispose());
  beforeEach(() => {
    log.statements.length = 0;
  });

  it("answers the revisions the tenant has, asking the database once per transaction", async () => {
    const tenantId = await newTenant();
    await store.transaction(async (tx) => {
      await tx.policies.insert(makePolicy(tenantId, `pol_1_${tenantId}`));
      await tx.policies.insert(makePolicy(tenantId, `pol_2_${tenantId}`));
      await tx.intentions.insert(makeIntention(tenantId, `int_1_${tenantId}`, "first"));
    });
    log.statements.length = 0;
    const revisions = await store.transaction(async (tx) => {
      expect((await tx.agents.get(tenantId, "agent-1"))?.id).toBe("agent-1");
      return tx.policies.rulesRevisions?.(tenantId);
    });
    expect(revisions).toEqual({ policies: 2, intentions: 1 });
    const reads = log.statements.filter(readsRevisions);
    expect(reads).toHaveLength(1);
    // PostgreSQL reads them in the agent lookup itself: one round trip fewer per submission.
    if (dialect === "postgres") expect(reads[0]).toContain('from "agents"');
    else expect(reads[0]).not.toContain('"agents"');
  });

  it("answers zeros for a tenant that never changed its rules", async () => {
    const tenantId = await newTenant();
    const revisions = await store.transaction(async (tx) => {
      await tx.agents.get(tenantId, "agent-1");
      return tx.policies.rulesRevisions?.(tenantId);
    });
    expect(revisions).toEqual({ policies: 0, intentions: 0 });
  });

  it("sees the transaction's own policy and intention changes made after the agent lookup", async () => {
    const tenantId = await newTenant();
    const [afterPolicy, afterIntention] = await store.transaction(async (tx) => {
      await tx.agents.get(tenantId, "agent-1");
      await tx.policies.insert(makePolicy(tenantId, `pol_1_${tenantId}`));
      const first = await tx.policies.rulesRevisions?.(tenantId);
      await tx.agents.get(tenantId, "agent-1");
      await tx.intentions.insert(makeIntention(tenantId, `int_1_${tenantId}`, "first"));
      return [first, await tx.policies.rulesRevisions?.(tenantId)];
    });
    expect(afterPolicy).toEqual({ policies: 1, intentions: 0 });
    expect(afterIntention).toEqual({ policies: 1, intentions: 1 });
  });

  it("hands what one lookup read to one revisions read only", async () => {
    const tenantId = await newTenant();
    log.statements.length = 0;
    await store.transaction(async (tx) => {
      await tx.agents.get(tenantId, "agent-1");
      await tx.policies.rulesRevisions?.(tenantId);
      await tx.policies.rulesRevisions?.(tenantId);
    });
    // The second read asks again, wherever the first was answered from.
    expect(log.statements.filter(readsRevisions)).toHaveLength(dialect === "postgres" ? 2 : 1);
  });

  it("leaves the revisions to their own read when the agent does not exist, or is locked", async () => {
    const tenantId = await newTenant();
    await store.transaction((tx) => tx.policies.insert(makePolicy(tenantId, `pol_1_${tenantId}`)));
    const revisions = await store.transaction(async (tx) => {
      expect(await tx.agents.get(tenantId, "no-such-agent")).toBeUndefined();
      const missing = await tx.policies.rulesRevisions?.(tenantId);
      expect((await tx.agents.get(tenantId, "agent-1", { forUpdate: true }))?.id).toBe("agent-1");
      return [missing, await tx.policies.rulesRevisions?.(tenantId)];
    });
    expect(revisions).toEqual([
      { policies: 1, intentions: 0 },
      { policies: 1, intentions: 0 },
    ]);
  });

  it("answers the same agent as the plain lookup", async () => {
    const tenantId = await newTenant();
    const inTransaction = await store.transaction((tx) => tx.agents.get(tenantId, "agent-1"));
    expect(inTransaction).toEqual(await store.read((tx) => tx.agents.get(tenantId, "agent-1")));
    expect(inTransaction).not.toHaveProperty("tenant_policies_revision");
  });
});
