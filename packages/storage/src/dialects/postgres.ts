import { IntendedOpsError } from "@intendedops/core";
import { Kysely, type KyselyConfig, sql } from "kysely";
import pg from "pg";
import type { Database } from "../database";
import type { DialectAdapter, OpenDatabase, StoreLogger } from "./dialect-adapter";
import { PooledPostgresDialect } from "./postgres-migration-lock";
import { isStaleStatement, NamedStatements } from "./postgres-named-statements";
import { refusedStartupParameter } from "./postgres-startup";

export interface PostgresOpenOptions {
  url: string;
  /** Schema to create (if missing) and use for every pooled connection. */
  schema?: string;
  poolSize: number;
  /**
   * `statement_timeout` of every pooled connection, in ms (0: none). A `statement_timeout`
   * parameter in the URL wins.
   */
  statementTimeoutMs: number;
  /** How long a query waits to connect or for a free pooled connection, in ms (0: forever). */
  connectTimeoutMs: number;
  /** Run the store's prepared SQL as named statements (default true; see postgres-named-statements.ts). */
  namedStatements?: boolean;
  log?: KyselyConfig["log"];
  logger?: StoreLogger;
}

const OID = { int8: 20, json: 114, numeric: 1700, jsonb: 3802 } as const;

const identity = (value: string): string => value;

/**
 * Type parsing for the store's pool only (the global pg defaults stay untouched):
 * JSON comes back as text, parsed by the repos exactly as on SQLite (so a stored JSON `null`
 * stays distinguishable from SQL NULL), and int8/numeric (counts, sums, bigint columns)
 * come back as numbers — every value we store is far below 2^53.
 */
const storeTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === OID.json || oid === OID.jsonb) return identity;
    if (oid === OID.int8 || oid === OID.numeric) return Number;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function postgresAdapter(migrationSchema: string): DialectAdapter {
  return {
    dialect: "postgres",
    columnTypes: { json: "jsonb", timestamp: "text" },
    migrationSchema,
    // FOR NO KEY UPDATE, the lock an UPDATE of non-key columns takes: it still serializes every
    // read-modify-write of the row, but not the FOR KEY SHARE read of a foreign key check. With
    // FOR UPDATE, an outcome holding its agent row and waiting for the audit head deadlocked a
    // submission holding the head whose deferred agent foreign key is checked at commit.
    lockRows: (query) => query.forNoKeyUpdate(),
    snapshot: (db) => db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only"),
    claimRows: (query) => query.forUpdate().skipLocked(),
    takeTurn: async (db, name) => {
      await sql`select pg_advisory_xact_lock(hashtext(current_schema()), hashtext(${name}))`.execute(db);
    },
    // The planner picks by statistics; an expression would only hide the index from it.
    offIndex: (column) => sql<string>`${sql.ref(column)}`,
    writesInWith: true,
    roundTripPerStatement: true,
    isUniqueViolation: (error) => (error as { code?: unknown } | null)?.code === "23505",
    inputError: (error) =>
      unstorableText(error) ?? timedOut(error) ?? unreachable(error) ?? preparedAgain(error),
    retryable: isStaleStatement,
  };
}

/**
 * 57014: the statement ran past `statement_timeout` (typically waiting on a lock another session
 * holds) or was cancelled. The database is up but did not answer in time; like SQLite's busy
 * timeout, that is "retry shortly", not a broken server.
 */
function timedOut(error: unknown): IntendedOpsError | undefined {
  if ((error as { code?: unknown } | null)?.code !== "57014" && !isPoolTimeout(error)) return undefined;
  return new IntendedOpsError("SERVICE_UNAVAILABLE", "The database did not answer in time; retry shortly");
}

/**
 * pg-pool's errors for `connectionTimeoutMillis` (no pooled connection came free in time, or a new
 * one could not connect in time) carry no code, only these messages; without them such a request
 * answered 500 where a statement timeout answers 503.
 */
const POOL_TIMEOUT_MESSAGES = new Set([
  "timeout exceeded when trying to connect",
  "Connection terminated due to connection timeout",
]);

function isPoolTimeout(error: unknown): boolean {
  return error instanceof Error && POOL_TIMEOUT_MESSAGES.has(error.message);
}

/**
 * The connection went away under the query, or none can be made: the server was restarted or shut
 * down (57P01–57P03), an administrator ended the session (`pg_terminate_backend`), or the network
 * failed (class 08, refused or reset sockets), or it refuses new connections (53300 too many
 * clients, 55000 a database not accepting connections). The pool reconnects on the next query, so like a
 * timeout this is "retry shortly" (503); it answered 500 as if the API itself were broken. A write
 * cut off this way may or may not have committed: retry it with the same idempotency key.
 */
function unreachable(error: unknown): IntendedOpsError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  const lost =
    (typeof code === "string" &&
      (/^57P0[123]$/.test(code) ||
        code.startsWith("08") ||
        code === "53300" ||
        (code === "55000" && NOT_ACCEPTING.test(error.message)) ||
        SOCKET_ERRORS.has(code))) ||
    CONNECTION_LOST_MESSAGES.has(error.message);
  if (!lost) return undefined;
  return new IntendedOpsError("SERVICE_UNAVAILABLE", "The database is unreachable; retry shortly");
}

/**
 * A named statement a migration or a pooler made stale (postgres-named-statements.ts): this run
 * failed, and the connection prepares the statement again on the next. Retrying succeeds.
 */
function preparedAgain(error: unknown): IntendedOpsError | undefined {
  if (!isStaleStatement(error)) return undefined;
  return new IntendedOpsError(
    "SERVICE_UNAVAILABLE",
    "A statement had to be prepared again on its connection; retry shortly",
  );
}

/**
 * 55000 is a broad class ("object not in prerequisite state"); only its connection refusal (a
 * database with `ALLOW_CONNECTIONS false`, as during maintenance) means "unreachable".
 */
const NOT_ACCEPTING = /is not currently accepting connections/;

const SOCKET_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/** pg's errors for a connection that ended under a query carry no code, only these messages. */
const CONNECTION_LOST_MESSAGES = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
]);

/**
 * PostgreSQL's text cannot hold NUL (`\u0000`): 22P05 in JSON values, 22021 in text columns and
 * parameters. SQLite stores it, so embedders on PostgreSQL got a raw driver error for an intent
 * the SQLite store accepts; it is the caller's input that cannot be stored.
 */
function unstorableText(error: unknown): IntendedOpsError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== "22P05" && code !== "22021") return undefined;
  const message = "Text holds a NUL character (\\u0000), which PostgreSQL cannot store";
  return new IntendedOpsError("VALIDATION_ERROR", message, [{ path: [], message }]);
}

/** `create schema if not exists`, tolerating the race in which another process creates it first. */
async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    // IF NOT EXISTS does not cover a concurrent CREATE (unique violation on pg_namespace).
    const { rows } = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(db);
    if (rows.length === 0) throw error;
  }
}

/**
 * Opens a pg pool. With `schema`, the schema is created if missing and put first on every
 * connection's search_path (set at connection start-up, so no query can run before it).
 */
export async function openPostgres(options: PostgresOpenOptions): Promise<OpenDatabase> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new IntendedOpsError(
      "VALIDATION_ERROR",
      "schema must be lowercase letters, digits and '_', starting with a letter or '_'",
      [{ path: ["schema"], message: "Invalid PostgreSQL schema name" }],
    );
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    types: storeTypes,
    // Without these a statement waiting on a lock (a stuck admin session, a long migration
    // elsewhere) waited forever, holding its pooled connection; once every connection waited,
    // requests that touch no locked table queued behind them without limit too.
    ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(options.connectTimeoutMs > 0 ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on("error", (error) => options.logger?.warn({ err: error }, "idle PostgreSQL connection failed"));
  const named =
    options.namedStatements === false
      ? undefined
      : new NamedStatements((symptoms) =>
          options.logger?.warn(
            { symptoms },
            "PostgreSQL lost the store's prepared statements again and again (a connection pooler in transaction mode?): " +
              "they run unnamed from now on; turn them off (DATABASE_PREPARED_STATEMENTS=0, or createStore({ preparedStatements: false })) to start that way",
          ),
        );
  // The pool listens for errors only on idle clients. A client checked out for a transaction
  // emits its own 'error' when the server ends the connection (pg_terminate_backend, a
  // restart, a failover), and an 'error' event nobody listens to ends the process. The query
  // in flight rejects with the same error, so the request fails and the process stays up.
  pool.on("connect", (client) => {
    named?.attach(client);
    client.on("error", (error) => options.logger?.warn({ err: error }, "PostgreSQL connection failed"));
  });
  const db = new Kysely<Database>({
    dialect: new PooledPostgresDialect({ pool }),
    ...(options.log ? { log: options.log } : {}),
  });
  try {
    if (schema !== undefined) await createSchema(db, schema);
    const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(db);
    const current = rows[0]?.name;
    if (!current) throw new Error("PostgreSQL search_path names no existing schema");
    // A pooler told to ignore the `options` start-up parameter drops the search_path silently: the
    // store would have created the schema and then used another one.
    if (schema !== undefined && current !== schema) {
      throw new Error(
        `the connection's schema is ${current}, not ${schema}: something between the store and PostgreSQL dropped the search_path (a connection pooler ignoring the options start-up parameter?); set the role's search_path instead (ALTER ROLE … SET search_path = ${schema}) and open the store without schema`,
      );
    }
    return {
      db,
      adapter: postgresAdapter(current),
      ...(named ? { prepared: (text) => named.mark(text) } : {}),
    };
  } catch (error) {
    await db.destroy();
    throw refusedStartupParameter(error) ?? error;
  }
}
