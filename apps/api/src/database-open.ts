import { randomBytes } from "node:crypto";
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { createStore, type KyselyStore, parseStoreUrl, type StoreOptions } from "@intendedops/storage";
import { sql } from "kysely";
import { StartupError } from "./startup-error";

/** The SQLite file `url` names; undefined for PostgreSQL and in-memory databases. */
export function sqliteFilename(url: string): string | undefined {
  const location = parseStoreUrl(url);
  return location.dialect === "sqlite" && location.filename !== ":memory:" ? location.filename : undefined;
}

/**
 * Before SQLite opens `filename`: a missing directory is created 0700 and a missing file 0600
 * (SQLite gives its -wal and -shm files the database file's mode). The file holds intent
 * parameters and, without INTENDEDOPS_SECRET_KEY, webhook secrets and the token signing key in
 * clear; created by SQLite under the usual umask 022 it was 0644, readable by every local user.
 * An existing file this process cannot write is refused: SQLite opened it read-only without a
 * word, and the server answered /health 200 and every write 500.
 */
function prepareSqliteFile(filename: string): void {
  mkdirSync(dirname(resolve(filename)), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(filename, "wx", 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    try {
      accessSync(filename, constants.W_OK);
    } catch (denied) {
      const code = (denied as NodeJS.ErrnoException).code ?? "EACCES";
      throw new Error(`the file is read-only for this user (${code}); the server must write it`);
    }
  }
}

/**
 * `DATABASE_URL` fit to print: a PostgreSQL password, in the authority or as a `password`
 * parameter, becomes `***` (kept visible as a placeholder: whether one was given is often the point).
 * @example displayDatabaseUrl("postgres://app:s3cret@db:5432/prod") // "postgres://app:***@db:5432/prod"
 */
export function displayDatabaseUrl(url: string): string {
  if (!/^postgres(ql)?:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "***");
    return parsed.toString();
  } catch {
    // pg accepts some URLs WHATWG parsing refuses (an unescaped character in the password).
    return url.replace(/^([a-z]+:\/\/[^:/@]*):.*@/i, "$1:***@");
  }
}

/** An error's message; Node's connect to every address of a host name fails with an AggregateError without one. */
function reason(error: unknown): string {
  if (error instanceof AggregateError && error.message === "" && error.errors.length > 0) {
    return [...new Set(error.errors.map(reason))].join("; ");
  }
  if (error instanceof Error) return error.message || ((error as { code?: string }).code ?? error.name);
  return String(error);
}

/**
 * Open (and migrate) the store at `url`. A failure becomes a StartupError whose one line names
 * `DATABASE_URL`, shows the URL without its password and says why; the stack goes to `logger` at
 * debug level, since the operator's fix is in the URL or the database, not in our code.
 */
export async function openDatabase(
  url: string,
  options: Omit<StoreOptions, "url"> = {},
): Promise<KyselyStore> {
  try {
    const filename = sqliteFilename(url);
    if (filename !== undefined) prepareSqliteFile(filename);
    return await createStore({ ...options, url });
  } catch (error) {
    throw cannotOpen(url, error, options.logger);
  }
}

/**
 * `intendedops migrate`: applies pending migrations and returns their names (none when the schema
 * is current). Opened without migrating, so it can report what this run applied, and without the
 * PostgreSQL statement timeout, since a migration may rewrite a large table. Fails as openDatabase.
 */
export async function migrateDatabase(
  url: string,
  options: Pick<StoreOptions, "logger"> = {},
): Promise<{ dialect: KyselyStore["dialect"]; applied: string[] }> {
  const store = await openDatabase(url, { ...options, migrate: false, statementTimeoutMs: 0 });
  try {
    return { dialect: store.dialect, applied: await store.migrate() };
  } catch (error) {
    throw cannotOpen(url, error, options.logger);
  } finally {
    await store.close();
  }
}

function cannotOpen(url: string, error: unknown, logger: StoreOptions["logger"]): StartupError {
  logger?.debug({ err: error }, "could not open the database");
  return new StartupError(
    `Cannot open the database at DATABASE_URL (${displayDatabaseUrl(url)}): ${reason(error)}`,
    { cause: error },
  );
}

/**
 * `intendedops backup <path>`: a consistent copy of the SQLite database at `url`, taken while
 * servers keep writing to it (`VACUUM INTO` reads one snapshot; in WAL mode writers do not wait
 * for it). Copying the file itself while a server runs misses what is still in the -wal file and
 * can catch a checkpoint half done: such copies failed `pragma integrity_check`. The copy is
 * created 0600, never over an existing file, and synced to disk before this resolves; until then
 * it is `<path>.partial-<pid>-<random>`, so an interrupted backup leaves nothing at `path`. The
 * database is not migrated first (a backup taken before an upgrade must be of the old schema).
 */
const EXISTS = "the file exists (a backup never overwrites one)";

export async function backupDatabase(url: string, target: string): Promise<{ path: string; bytes: number }> {
  const location = parseStoreUrl(url);
  if (location.dialect === "postgres") {
    throw new StartupError(
      "intendedops backup copies an SQLite database; back up PostgreSQL with pg_dump (see docs/operations.md)",
    );
  }
  const filename = sqliteFilename(url);
  if (filename === undefined)
    throw new StartupError("DATABASE_URL is an in-memory database: nothing to back up");
  if (!existsSync(filename)) {
    throw new StartupError(`Cannot back up: there is no database at DATABASE_URL (${url})`);
  }
  const path = resolve(target);
  // The copy is written under a name of its own and linked to `path` only once it is complete and
  // on disk: killed before that (SIGKILL, the OOM killer, a reboot), a backup left an empty or
  // half-written file at `path` that SQLite opened as a valid, empty database.
  const partial = `${path}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
  const refused = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EEXIST" ? EXISTS : code === "ENOENT" ? "its directory does not exist" : reason(error);
    return new StartupError(`Cannot write the backup to ${target}: ${why}`, { cause: error });
  };
  if (existsSync(path)) throw new StartupError(`Cannot write the backup to ${target}: ${EXISTS}`);
  try {
    // Created 0600 before SQLite writes into it (VACUUM INTO takes an empty file).
    closeSync(openSync(partial, "wx", 0o600));
  } catch (error) {
    throw refused(error);
  }
  try {
    const store = await openDatabase(url, { migrate: false });
    try {
      await sql`vacuum into ${partial}`.execute(store.db);
    } finally {
      await store.close();
    }
    // SQLite does not sync what VACUUM INTO writes.
    syncPath(partial, "r+");
    try {
      // A link, not a rename: it fails on a file that appeared at `path` meanwhile.
      linkSync(partial, path);
    } catch (error) {
      throw refused(error);
    }
    rmSync(partial, { force: true });
    syncPath(dirname(path), "r");
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof StartupError) throw error;
    throw new StartupError(`Cannot write the backup to ${target}: ${reason(error)}`, { cause: error });
  }
  return { path, bytes: statSync(path).size };
}

/** fsync a file, or a directory (so a link made in it survives a crash). */
function syncPath(path: string, flags: "r" | "r+"): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
