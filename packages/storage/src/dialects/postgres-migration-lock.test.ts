import { Kysely, type Migration, Migrator, sql } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createStore, type KyselyStore } from "../index";
import { randomSuffix } from "../test-fixtures";
import { PooledPostgresDialect } from "./postgres-migration-lock";

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
      // begin, the transaction's timeouts, the lock: nothing else runs before the lock is held.
      expect(statements.slice(begin + 1, lock).every((text) => text.includes("set_config"))).toBe(true);
      expect(lock).toBe(begin + 2);
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

  it("rolls back a migration that fails in JavaScript half way, as Kysely's own transaction did", async () => {
    const schema = `t_${randomSuffix()}`;
    await query(`create schema ${schema}`);
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, options: `-c search_path=${schema}` });
    const db = new Kysely<unknown>({ dialect: new PooledPostgresDialect({ pool }) });
    const halfWay: Migration = {
      async up(trx) {
        await sql`create table half_done (id text)`.execute(trx);
        throw new TypeError("a data migration's check failed after its first statement");
      },
    };
    try {
      // As migrate.ts configures the Migrator on PostgreSQL.
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => ({ "000_half_way": halfWay }) },
        migrationTableSchema: schema,
      });
      const { error } = await migrator.migrateToLatest();
      expect(error).toBeInstanceOf(TypeError);
      const tables = await query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = $1 and table_name = 'half_done'",
        [schema],
      );
      expect(tables).toEqual([]);
      expect(await migrationLocks()).toEqual([]);
    } finally {
      await db.destroy();
      await query(`drop schema ${schema} cascade`);
    }
  });

  it("migrates without the URL's statement timeout while another instance holds the lock", async () => {
    const schema = `t_${randomSuffix()}`;
    const store = await createStore({ url: `${POSTGRES_URL}?statement_timeout=300`, schema, migrate: false });
    const other = new pg.Client({ connectionString: POSTGRES_URL });
    await other.connect();
    try {
      await other.query("select pg_advisory_lock($1::bigint)", ["3853314791062309107"]);
      const released = new Promise((resolve) => setTimeout(resolve, 1500)).then(() =>
        other.query("select pg_advisory_unlock($1::bigint)", ["3853314791062309107"]),
      );
      // Waits 1.5 s for the lock, five times the connection's statement timeout.
      expect((await store.migrate()).length).toBeGreaterThan(0);
      await released;
    } finally {
      await other.end();
      await store.db.schema.dropSchema(schema).cascade().execute();
      await store.close();
    }
  });
});
