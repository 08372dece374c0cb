import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_RUNS } from "../kysely-store";
import { makeAgent, makeIntent, openPostgresTestStore, randomSuffix, type TestStore } from "../test-fixtures";
import { isStaleStatement, POOLER_SYMPTOMS_BEFORE_UNNAMED } from "./postgres-named-statements";

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
  ])(
    "prepares a statement again when %s, and runs the transaction again: nothing fails",
    async (_name, change) => {
      const { test, tenantId } = await withAgent();
      await preparedAfterLookup(test, tenantId);
      // On the one pooled connection, outside a transaction.
      await change.execute(test.store.db);
      let runs = 0;
      const agent = await test.store.transaction((tx) => {
        runs += 1;
        return tx.agents.get(tenantId, "agent-1");
      });
      expect(agent?.id).toBe("agent-1");
      // The first run failed on the stale statement (its transaction rolled back); the second succeeded.
      expect(runs).toBe(2);
      const prepared = await preparedAfterLookup(test, tenantId);
      expect(prepared.some((s) => /^intendedops_1_[0-9a-f]{24}: select \*.* from "agents"/.test(s))).toBe(
        true,
      );
    },
  );

  it("runs again when a pooler ran the Parse where another client had prepared the name (42P05)", async () => {
    const { test, tenantId } = await withAgent();
    const [first] = (await preparedAfterLookup(test, tenantId)).filter((s) => s.includes('from "agents"'));
    const digest = first?.match(/^intendedops_0_([0-9a-f]{24}):/)?.[1];
    expect(digest).toBeDefined();
    // The connection lost the statement (26000), and the name it prepares next is taken, as when
    // a pooler in transaction mode hands it a server connection another client prepared it on.
    await sql`deallocate all`.execute(test.store.db);
    await sql.raw(`prepare "intendedops_1_${digest}" as select 1`).execute(test.store.db);
    let runs = 0;
    const agent = await test.store.transaction((tx) => {
      runs += 1;
      return tx.agents.get(tenantId, "agent-1");
    });
    // 26000 (gen 0 gone), then 42P05 (gen 1 taken), then prepared as gen 2.
    expect({ id: agent?.id, runs }).toEqual({ id: "agent-1", runs: 3 });
    const prepared = await preparedAfterLookup(test, tenantId);
    expect(prepared.some((s) => s.startsWith(`intendedops_2_${digest}:`))).toBe(true);
  });

  it("runs unnamed once a pooler has lost its statements three times, and says so once; no call fails", async () => {
    const warnings: string[] = [];
    const record = (_details: Record<string, unknown>, message: string) => warnings.push(message);
    const { test, tenantId } = await withAgent({ logger: { warn: record, debug: () => {} } });
    const lookup = () =>
      test.store
        .transaction((tx) => tx.agents.get(tenantId, "agent-1"))
        .then(
          (agent) => (agent?.id === "agent-1" ? "ok" : "missing"),
          (error: { code?: string }) => `failed ${error.code}`,
        );
    // What a pooler in transaction mode does to the one pooled connection between transactions:
    // the server connection the next run lands on never saw the statement prepared.
    const poolerHandsAnotherConnection = () => sql`deallocate all`.execute(test.store.db);
    const runs: string[] = [await lookup()];
    for (let i = 0; i < POOLER_SYMPTOMS_BEFORE_UNNAMED + 2; i++) {
      await poolerHandsAnotherConnection();
      runs.push(await lookup(), await lookup());
    }
    // No call failed: each lost statement ran its transaction again.
    expect(runs.every((run) => run === "ok")).toBe(true);
    await poolerHandsAnotherConnection();
    expect(await preparedAfterLookup(test, tenantId)).toEqual([]);
    expect(warnings.filter((message) => message.includes("run unnamed from now on"))).toHaveLength(1);
  });

  it("counts only a pooler's symptoms towards running unnamed, not a migration's stale plans", async () => {
    const { test, tenantId } = await withAgent();
    for (let i = 0; i < POOLER_SYMPTOMS_BEFORE_UNNAMED + 1; i++) {
      await preparedAfterLookup(test, tenantId);
      await sql`alter table agents add column ${sql.id(`added_${i}`)} text`.execute(test.store.db);
      expect((await test.store.transaction((tx) => tx.agents.get(tenantId, "agent-1")))?.id).toBe("agent-1");
    }
    const prepared = await preparedAfterLookup(test, tenantId);
    expect(prepared.some((s) => s.startsWith(`intendedops_${POOLER_SYMPTOMS_BEFORE_UNNAMED + 1}_`))).toBe(
      true,
    );
  });

  it("runs a transaction at most MAX_RUNS times, then answers 503", async () => {
    const { test } = await withAgent();
    let runs = 0;
    const stale = () => Object.assign(new Error("prepared statement does not exist"), { code: "26000" });
    await expect(
      test.store.transaction(async () => {
        runs += 1;
        throw stale();
      }),
    ).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(runs).toBe(MAX_RUNS);
    // Any other error is not run again.
    runs = 0;
    await expect(
      test.store.transaction(async () => {
        runs += 1;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(runs).toBe(1);
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
