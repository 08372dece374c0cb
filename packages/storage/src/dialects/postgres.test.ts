import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualSignal, openPostgresTestStore, type TestStore } from "../test-fixtures";

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** Kysely's PostgreSQL migration lock (pg_advisory_lock), held while a migration runs. */
const KYSELY_MIGRATION_LOCK = "3853314791062309107";

/** A plain client of its own, outside the store's pool: another session of the database. */
async function otherSession(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  return client;
}

/**
 * Keeps one of the store's pooled connections busy in a transaction until `release` is called
 * (`done` settles when it has ended), so the next request needs another connection.
 */
async function holdOneConnection(ctx: TestStore): Promise<{ release: () => void; done: Promise<void> }> {
  const { promise: held, resolve: release } = manualSignal();
  const done = ctx.store.transaction(async (tx) => {
    await tx.agents.get("acme", "a1");
    await held;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { release, done };
}

describe("PostgreSQL connections the server ends", () => {
  let ctx: TestStore;
  beforeAll(async () => {
    ctx = await openPostgresTestStore();
  });
  afterAll(async () => {
    await ctx?.dispose();
  });

  it("fails the transaction whose connection is terminated, and the process and store carry on", async () => {
    const { store } = ctx;
    let backend = 0;
    const { promise: running, resolve: started } = manualSignal();
    const transaction = store.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      backend = rows[0]!.pid;
      started();
      await sql`select pg_sleep(10)`.execute(trx);
    });
    await running;
    await sql`select pg_terminate_backend(${backend})`.execute(store.db);
    // Before the fix the checked-out client's 'error' event had no listener and ended the
    // test process itself, so this line was never reached.
    await expect(transaction).rejects.toThrow(/terminat/i);
    expect(await store.ping()).toBe(true);
  });

  it("answers SERVICE_UNAVAILABLE, not a driver error, when the connection is ended under a transaction (regression: 500)", async () => {
    // One pooled connection, so the backend found here is the one the transaction runs on.
    const single = await openPostgresTestStore({ poolSize: 1 });
    const admin = await otherSession();
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(single.store.db);
      const backend = rows[0]!.pid;
      const transaction = single.store.transaction(async (tx) => {
        await tx.agents.get("acme", "a1");
        await admin.query("select pg_terminate_backend($1)", [backend]);
        await tx.agents.get("acme", "a2");
      });
      await expect(transaction).rejects.toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        message: "The database is unreachable; retry shortly",
      });
      // The pool connects again for the next query.
      await expect(single.store.read((tx) => tx.agents.get("acme", "a3"))).resolves.toBeUndefined();
    } finally {
      await admin.end();
      await single.dispose();
    }
  });

  it("answers VALIDATION_ERROR, not a driver error, for text holding NUL, in writes and in reads", async () => {
    const { store } = ctx;
    await expect(store.transaction((tx) => tx.tenants.ensure("nul\u0000tenant"))).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      message: expect.stringContaining("NUL"),
    });
    await expect(store.read((tx) => tx.agents.get("acme", "agent\u0000x"))).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    expect(await store.ping()).toBe(true);
  });
});

describe("PostgreSQL statement timeout", () => {
  it("fails a transaction waiting on another session's lock with SERVICE_UNAVAILABLE after statementTimeoutMs and frees its connection (regression: it waited without limit)", async () => {
    const ctx = await openPostgresTestStore({ statementTimeoutMs: 300, poolSize: 1 });
    const other = await otherSession();
    try {
      const schema = ctx.sameDatabase?.schema as string;
      await other.query("begin");
      await other.query(`lock table "${schema}".agents in access exclusive mode`);
      const started = Date.now();
      const waiting = ctx.store.transaction((tx) => tx.agents.get("acme", "a1"));
      // Before the fix the transaction waited for the lock; it is released here only after 4 s.
      const release = new Promise((resolve) => setTimeout(resolve, 4000)).then(() => other.query("rollback"));
      await expect(waiting).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      expect(Date.now() - started).toBeLessThan(3000);
      await release;
      // The pool's only connection went back: the next statement runs.
      await expect(ctx.store.read((tx) => tx.agents.get("acme", "a1"))).resolves.toBeUndefined();
    } finally {
      await other.end();
      await ctx.dispose();
    }
  });

  it("fails a request waiting for a pooled connection with SERVICE_UNAVAILABLE after connectTimeoutMs (regression: 500)", async () => {
    const ctx = await openPostgresTestStore({ poolSize: 1, connectTimeoutMs: 300 });
    // The pool's only connection stays busy until released.
    const holding = await holdOneConnection(ctx);
    try {
      await expect(ctx.store.read((tx) => tx.agents.get("acme", "a2"))).rejects.toMatchObject({
        code: "SERVICE_UNAVAILABLE",
      });
      holding.release();
      await holding.done;
      await expect(ctx.store.read((tx) => tx.agents.get("acme", "a2"))).resolves.toBeUndefined();
    } finally {
      holding.release();
      await ctx.dispose();
    }
  });

  it("answers SERVICE_UNAVAILABLE when PostgreSQL refuses another connection (53300, regression: 500)", async () => {
    // A role allowed one connection: the second one the pool opens is refused with 53300, as when
    // max_connections is reached (superusers are exempt from the role limit, so not postgres).
    const role = `limited_${Date.now().toString(36)}`;
    const owner = await otherSession();
    await owner.query(`create role ${role} login connection limit 1`);
    await owner.query(`grant create on database test to ${role}`);
    const url = new URL(POSTGRES_URL);
    url.username = role;
    const ctx = await openPostgresTestStore({ url: url.toString(), poolSize: 2 });
    const holding = await holdOneConnection(ctx);
    try {
      await expect(ctx.store.read((tx) => tx.agents.get("acme", "a2"))).rejects.toMatchObject({
        code: "SERVICE_UNAVAILABLE",
      });
      holding.release();
      await holding.done;
    } finally {
      holding.release();
      try {
        await ctx.dispose();
      } finally {
        await owner.query(`drop owned by ${role} cascade`);
        await owner.query(`drop role ${role}`);
        await owner.end();
      }
    }
  });

  it("limits statements to 30 s by default, and a statement_timeout in the URL wins", async () => {
    const ctx = await openPostgresTestStore();
    const fromUrl = await openPostgresTestStore({ url: `${POSTGRES_URL}?statement_timeout=1234` });
    try {
      const shown = async (store: TestStore["store"]) =>
        (await sql<{ statement_timeout: string }>`show statement_timeout`.execute(store.db)).rows[0]
          ?.statement_timeout;
      expect(await shown(ctx.store)).toBe("30s");
      expect(await shown(fromUrl.store)).toBe("1234ms");
    } finally {
      await ctx.dispose();
      await fromUrl.dispose();
    }
  });

  it("migrates without the limit while another process holds the migration lock longer than it", async () => {
    const other = await otherSession();
    let opened: TestStore | undefined;
    try {
      await other.query(`select pg_advisory_lock(${KYSELY_MIGRATION_LOCK})`);
      const release = new Promise((resolve) => setTimeout(resolve, 1500)).then(() =>
        other.query(`select pg_advisory_unlock(${KYSELY_MIGRATION_LOCK})`),
      );
      opened = await openPostgresTestStore({ statementTimeoutMs: 300 });
      await release;
      expect(await opened.store.ping()).toBe(true);
    } finally {
      await other.end();
      await opened?.dispose();
    }
  });
});
