import { createStore, type KyselyStore, type StoreOptions } from "@intendedops/storage";
import { StartupError } from "./startup-error";

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
