import { fileURLToPath } from "node:url";
import { IntendedOpsError } from "@intendedops/core";
import { SQLITE_MEMORY } from "./dialects/sqlite";

/** Where the store lives when no URL is given: an SQLite file under ./data. */
export const DEFAULT_STORE_URL = "file:./data/intendedops.db";

export type StoreLocation = { dialect: "sqlite"; filename: string } | { dialect: "postgres"; url: string };

/**
 * Reads a store URL: `postgres://…` / `postgresql://…` for PostgreSQL; `file:<path>`,
 * `file:///abs/path`, `file::memory:`, `:memory:` or a bare path for SQLite.
 * @example parseStoreUrl("file:./data/intendedops.db") // { dialect: "sqlite", filename: "./data/intendedops.db" }
 */
export function parseStoreUrl(url: string = DEFAULT_STORE_URL): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: "postgres", url };
  if (url === SQLITE_MEMORY || url === "file::memory:") return { dialect: "sqlite", filename: SQLITE_MEMORY };
  if (url.startsWith("file://")) return { dialect: "sqlite", filename: fileURLToPath(url) };
  if (url.startsWith("file:")) return sqliteFile(url.slice("file:".length));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new IntendedOpsError(
      "VALIDATION_ERROR",
      "Unsupported database URL: use postgres://…, postgresql://… or file:<path>",
      [{ path: ["url"], message: "Unsupported database URL scheme" }],
    );
  }
  return sqliteFile(url);
}

function sqliteFile(path: string): StoreLocation {
  if (path.trim() === "") {
    throw new IntendedOpsError("VALIDATION_ERROR", "The SQLite file path is empty", [
      { path: ["url"], message: "Empty SQLite file path" },
    ]);
  }
  return { dialect: "sqlite", filename: path };
}
