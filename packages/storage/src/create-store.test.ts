import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createStore } from "./create-store";
import { MIGRATIONS } from "./migrations/index";
import { openPostgresTestStore, randomSuffix } from "./test-fixtures";

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

describe("createStore", () => {
  it("opens an already migrated PostgreSQL schema again without migrating twice", async () => {
    const first = await openPostgresTestStore();
    try {
      if (!first.sameDatabase) throw new Error("the PostgreSQL test store names its schema");
      const again = await createStore(first.sameDatabase);
      const executed = await again.db
        .withTables<{ kysely_migration: { name: string } }>()
        .selectFrom("kysely_migration")
        .select("name")
        .execute();
      expect(executed.map((m) => m.name)).toContain("202611221300_governance");
      expect(new Set(executed.map((m) => m.name)).size).toBe(executed.length);
      await again.close();
    } finally {
      await first.dispose();
    }
  });

  it("opens one new PostgreSQL schema from several stores at once", async () => {
    const schema = `t_${randomSuffix()}`;
    const opened = await Promise.allSettled(
      Array.from({ length: 3 }, () => createStore({ url: POSTGRES_URL, schema, poolSize: 2 })),
    );
    const stores = opened.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    // Clean up whatever opened before asserting, so a failure does not leak the schema.
    const [first] = stores;
    if (first) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(first.db);
    await Promise.all(stores.map((store) => store.close()));
    expect(opened.filter((result) => result.status === "rejected")).toEqual([]);
  });

  it("opens PostgreSQL over its Unix socket when the URL names the socket directory in host=", async () => {
    // docs/configuration.md offers this form for a server on the same machine.
    const socketDir = process.env.TEST_DATABASE_SOCKET_DIR ?? "/var/run/postgresql";
    const url = new URL(POSTGRES_URL);
    url.hostname = "localhost";
    url.port = "";
    url.searchParams.set("host", socketDir);
    const schema = `t_${randomSuffix()}`;
    const store = await createStore({ url: url.toString(), schema });
    try {
      const tenantId = `sock_${randomSuffix()}`;
      await store.tenants.ensure(tenantId, tenantId);
      const client = await sql<{ addr: string | null }>`select inet_client_addr() as addr`.execute(store.db);
      // No client address: the connection is not TCP.
      expect(client.rows).toEqual([{ addr: null }]);
      expect(await store.ping()).toBe(true);
    } finally {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
      await store.close();
    }
  });

  it("creates no tables when migrate is false, and all of them on migrate()", async () => {
    const store = await createStore({ url: ":memory:", migrate: false });
    const tables = async () =>
      (
        await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(store.db)
      ).rows.map((r) => r.name);
    expect(await tables()).not.toContain("intents");
    // It names what it applied, in order.
    expect(await store.migrate()).toEqual(Object.keys(MIGRATIONS));
    expect(await tables()).toEqual(
      expect.arrayContaining(["intents", "audit_events", "audit_heads", "api_keys"]),
    );
    await store.close();
  });

  it("logs slow queries with their SQL but never their parameters", async () => {
    const warnings: Record<string, unknown>[] = [];
    const store = await createStore({
      url: ":memory:",
      slowQueryMs: 0,
      logger: { warn: (details) => warnings.push(details), debug: () => undefined },
    });
    await store.apiKeys.findByHash("secret-hash-value");
    const logged = warnings.find((w) => String(w.sql).includes("api_keys"));
    expect(logged).toMatchObject({ sql: expect.stringContaining("key_hash") });
    expect(JSON.stringify(warnings)).not.toContain("secret-hash-value");
    await store.close();
  });

  it("throws VALIDATION_ERROR when the PostgreSQL schema name is unsafe", async () => {
    await expect(
      createStore({ url: POSTGRES_URL, schema: 'x"; drop schema public; --' }),
    ).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
  });
});

describe("createStore on an SQLite file another process writes to", () => {
  it("answers ping() at once while a write waits for the other writer's lock (regression: /health said unhealthy)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-ping-"));
    const filename = join(dir, "shared.db");
    const store = await createStore({ url: `file:${filename}`, busyTimeoutMs: 4000 });
    // Another connection to the file, as another process would hold it.
    const other = new BetterSqlite3(filename);
    try {
      other.exec("begin immediate");
      const write = store.transaction((tx) => tx.tenants.ensure("acme"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      expect(await store.ping()).toBe(true);
      // Before the fix the ping queued behind the waiting write until the lock was released.
      expect(Date.now() - started).toBeLessThan(1000);
      other.exec("commit");
      await expect(write).resolves.toMatchObject({ id: "acme", created: true });
    } finally {
      if (other.inTransaction) other.exec("rollback");
      other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports the store as down once it is closed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-ping-"));
    const store = await createStore({ url: `file:${join(dir, "closed.db")}` });
    expect(await store.ping()).toBe(true);
    await store.close();
    expect(await store.ping()).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
