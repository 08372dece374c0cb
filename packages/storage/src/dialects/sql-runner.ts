import { CompiledQuery, type Kysely, type KyselyConfig, type SqliteDatabase } from "kysely";
import type { SqlRunner } from "./dialect-adapter";

/**
 * Prepared SQL through Kysely's executor: any dialect, connection acquired per statement as usual.
 * `prepared` is told each statement's text first (OpenDatabase.prepared).
 */
export function kyselySqlRunner<DB>(db: Kysely<DB>, prepared?: (sql: string) => void): SqlRunner {
  return {
    async rows<R>(sql: string, params: readonly unknown[]) {
      prepared?.(sql);
      return (await db.executeQuery<R>(CompiledQuery.raw(sql, [...params]))).rows;
    },
    async changes(sql, params) {
      prepared?.(sql);
      const result = await db.executeQuery(CompiledQuery.raw(sql, [...params]));
      return Number(result.numAffectedRows ?? 0n);
    },
  };
}

type Log = Extract<KyselyConfig["log"], (...args: never[]) => unknown>;

/**
 * Prepared SQL straight on better-sqlite3's cached statements, for a transaction that already
 * holds the one connection (nothing else can run on it meanwhile). Reports to the store's query
 * log like Kysely's executor does, so slow statements are still logged.
 */
export function directSqliteRunner(statements: SqliteDatabase, log: KyselyConfig["log"]): SqlRunner {
  const run = <T>(sql: string, params: readonly unknown[], execute: () => T): T => {
    if (typeof log !== "function") return execute();
    const started = performance.now();
    const query = () => CompiledQuery.raw(sql, [...params]);
    try {
      const result = execute();
      (log as Log)({ level: "query", query: query(), queryDurationMillis: performance.now() - started });
      return result;
    } catch (error) {
      (log as Log)({
        level: "error",
        error,
        query: query(),
        queryDurationMillis: performance.now() - started,
      });
      throw error;
    }
  };
  return {
    async rows<R>(sql: string, params: readonly unknown[]) {
      return run(sql, params, () => statements.prepare(sql).all(params as unknown[]) as R[]);
    },
    async changes(sql, params) {
      return run(sql, params, () => Number(statements.prepare(sql).run(params as unknown[]).changes));
    },
  };
}
