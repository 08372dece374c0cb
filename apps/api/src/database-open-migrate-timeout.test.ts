import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { PG_URL } from "../test/support/test-app";
import { migrateDatabase, openDatabase } from "./database-open";

/** Kysely's migration lock id, which postgres-migration-lock.ts keeps. */
const MIGRATION_LOCK_ID = "3853314791062309107";

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Another process migrating: the migration lock held in an open transaction for `ms`. */
async function holdMigrationLock(url: string, ms: number): Promise<{ released: Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("begin");
  await client.query(`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
  const released = new Promise<void>((resolve) => setTimeout(resolve, ms)).then(async () => {
    await client.query("commit");
    await client.end();
  });
  return { released };
}

/**
 * Review: `intendedops migrate` (migrateDatabase) asks for no statement timeout ("a migration may
 * rewrite a large table"), as the migrations at start run without one. But createStore now lets a
 * `statement_timeout` in DATABASE_URL win over the option (`fromUrl ?? options.statementTimeoutMs`),
 * so with the URL's limit the CLI's migrations, and its wait for another instance's migration lock,
 * are cancelled, while the server's start on the same URL waits and migrates.
 */
describe("intendedops migrate with statement_timeout in DATABASE_URL (postgres)", () => {
  const databases: string[] = [];
  afterEach(async () => {
    for (const name of databases.splice(0)) await admin(`drop database if exists ${name} with (force)`);
  });

  async function newDatabase(): Promise<string> {
    const name = `mig_timeout_${Date.now().toString(36)}_${process.pid}_${databases.length}`;
    await admin(`create database ${name}`);
    databases.push(name);
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    url.searchParams.set("statement_timeout", "300");
    return url.toString();
  }

  it("the server's start waits for another migration (control)", async () => {
    const url = await newDatabase();
    const { released } = await holdMigrationLock(url, 1500);
    const store = await openDatabase(url);
    await released;
    await store.close();
  });

  it("intendedops migrate waits for another migration too, without the URL's statement timeout", async () => {
    const url = await newDatabase();
    const { released } = await holdMigrationLock(url, 1500);
    const outcome = await migrateDatabase(url).then(
      (result) => ({ applied: result.applied.length > 0 }),
      (error: Error) => ({ failed: error.message }),
    );
    await released;
    // Fails now: { failed: "Cannot open the database at DATABASE_URL (…): canceling statement due to statement timeout" }
    expect(outcome).toEqual({ applied: true });
  });
});
