import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

/**
 * Wraps a better-sqlite3 handle so `prepare` reuses statements by SQL text. Kysely's driver
 * prepares on every query, and preparing costs more than running most of our statements.
 * The cache is bounded (oldest entry evicted) because `in (…)` lists and multi-row inserts
 * produce SQL texts of varying shape.
 */
export function withStatementCache(database: BetterSqlite3.Database, capacity = 500): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= capacity) {
          const oldest = statements.keys().next();
          if (!oldest.done) statements.delete(oldest.value);
        }
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
