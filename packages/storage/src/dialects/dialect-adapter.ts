import type { IntendedOpsError } from "@intendedops/core";
import type { ColumnDataType, Kysely, RawBuilder, SelectQueryBuilder, TransactionBuilder } from "kysely";
import type { Database } from "../database";
import type { BatchMemo } from "./batch-memo";

/** The databases the store runs on. */
export type StoreDialect = "sqlite" | "postgres";

/** Column types of the columns whose SQL type depends on the dialect; every migration receives them. */
export interface ColumnTypes {
  /** JSON documents: TEXT on SQLite, jsonb on PostgreSQL. */
  json: ColumnDataType;
  /** ISO-8601 timestamps: TEXT on both, so values round-trip exactly and sort as text. */
  timestamp: ColumnDataType;
}

/**
 * Everything that differs between the databases, in one interface: the repos and the
 * migrations are written once against it.
 */
export interface DialectAdapter {
  readonly dialect: StoreDialect;
  readonly columnTypes: ColumnTypes;
  /** Schema that holds Kysely's migration tables; undefined where the database has one namespace. */
  readonly migrationSchema: string | undefined;
  /**
   * Locks the selected rows until commit where the database needs it for read-modify-write
   * (PostgreSQL: FOR NO KEY UPDATE, which leaves foreign key checks on the rows unblocked).
   */
  lockRows<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /**
   * Locks the selected rows until commit and skips rows another transaction holds
   * (`FOR UPDATE SKIP LOCKED`), so concurrent workers claim disjoint batches of a queue.
   */
  claimRows<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /**
   * Makes the transaction wait, until it ends, for every other transaction of the store that took
   * the turn called `name`: for work that counts rows concurrent transactions may be writing, such
   * as webhook claims, whose in-flight bounds hold across server instances. PostgreSQL: a
   * transaction-level advisory lock keyed by the store's schema and `name` (outside a transaction
   * it ends with the statement). SQLite: nothing, as its write transactions already run one at a
   * time.
   */
  takeTurn<DB>(db: Kysely<DB>, name: string): Promise<void>;
  /**
   * `column` as a filter operand no index is searched by, where the planner has to be told:
   * SQLite keeps no statistics and, between two indexes that fit a query equally, takes the
   * narrower one even when the other tests the condition on its entries (SQLite: `column || ''`).
   * PostgreSQL plans by statistics and gets the plain column.
   */
  offIndex(column: string): RawBuilder<string>;
  /**
   * A transaction whose reads all see one moment, for reads that must agree with each other.
   * PostgreSQL: REPEATABLE READ, read only. SQLite: a deferred transaction on its one connection,
   * whose first read fixes the snapshot in WAL mode (commits of a group-commit batch land between
   * the statements of an ordinary read otherwise).
   */
  snapshot<DB>(db: Kysely<DB>): TransactionBuilder<DB>;
  /**
   * True where one statement may write in its WITH clause as well as in its body (PostgreSQL), so
   * two writes share one round trip; SQLite allows only SELECT there, and its statements cost no
   * round trip anyway.
   */
  readonly writesInWith: boolean;
  /**
   * True where every statement is a round trip to a database server (PostgreSQL), so a read a
   * transaction will need anyway is worth fetching alongside an earlier statement of it; SQLite
   * runs statements in process, where a wider statement only costs more.
   */
  readonly roundTripPerStatement: boolean;
  /** True when `error` is the database's unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /**
   * The caller's mistake a database error stands for, as the domain error to throw instead, or
   * undefined for any other failure. Where one database refuses a value the other stores, the
   * store answers as for bad input rather than failing as if the database were broken.
   */
  inputError?(error: unknown): IntendedOpsError | undefined;
  /**
   * True when `error` failed a whole transaction (nothing committed) in a way that running it again
   * from the start mends: on PostgreSQL, a prepared statement that a migration of another instance
   * or a connection pooler made stale, which the connection prepares anew on the next run.
   */
  retryable?(error: unknown): boolean;
}

/** Runs SQL compiled once per store (repos/prepared-sql.ts) on one connection, pool or transaction. */
export interface SqlRunner {
  rows<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  changes(sql: string, params: readonly unknown[]): Promise<number>;
}

/**
 * What the transaction runner hands each transaction besides its handle; one object per handle
 * (every member of a group-commit batch shares both), so repos can be built once per object.
 */
export interface TransactionHooks {
  /** Runs prepared SQL on the transaction's connection; absent where Kysely's executor is the way. */
  readonly sql?: SqlRunner;
  /**
   * Commit right after this transaction, before any other runs: called when it changes state
   * that later transactions cache in-process (policy and intention revisions), so no cache can
   * hold what a failed shared COMMIT then discards.
   */
  sealBatch(): void;
  /**
   * Reads the transaction's repos may reuse (batch-memo.ts); only where the transaction holds the
   * database's only write lock (SQLite's group-commit batch).
   */
  readonly memo?: BatchMemo;
}

/**
 * Runs `fn` as one write transaction on a handle bound to the transaction's connection; resolves
 * only once its writes are committed. A throw undoes exactly `fn`'s writes and propagates unchanged.
 */
export type TransactionRunner = <T>(
  fn: (db: Kysely<Database>, hooks: TransactionHooks) => Promise<T>,
) => Promise<T>;

/** An open connection (or pool) plus the adapter describing its dialect. */
export interface OpenDatabase {
  db: Kysely<Database>;
  adapter: DialectAdapter;
  /** The dialect's own write-transaction runner (SQLite: group commit); Kysely's transaction otherwise. */
  transactions?: TransactionRunner;
  /** Stops what the dialect runs beside the connection (SQLite's checkpointer) before it closes. */
  beforeClose?: () => Promise<void>;
  /**
   * Answers the store's health check without queueing for the connection its queries share
   * (resolves when the database answered, rejects otherwise); absent: a query on `db`.
   */
  ping?: () => Promise<void>;
  /**
   * Told the text of each prepared statement (repos/prepared-sql.ts) before it runs through
   * Kysely, so the dialect may keep it prepared on the server (PostgreSQL: named statements).
   */
  prepared?: (sql: string) => void;
}

/** The subset of a pino-style logger the store writes to. */
export interface StoreLogger {
  warn(details: Record<string, unknown>, message: string): void;
  debug(details: Record<string, unknown>, message: string): void;
}
