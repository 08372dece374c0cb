import pg from "pg";
import { describe, expect, it } from "vitest";
import { createStore, type KyselyStore } from "../index";
import { randomSuffix } from "../test-fixtures";

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** Kysely's migration lock id (3853314791062309107) as pg_locks shows it. */
const LOCK = { classid: 897169763, objid: 17238259 };

async function query<R>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Sessions holding or awaiting the migration lock in this database. */
const migrationLocks = () =>
  query<{ pid: number }>(
    `select pid from pg_locks where locktype = 'advisory' and classid = $1 and objid = $2
       and database = (select oid from pg_database where datname = current_database())`,
    [LOCK.classid, LOCK.objid],
  );

/**
 * The migration lock lives in the transaction that runs the migrations (postgres-migration-lock.ts):
 * behind a pooler in transaction mode, Kysely's session-level lock and unlock ran on different
 * server connections and the lock stayed held by a pooled connection.
 */
describe("the PostgreSQL migration lock", () => {
  it("is taken in the migrations' own transaction, never at session level", async () => {
    const schema = `t_${randomSuffix()}`;
    const statements: string[] = [];
    const record = (entry: { sql?: string }) => entry.sql && statements.push(entry.sql);
    const store = await createStore({
      url: POSTGRES_URL,
      schema,
      logger: { warn: record, debug: record },
      slowQueryMs: 0,
    });
    try {
      const locking = statements.filter((text) => text.includes("advisory"));
      expect(locking.some((text) => text.includes("pg_advisory_xact_lock"))).toBe(true);
      expect(locking.filter((text) => /pg_advisory_(un)?lock\(/.test(text))).toEqual([]);
      const begin = statements.indexOf("begin");
      const lock = statements.findIndex((text) => text.includes("pg_advisory_xact_lock"));
      const commit = statements.lastIndexOf("commit");
      expect(begin).toBeGreaterThanOrEqual(0);
      expect(lock).toBe(begin + 1);
      // The migrations' statements run between the lock and its commit.
      expect(statements.slice(lock, commit).some((text) => text.startsWith('create table "intents"'))).toBe(
        true,
      );
    } finally {
      await store.db.schema.dropSchema(schema).cascade().execute();
      await store.close();
    }
  });

  it("serializes instances starting at once on a new schema, and leaves no lock held", async () => {
    const schema = `t_${randomSuffix()}`;
    const stores: KyselyStore[] = [];
    try {
      const opened = await Promise.allSettled(
        [0, 1, 2].map(() => createStore({ url: POSTGRES_URL, schema })),
      );
      for (const result of opened) if (result.status === "fulfilled") stores.push(result.value);
      expect(opened.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      const [applied] = await query<{ n: string }>(`select count(*) as n from ${schema}.kysely_migration`);
      expect(Number(applied?.n)).toBeGreaterThan(0);
      expect(await migrationLocks()).toEqual([]);
    } finally {
      await stores[0]?.db.schema.dropSchema(schema).cascade().execute();
      for (const store of stores) await store.close();
    }
  });

  it("rolls a failed migration back whole and releases the lock", async () => {
    const schema = `t_${randomSuffix()}`;
    // A table of the first migration's name already there: that migration fails half way.
    await query(`create schema ${schema}`);
    await query(`create table ${schema}.tenants (id text)`);
    try {
      await expect(createStore({ url: POSTGRES_URL, schema })).rejects.toThrow();
      expect(await migrationLocks()).toEqual([]);
      const tables = await query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = $1 order by table_name",
        [schema],
      );
      // Kysely's own bookkeeping tables, created before the lock, and the table that was there.
      expect(tables.map((row) => row.table_name).filter((name) => !name.startsWith("kysely_"))).toEqual([
        "tenants",
      ]);
    } finally {
      await query(`drop schema ${schema} cascade`);
    }
  });
});
