import type { KyselyConfig, LogEvent } from "kysely";
import pg from "pg";
import type { OpenDatabase, StoreLogger } from "./dialects/dialect-adapter";
import { openPostgres } from "./dialects/postgres";
import { liftStatementTimeout } from "./dialects/postgres-startup";
import { openSqlite } from "./dialects/sqlite";
import { createKyselyStore, type HealthProbe, type KyselyStore } from "./kysely-store";
import { migrateToLatest } from "./migrate";
import { DEFAULT_STORE_URL, parseStoreUrl } from "./store-url";

export interface StoreOptions {
  /**
   * `file:./data/intendedops.db` (default), `file::memory:`, `:memory:`, `postgres://…` or
   * `postgresql://…`.
   */
  url?: string;
  /** PostgreSQL schema to create if missing and use for every connection (tests, multi-app databases). */
  schema?: string;
  /** Run pending migrations while opening (default true). */
  migrate?: boolean;
  /**
   * PostgreSQL pool size (default 10). `ping()` uses one more connection of its own, opened at
   * the first ping, so a pool busy with transactions does not read as a database that is down.
   */
  poolSize?: number;
  /**
   * PostgreSQL: a statement running (or waiting on a lock) longer than this fails with
   * `SERVICE_UNAVAILABLE` (default 30 000 ms; 0: no limit). The migrations `createStore` runs
   * are exempt: they run on a connection of their own, without the limit.
   */
  statementTimeoutMs?: number;
  /**
   * PostgreSQL: how long a query waits to connect, or for a free pooled connection, before it
   * fails (default 10 000 ms; 0: no limit).
   */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL: keep the statements every submission runs prepared on each pooled connection
   * (named statements; default true), so the server parses and plans each once per connection
   * instead of on every run. Set false behind a connection pooler in transaction mode that does
   * not carry prepared statements across its server connections (PgBouncer before 1.21, or
   * without `max_prepared_statements`).
   */
  preparedStatements?: boolean;
  /** SQLite: how long a write waits for another process's write lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Receives slow-query warnings (pino-compatible). */
  logger?: StoreLogger;
  /** Queries slower than this are logged as warnings (default 500 ms); needs `logger`. */
  slowQueryMs?: number;
  /** Epoch milliseconds, for the timestamps the store writes itself (tenant creation, revocation). */
  clock?: () => number;
  /**
   * SQLite: write transactions waiting together share one COMMIT, each in its own savepoint.
   * `maxTransactions` (default 64; 1 turns sharing off) and `maxMs` (default 5) bound a batch.
   */
  groupCommit?: { maxTransactions?: number; maxMs?: number };
  /**
   * SQLite file: how often a worker thread copies the WAL into the database file (default 50 ms;
   * 0 leaves it to SQLite's automatic checkpoint, which runs inside a COMMIT on the event loop).
   */
  checkpointIntervalMs?: number;
}

function slowQueryLog(logger: StoreLogger | undefined, slowQueryMs: number): KyselyConfig["log"] {
  if (!logger) return undefined;
  return (event: LogEvent) => {
    // Parameters stay out of the log: they carry tenant data and key hashes.
    if (event.level === "error") {
      logger.debug({ sql: event.query.sql, err: event.error }, "query failed");
    } else if (event.queryDurationMillis >= slowQueryMs) {
      logger.warn({ sql: event.query.sql, durationMs: event.queryDurationMillis }, "slow query");
    }
  };
}

const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** A ping that does not answer within this long gives its connection up (the next ping opens another). */
const PING_TIMEOUT_MS = 5_000;

/**
 * PostgreSQL's health probe: `select 1` on a one-connection pool of its own, created at the first
 * ping. On the store's pool the ping would queue behind transactions when every connection is
 * checked out, and measure the queue instead of the database.
 */
function postgresProbe(url: string, logger: StoreLogger | undefined): HealthProbe {
  let pool: pg.Pool | undefined;
  const open = () => {
    const created = new pg.Pool({
      connectionString: url,
      max: 1,
      connectionTimeoutMillis: PING_TIMEOUT_MS,
      // pool.query releases a client whose query failed or timed out by destroying it, so a
      // connection that hangs never blocks the pings after it.
      query_timeout: PING_TIMEOUT_MS,
    });
    // Unheard, an 'error' event ends the process: the idle connection's and the checked-out one's.
    created.on("error", (error) => logger?.warn({ err: error }, "idle PostgreSQL ping connection failed"));
    created.on("connect", (client) => {
      client.on("error", (error) => logger?.warn({ err: error }, "PostgreSQL ping connection failed"));
    });
    return created;
  };
  return {
    async ping() {
      pool ??= open();
      await pool.query("select 1");
    },
    async close() {
      await pool?.end();
    },
  };
}

/**
 * Opens the store — embedded SQLite by default, PostgreSQL for a `postgres://` URL — and
 * migrates it to the latest schema.
 * @example const store = await createStore({ url: process.env.DATABASE_URL });
 */
export async function createStore(options: StoreOptions = {}): Promise<KyselyStore> {
  const location = parseStoreUrl(options.url ?? DEFAULT_STORE_URL);
  const log = slowQueryLog(options.logger, options.slowQueryMs ?? 500);
  if (location.dialect === "postgres") {
    // A statement_timeout in the URL wins over the option, and is applied by the pool (not sent as
    // the URL's start-up parameter, which PgBouncer refuses even at 0).
    const { url, statementTimeoutMs: fromUrl } = liftStatementTimeout(location.url);
    const postgres = (poolSize: number, statementTimeoutMs: number) =>
      openPostgres({
        url,
        poolSize,
        statementTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        namedStatements: options.preparedStatements !== false,
        ...(options.schema === undefined ? {} : { schema: options.schema }),
        ...(log ? { log } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      });
    if (options.migrate !== false) {
      // A migration may rewrite a large table, or wait for another process migrating the same
      // database: the statement timeout meant for requests would fail the start.
      const migrating = await postgres(1, 0);
      try {
        await migrateToLatest(migrating);
      } finally {
        await migrating.db.destroy();
      }
    }
    const open = await postgres(
      options.poolSize ?? 10,
      fromUrl ?? options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    );
    return createKyselyStore(open, options.clock ?? Date.now, postgresProbe(url, options.logger));
  }
  const open: OpenDatabase = openSqlite({
    filename: location.filename,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    ...(log ? { log } : {}),
    ...(options.groupCommit?.maxTransactions === undefined
      ? {}
      : { groupCommitMax: options.groupCommit.maxTransactions }),
    ...(options.groupCommit?.maxMs === undefined ? {} : { groupCommitMs: options.groupCommit.maxMs }),
    ...(options.checkpointIntervalMs === undefined
      ? {}
      : { checkpointIntervalMs: options.checkpointIntervalMs }),
  });
  if (options.migrate !== false) {
    try {
      await migrateToLatest(open);
    } catch (error) {
      await open.beforeClose?.();
      await open.db.destroy();
      throw error;
    }
  }
  const { ping } = open;
  return createKyselyStore(
    open,
    options.clock ?? Date.now,
    ping ? { ping, close: async () => undefined } : undefined,
  );
}
