import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, makeIntent, openPostgresTestStore, randomSuffix, type TestStore } from "../test-fixtures";
import { isStaleStatement } from "./postgres-named-statements";

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
    expect(prepared.some((s) => /^intendedops_0_[0-9a-f]{24}: select \*.* from "agents"/.test(s))).toBe(true);
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
    expect(prepared.some((s) => /^intendedops_1_[0-9a-f]{24}: select \*.* from "agents"/.test(s))).toBe(true);
  });

  it("prepares again after another instance changes a column's type: at most one run fails", async () => {
    const { test, tenantId } = await withAgent();
    // Prepares the intent insert on the one pooled connection.
    await test.store.transaction((tx) => tx.intents.insert(makeIntent(tenantId, "int_0", "agent-1")));
    // A later version's migration that this code still works with: risk_level becomes an enum.
    // PostgreSQL keeps the parameter types the prepared insert was parsed with (text).
    await sql`create type risk_level_t as enum ('low', 'medium', 'high', 'critical')`.execute(test.store.db);
    await sql`alter table intents alter column risk_level type risk_level_t using risk_level::risk_level_t`.execute(
      test.store.db,
    );
    const runs: string[] = [];
    for (let i = 1; i <= 3; i++) {
      runs.push(
        await test.store
          .transaction((tx) => tx.intents.insert(makeIntent(tenantId, `int_${i}`, "agent-1")))
          .then(
            () => "ok",
            (error: { code?: string }) => `failed ${error.code}`,
          ),
      );
    }
    expect(runs).toEqual(["failed 42804", "ok", "ok"]);
  });

  it("tells the stale plan's 0A000 apart by the routine that raised it, whatever the message's language", async () => {
    const { test } = await withAgent();
    await sql`create table plan_probe (id text primary key)`.execute(test.store.db);
    const client = new pg.Client({
      connectionString: test.sameDatabase?.url,
      options: `-c search_path=${test.sameDatabase?.schema}`,
    });
    await client.connect();
    try {
      const probe = { name: "plan_probe", text: "select * from plan_probe where id = $1", values: ["x"] };
      await client.query(probe);
      await client.query("alter table plan_probe add column extra text");
      const error = await client.query(probe).then(
        () => undefined,
        (e: unknown) => e as pg.DatabaseError,
      );
      expect(error).toMatchObject({ code: "0A000", routine: "RevalidateCachedQuery" });
      expect(isStaleStatement(error)).toBe(true);
      // A server with lc_messages = 'de_DE.UTF-8' words it so; the code and routine stay.
      expect(
        isStaleStatement({ ...error, message: "gecachter Plan darf den Ergebnistyp nicht ändern" }),
      ).toBe(true);
      // Another 0A000 is an error like any other.
      expect(isStaleStatement({ code: "0A000", routine: "transformInsertStmt" })).toBe(false);
    } finally {
      await client.end();
    }
  });
});
