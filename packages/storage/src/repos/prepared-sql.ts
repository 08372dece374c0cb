import type { Compilable } from "kysely";
import type { SqlRunner } from "../dialects/dialect-adapter";

/**
 * Named placeholders for a query built once: at run time each is its own name (so the compiled
 * parameters say which argument binds where); typed `never` so it fits any column in the builder.
 */
export type Placeholders<K extends string> = { readonly [N in K]: never };

/** SQL compiled once for the store's dialect, with the argument each placeholder binds. */
export interface PreparedSql<K extends string> {
  readonly sql: string;
  readonly order: readonly K[];
}

/**
 * Compiles a hot query once with Kysely (so each dialect gets its own SQL, identifiers quoted and
 * locking clauses included) instead of building it on every call, which cost more than SQLite
 * took to run most of these statements.
 * @example const byId = prepareSql(["tenantId", "id"], (p) => db.selectFrom("agents").selectAll().where("id", "=", p.id).where("tenant_id", "=", p.tenantId));
 */
export function prepareSql<K extends string>(
  names: readonly K[],
  build: (placeholders: Placeholders<K>) => Compilable,
): PreparedSql<K> {
  const placeholders = Object.fromEntries(names.map((name) => [name, name])) as unknown as Placeholders<K>;
  const compiled = build(placeholders).compile();
  const order = compiled.parameters.map((parameter) => {
    if (typeof parameter !== "string" || !names.includes(parameter as K)) {
      throw new TypeError(`prepareSql: unexpected parameter ${String(parameter)} in ${compiled.sql}`);
    }
    return parameter as K;
  });
  return { sql: compiled.sql, order };
}

/** Positional parameters for `prepared` from named arguments; a missing argument binds NULL. */
export function bindArgs<K extends string>(
  prepared: PreparedSql<K>,
  args: Readonly<Record<K, unknown>>,
): unknown[] {
  const { order } = prepared;
  const params = new Array<unknown>(order.length);
  for (let i = 0; i < order.length; i++) params[i] = args[order[i] as K] ?? null;
  return params;
}

/** Rows of a prepared query. */
export function queryRows<R, K extends string>(
  runner: SqlRunner,
  prepared: PreparedSql<K>,
  args: Readonly<Record<K, unknown>>,
): Promise<R[]> {
  return runner.rows<R>(prepared.sql, bindArgs(prepared, args));
}

/** Rows changed by a prepared write. */
export function runChanges<K extends string>(
  runner: SqlRunner,
  prepared: PreparedSql<K>,
  args: Readonly<Record<K, unknown>>,
): Promise<number> {
  return runner.changes(prepared.sql, bindArgs(prepared, args));
}

/** A statement bound to its arguments: run it with `runner.rows(...)` or `runner.changes(...)`. */
export type BoundSql = [sql: string, params: unknown[]];

/**
 * A statement over a few rows plus scalar arguments (a multi-row insert, or one wrapped in a
 * larger statement), compiled on first use per row count: a submission writes one audit event and
 * one or two outbox events; other counts are rare.
 */
export function preparedRowsStatement<Row, K extends string, E extends string = never>(
  columns: readonly K[],
  extras: readonly E[],
  build: (rows: Placeholders<K>[], extras: Placeholders<E>) => Compilable,
  toArgs: (row: Row) => Readonly<Record<K, unknown>>,
): (rows: readonly Row[], extraArgs?: Readonly<Record<E, unknown>>) => BoundSql {
  const byCount = new Map<number, { sql: string; positions: number[] }>();
  const compiled = (count: number) => {
    let entry = byCount.get(count);
    if (!entry) {
      const name = (column: K, row: number) => `${column}#${row}`;
      // Row-major row arguments, then the extras.
      const names: string[] = [
        ...Array.from({ length: count }, (_, row) => columns.map((c) => name(c, row))).flat(),
        ...extras,
      ];
      const statement = prepareSql(names, (placeholders) =>
        build(
          Array.from(
            { length: count },
            (_, row) =>
              Object.fromEntries(columns.map((c) => [c, placeholders[name(c, row)]])) as Placeholders<K>,
          ),
          placeholders as unknown as Placeholders<E>,
        ),
      );
      entry = { sql: statement.sql, positions: statement.order.map((n) => names.indexOf(n)) };
      byCount.set(count, entry);
    }
    return entry;
  };
  return (rows, extraArgs) => {
    const flat: unknown[] = [];
    for (const row of rows) {
      const args = toArgs(row);
      for (const column of columns) flat.push(args[column] ?? null);
    }
    for (const extra of extras) flat.push(extraArgs?.[extra] ?? null);
    const { sql, positions } = compiled(rows.length);
    return [sql, positions.map((position) => flat[position])];
  };
}

/** Multi-row inserts of any number of rows, `maxRows` rows per statement. */
export function preparedInsertMany<Row, K extends string>(
  columns: readonly K[],
  maxRows: number,
  build: (rows: Placeholders<K>[]) => Compilable,
  toArgs: (row: Row) => Readonly<Record<K, unknown>>,
): (runner: SqlRunner, rows: readonly Row[]) => Promise<number> {
  const insert = preparedRowsStatement(columns, [], build, toArgs);
  return async (runner, rows) => {
    let changed = 0;
    for (let start = 0; start < rows.length; start += maxRows) {
      changed += await runner.changes(...insert(rows.slice(start, start + maxRows)));
    }
    return changed;
  };
}
