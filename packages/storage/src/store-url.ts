import { fileURLToPath } from "node:url";
import { IntendedOpsError } from "@intendedops/core";
import { SQLITE_MEMORY } from "./dialects/sqlite";

/** Where the store lives when no URL is given: an SQLite file under ./data. */
export const DEFAULT_STORE_URL = "file:./data/intendedops.db";

export type StoreLocation = { dialect: "sqlite"; filename: string } | { dialect: "postgres"; url: string };

/**
 * Reads a store URL: `postgres://…` / `postgresql://…` for PostgreSQL; `file:<path>`,
 * `file:///abs/path`, `file::memory:`, `:memory:` or a bare path for SQLite. A `file:` URL with
 * SQLite URI parameters (`?mode=ro`) is refused rather than read as part of the file name.
 * @example parseStoreUrl("file:./data/intendedops.db") // { dialect: "sqlite", filename: "./data/intendedops.db" }
 */
export function parseStoreUrl(url: string = DEFAULT_STORE_URL): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: "postgres", url };
  if (url === SQLITE_MEMORY) return { dialect: "sqlite", filename: SQLITE_MEMORY };
  // Schemes are case-insensitive, as for postgres:// above: `FILE:./x.db` was read as a bare path
  // and opened a new, empty database in a directory named "FILE:.".
  if (/^file:/i.test(url)) return sqliteUrl(url.slice("file:".length));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new IntendedOpsError(
      "VALIDATION_ERROR",
      "Unsupported database URL: use postgres://…, postgresql://… or file:<path>",
      [{ path: ["url"], message: "Unsupported database URL scheme" }],
    );
  }
  return sqliteFile(url);
}

/** A `file:` URL, after its scheme. */
function sqliteUrl(rest: string): StoreLocation {
  if (rest === SQLITE_MEMORY) return { dialect: "sqlite", filename: SQLITE_MEMORY };
  if (/[?#]/.test(rest)) {
    // SQLite's own URI parameters (?mode=ro, ?cache=shared) are not read here: `file:x.db?mode=ro`
    // opened a new, empty, writable file named "x.db?mode=ro", and `file:///x.db?mode=ro` dropped
    // the parameter, so the store silently used another database than the one meant, or wrote to it.
    throw new IntendedOpsError(
      "VALIDATION_ERROR",
      "SQLite URLs take no parameters (?mode=…, ?cache=…) or fragments: use file:<path>",
      [{ path: ["url"], message: "Unsupported SQLite URL parameters" }],
    );
  }
  if (rest.startsWith("//")) return { dialect: "sqlite", filename: fileURLToPath(`file:${rest}`) };
  return sqliteFile(rest);
}

function sqliteFile(path: string): StoreLocation {
  if (path.trim() === "") {
    throw new IntendedOpsError("VALIDATION_ERROR", "The SQLite file path is empty", [
      { path: ["url"], message: "Empty SQLite file path" },
    ]);
  }
  return { dialect: "sqlite", filename: path };
}
