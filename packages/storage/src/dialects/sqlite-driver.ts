import { setTimeout as sleep } from "node:timers/promises";
import { IntendedOpsError } from "@intendedops/core";
import type BetterSqlite3 from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type TransactionSettings,
} from "kysely";

const BEGIN_IMMEDIATE = CompiledQuery.raw("begin immediate");
const BEGIN_DEFERRED = CompiledQuery.raw("begin");
const ROLLBACK = CompiledQuery.raw("rollback");

/** Waits between attempts on a locked database, the same curve SQLite's own busy handler uses. */
const BUSY_BACKOFF_MS = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100] as const;

export interface ImmediateSqliteOptions {
  database: BetterSqlite3.Database;
  /** `database` behind the statement cache (statement-cache.ts). */
  statements: SqliteDatabase;
  /** How long a statement outside a transaction (or a BEGIN) waits for another writer. */
  busyTimeoutMs: number;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/**
 * Retries statements that find the database locked by another connection, waiting with
 * timers instead of SQLite's busy handler: that handler sleeps inside the (synchronous)
 * driver call and would freeze the event loop — and with it the very transaction it waits for
 * when both connections live in one process. Statements inside a transaction are not retried:
 * only the whole transaction could be, and BEGIN IMMEDIATE already holds the write lock.
 */
class BusyWaitingConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly database: BetterSqlite3.Database,
    private readonly busyTimeoutMs: number,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // A monotonic clock: the wall clock can step (NTP), and a step back an hour long kept the
    // request waiting for that hour instead of the timeout.
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.inner.executeQuery<R>(query);
      } catch (error) {
        if (!isBusy(error) || this.database.inTransaction) throw error;
        if (performance.now() - started >= this.busyTimeoutMs) {
          throw new IntendedOpsError("SERVICE_UNAVAILABLE", "The database is busy; retry shortly");
        }
        await sleep(BUSY_BACKOFF_MS[Math.min(attempt, BUSY_BACKOFF_MS.length - 1)]);
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * First come, first served hand-over of the one connection. Kysely's own mutex wakes every
 * waiter on each release (they all re-check and all but one wait again), which costs O(waiters)
 * per query; under a burst of hundreds of concurrent requests that doubled the CPU per transaction.
 */
class FifoLock {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}

/**
 * Kysely's SQLite driver with write transactions: BEGIN IMMEDIATE takes the write lock up front,
 * so a second writer (another process on the same file) waits at BEGIN instead of failing with
 * SQLITE_BUSY in the middle of a transaction.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  #connection: BusyWaitingConnection | undefined;
  readonly #queue = new FifoLock();

  constructor(
    config: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly options: ImmediateSqliteOptions,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    // Only the queue's head reaches Kysely's mutex, which is therefore always free.
    await this.#queue.acquire();
    const inner = await super.acquireConnection();
    this.#connection ??= new BusyWaitingConnection(inner, this.options.database, this.options.busyTimeoutMs);
    return this.#connection;
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.#queue.release();
  }

  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    // A read-only transaction (the store's snapshot reads) begins deferred: in WAL mode its first
    // read fixes its snapshot and it takes no write lock, so another process's writer neither
    // makes it wait nor waits for it.
    await connection.executeQuery(settings?.accessMode === "read only" ? BEGIN_DEFERRED : BEGIN_IMMEDIATE);
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite already rolled back on some errors (e.g. SQLITE_FULL); a second ROLLBACK would fail
    // and replace the caller's error with "no transaction is active".
    if (this.options.database.inTransaction) await connection.executeQuery(ROLLBACK);
  }
}

/** SQLite runs DDL inside transactions, so migrations run in one BEGIN IMMEDIATE: all or nothing. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** The SQLite dialect of the store: statement cache, BEGIN IMMEDIATE, non-blocking busy waits. */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDriver>[0];
  readonly #options: ImmediateSqliteOptions;

  constructor(options: ImmediateSqliteOptions) {
    const config = { database: options.statements };
    super(config);
    this.#config = config;
    this.#options = options;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#options);
  }

  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
