import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, type KyselyConfig, sql } from "kysely";
import type { Database } from "../database";
import type { DialectAdapter, OpenDatabase } from "./dialect-adapter";
import { directSqliteRunner } from "./sql-runner";
import { startCheckpointer } from "./sqlite-checkpointer";
import { ImmediateSqliteDialect } from "./sqlite-driver";
import { createGroupCommit } from "./sqlite-group-commit";
import { withStatementCache } from "./statement-cache";

/** The filename better-sqlite3 reads as a private in-memory database. */
export const SQLITE_MEMORY = ":memory:";

export interface SqliteOpenOptions {
  /** A file path, or SQLITE_MEMORY. */
  filename: string;
  busyTimeoutMs: number;
  log?: KyselyConfig["log"];
  /** Most write transactions one COMMIT covers (default 64; 1 turns group commit off). */
  groupCommitMax?: number;
  /** A group-commit batch admits no further transaction after this long (default 5 ms). */
  groupCommitMs?: number;
  /** How often a worker thread checkpoints the WAL of a file (default 50 ms; 0: SQLite's own only). */
  checkpointIntervalMs?: number;
}

const GROUP_COMMIT_MAX = 64;
const GROUP_COMMIT_MS = 5;
const CHECKPOINT_INTERVAL_MS = 50;
/** WAL pages after which the writer checkpoints by itself: the bound should the worker fall behind. */
const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

const SQLITE_UNIQUE_CODES = new Set(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);

export const sqliteAdapter: DialectAdapter = {
  dialect: "sqlite",
  columnTypes: { json: "text", timestamp: "text" },
  migrationSchema: undefined,
  // BEGIN IMMEDIATE makes every write transaction the only writer: rows need no lock of their own.
  lockRows: (query) => query,
  snapshot: (db) => db.transaction().setAccessMode("read only"),
  // One writer at a time: a claimed batch is already exclusive until the transaction commits.
  claimRows: (query) => query,
  takeTurn: async () => {},
  // The documented way to keep a term off the indexes (https://sqlite.org/optoverview.html).
  offIndex: (column) => sql<string>`${sql.ref(column)} || ''`,
  writesInWith: false,
  roundTripPerStatement: false,
  isUniqueViolation(error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" && SQLITE_UNIQUE_CODES.has(code);
  },
};

/**
 * Opens (creating its directory if needed) an SQLite database in WAL mode with
 * `synchronous = NORMAL` and foreign keys on; write transactions share COMMITs (group commit) and
 * a file's WAL is checkpointed from a worker thread.
 */
export function openSqlite(options: SqliteOpenOptions): OpenDatabase {
  if (options.filename !== SQLITE_MEMORY) {
    mkdirSync(dirname(resolve(options.filename)), { recursive: true });
  }
  const checkpointMs =
    options.filename === SQLITE_MEMORY ? 0 : (options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS);
  const database = new BetterSqlite3(options.filename, { timeout: options.busyTimeoutMs });
  try {
    // Switching to WAL needs a moment of exclusive access: let SQLite's busy handler wait for it
    // while nothing else runs yet.
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.pragma("foreign_keys = ON");
    // Group commit runs each transaction in a savepoint, and every page a member changes again
    // after an earlier member is first copied to the sub-journal. Past 64 KiB SQLite spills that
    // journal to a temporary file — and keeps it a file for the rest of the batch — which made
    // each statement two to four times dearer. In memory it stays cheap; temporary tables and
    // sorts live in memory too (the store's queries are indexed and paginated).
    database.pragma("temp_store = MEMORY");
    if (checkpointMs > 0) database.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    // From here on the driver waits for other writers with timers (see sqlite-driver.ts), so
    // SQLite itself must return SQLITE_BUSY at once instead of blocking the event loop.
    database.pragma("busy_timeout = 0");
  } catch (error) {
    database.close();
    throw error;
  }
  const statements = withStatementCache(database);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database, statements, busyTimeoutMs: options.busyTimeoutMs }),
    ...(options.log ? { log: options.log } : {}),
  });
  const transactions = createGroupCommit(db, {
    maxBatch: Math.max(1, options.groupCommitMax ?? GROUP_COMMIT_MAX),
    maxBatchMs: options.groupCommitMs ?? GROUP_COMMIT_MS,
    inTransaction: () => database.inTransaction,
    sql: directSqliteRunner(statements, options.log),
  });
  const checkpointer =
    checkpointMs > 0 ? startCheckpointer(resolve(options.filename), checkpointMs) : undefined;
  // The health check reads the schema straight from the handle. Through Kysely it queued for the
  // one connection behind a write waiting (up to busyTimeoutMs) for another process's write lock,
  // and reported a database that answers every read as down. Between the driver's waits the
  // handle is free, and in WAL mode a read needs no lock another writer holds.
  const schemaVersion = database.prepare("pragma schema_version");
  return {
    db,
    adapter: sqliteAdapter,
    transactions,
    ping: async () => {
      schemaVersion.get();
    },
    ...(checkpointer ? { beforeClose: () => checkpointer.stop() } : {}),
  };
}
