import { describe, expect, it } from "vitest";
import { DIALECTS, makeAgent, makeIntention, makePolicy, statementLoggedStore } from "../test-fixtures";

const readsRevisions = (statement: string) => statement.includes('"tenant_revisions"');

describe.each(DIALECTS)("rule revisions read with the agent (%s)", (dialect, open) => {
  const logged = statementLoggedStore(open);
  const newTenant = async () => {
    const tenantId = await logged.newTenant("rev");
    await logged.store.transaction((tx) => tx.agents.insert(makeAgent(tenantId, "agent-1")));
    return tenantId;
  };

  it("answers the revisions the tenant has, asking the database once per transaction", async () => {
    const tenantId = await newTenant();
    await logged.store.transaction(async (tx) => {
      await tx.policies.insert(makePolicy(tenantId, `pol_1_${tenantId}`));
      await tx.policies.insert(makePolicy(tenantId, `pol_2_${tenantId}`));
      await tx.intentions.insert(makeIntention(tenantId, `int_1_${tenantId}`, "first"));
    });
    logged.statements.length = 0;
    const revisions = await logged.store.transaction(async (tx) => {
      expect((await tx.agents.get(tenantId, "agent-1"))?.id).toBe("agent-1");
      return tx.policies.rulesRevisions?.(tenantId);
    });
    expect(revisions).toEqual({ policies: 2, intentions: 1 });
    const reads = logged.statements.filter(readsRevisions);
    expect(reads).toHaveLength(1);
    // PostgreSQL reads them in the agent lookup itself: one round trip fewer per submission.
    if (dialect === "postgres") expect(reads[0]).toContain('from "agents"');
    else expect(reads[0]).not.toContain('"agents"');
  });

  it("answers zeros for a tenant that never changed its rules", async () => {
    const tenantId = await newTenant();
    const revisions = await logged.store.transaction(async (tx) => {
      await tx.agents.get(tenantId, "agent-1");
      return tx.policies.rulesRevisions?.(tenantId);
    });
    expect(revisions).toEqual({ policies: 0, intentions: 0 });
  });

  it("sees the transaction's own policy and intention changes made after the agent lookup", async () => {
    const tenantId = await newTenant();
    const [afterPolicy, afterIntention] = await logged.store.transaction(async (tx) => {
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
    logged.statements.length = 0;
    await logged.store.transaction(async (tx) => {
      await tx.agents.get(tenantId, "agent-1");
      await tx.policies.rulesRevisions?.(tenantId);
      await tx.policies.rulesRevisions?.(tenantId);
    });
    // The second read asks again, wherever the first was answered from.
    expect(logged.statements.filter(readsRevisions)).toHaveLength(dialect === "postgres" ? 2 : 1);
  });

  it("leaves the revisions to their own read when the agent does not exist, or is locked", async () => {
    const tenantId = await newTenant();
    await logged.store.transaction((tx) => tx.policies.insert(makePolicy(tenantId, `pol_1_${tenantId}`)));
    const revisions = await logged.store.transaction(async (tx) => {
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
    const inTransaction = await logged.store.transaction((tx) => tx.agents.get(tenantId, "agent-1"));
    expect(inTransaction).toEqual(await logged.store.read((tx) => tx.agents.get(tenantId, "agent-1")));
    expect(inTransaction).not.toHaveProperty("tenant_policies_revision");
  });
});
