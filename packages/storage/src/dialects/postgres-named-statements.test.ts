import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, openPostgresTestStore, randomSuffix, type TestStore } from "../test-fixtures";

/**
 * The store's prepared SQL runs as named statements on PostgreSQL: parsed and planned once per
 * pooled connection (postgres-named-statements.ts). Other SQL stays unnamed, and a statement a
 * migration or a pooler made stale is prepared again under a new name.
 */
describe("named statements (postgres)", () => {
  let ctx: TestStore | undefined;
  afterEach(async () => {
    await ctx?.dispose();
    ctx = undefined;
  });

  /** The statements prepared on the connection of the transaction, after an agent lookup. */
  async function preparedAfterLookup(test: TestStore, tenantId: string): Promise<string[]> {
    return test.store.transaction(async (tx) => {
      await tx.agents.get(tenantId, "agent-1");
      const { rows } = await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements`.execute(tx.db);
      return rows.map((row) => `${row.name}: ${row.statement}`);
    });
  }

  async function withAgent(options: Parameters<typeof openPostgresTestStore>[0] = {}) {
    ctx = await openPostgresTestStore({ poolSize: 1, ...options });
    const tenantId = `ns_${randomSuffix()}`;
    await ctx.store.tenants.ensure(tenantId, tenantId);
    await ctx.store.transaction((tx) => tx.agents.insert(makeAgent(tenantId, "agent-1")));
    return { test: ctx, tenantId };
  }

  it("prepares the store's prepared SQL once per connection, and nothing else", async () => {
    const { test, tenantId } = await withAgent();
    const prepared = await preparedAfterLookup(test, tenantId);
    expect(prepared.some((s) => /^intendedops_0_\d+: select \*.* from "agents"/.test(s))).toBe(true);
    // Kysely's own queries (the insert above, list reads) are not named.
    expect(prepared.every((s) => s.startsWith("intendedops_"))).toBe(true);
    expect(prepared.some((s) => s.includes('insert into "agents"'))).toBe(false);
    // Run again, the same statement is used, not a second one.
    expect(await preparedAfterLookup(test, tenantId)).toEqual(prepared);
  });

  it("prepares nothing with preparedStatements: false (for a pooler in transaction mode)", async () => {
    const { test, tenantId } = await withAgent({ preparedStatements: false });
    expect(await preparedAfterLookup(test, tenantId)).toEqual([]);
  });

  it.each([
    [
      "a migration of another instance changes a table its `select *` reads (0A000)",
      sql`alter table agents add column added_by_a_later_version text`,
    ],
    ["a pooler deallocates the connection's statements (26000)", sql`deallocate all`],
  ])("prepares a statement again when %s: one run fails, the next succeeds", async (_name, change) => {
    const { test, tenantId } = await withAgent();
    await preparedAfterLookup(test, tenantId);
    // On the one pooled connection, outside a transaction.
    await change.execute(test.store.db);
    await expect(test.store.transaction((tx) => tx.agents.get(tenantId, "agent-1"))).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
    });
    const agent = await test.store.transaction((tx) => tx.agents.get(tenantId, "agent-1"));
    expect(agent?.id).toBe("agent-1");
    const prepared = await preparedAfterLookup(test, tenantId);
    expect(prepared.some((s) => /^intendedops_1_\d+: select \*.* from "agents"/.test(s))).toBe(true);
  });
});
