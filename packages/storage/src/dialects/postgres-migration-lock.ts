import { type Kysely, PostgresAdapter, PostgresDialect, sql } from "kysely";

/** Kysely's own migration lock id, so instances of an older version still exclude these. */
const MIGRATION_LOCK_ID = 3853314791062309107n;
const LOCK_TIMEOUT_MS = 60 * 60 * 1000;

/**
 * Kysely's PostgreSQL adapter takes the Migrator's lock at session level, in a statement of its own
 * before the migration transaction, and releases it in another after it. Behind a connection pooler
 * in transaction mode (PgBouncer) each of those statements may run on another server connection:
 * the unlock missed, the lock stayed on a pooled server connection, and every later start or
 * `intendedops migrate` waited on it (for up to Kysely's hour), direct connections included.
 *
 * Here the lock belongs to the transaction the migrations run in. `acquireMigrationLock` opens it
 * (`begin`, then a transaction-level advisory lock) on the Migrator's connection; the Migrator's own
 * transaction then continues it (PostgreSQL answers its `begin` with a warning only), and its
 * `commit`, or its `rollback` after any failure, a JavaScript throw included, ends the transaction
 * and releases the lock. `releaseMigrationLock` rolls back whatever is still open: the transaction
 * when something failed before the Migrator's took over, else nothing (a warning).
 *
 * Inside that transaction no statement timeout applies: a migration may rewrite a large table or
 * wait for another instance's, whatever `statement_timeout` the connection was opened with.
 */
class MigrationTransactionAdapter extends PostgresAdapter {
  override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`begin`.execute(db);
    await sql`select set_config('lock_timeout', ${String(LOCK_TIMEOUT_MS)}, true),
      set_config('statement_timeout', '0', true)`.execute(db);
    await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_ID)})`.execute(db);
  }

  override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
    await sql`rollback`.execute(db);
  }
}

/** PostgreSQL for Kysely, with the migration lock of MigrationTransactionAdapter. */
export class PooledPostgresDialect extends PostgresDialect {
  override createAdapter(): PostgresAdapter {
    return new MigrationTransactionAdapter();
  }
}
