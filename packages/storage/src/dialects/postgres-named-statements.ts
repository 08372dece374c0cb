import type pg from "pg";

/**
 * True when `error` is PostgreSQL's answer to a named statement that must be prepared again:
 * 26000 "prepared statement does not exist" (something ran `DEALLOCATE` or `DISCARD ALL` on the
 * connection, as a pooler in front of PostgreSQL may), or the one 0A000 (a broad class, "feature
 * not supported") that says "cached plan must not change result type" (a migration of another
 * server instance changed a table a `select *` reads).
 */
export function isStaleStatement(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === "26000" ||
    (code === "0A000" && typeof message === "string" && message.includes("must not change result type"))
  );
}

type Query = (text: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * The store's prepared SQL (repos/prepared-sql.ts: the statements every submission runs, compiled
 * once per store) as named statements on PostgreSQL: each connection parses and plans one once and
 * then only binds and runs it. Sent unnamed, PostgreSQL parsed and planned every statement on every
 * run, which cost about as much as running it (docs/benchmarks.md, stop 24). Only that SQL is
 * named: it is key lookups and inserts, whose generic plan is the plan; a list query's plan depends
 * on its arguments.
 */
export class NamedStatements {
  readonly #ids = new Map<string, number>();
  readonly #generations = new WeakMap<object, number>();

  /** Marks `sql` to run as a named statement from now on. */
  mark(sql: string): void {
    if (!this.#ids.has(sql)) this.#ids.set(sql, this.#ids.size);
  }

  /** Makes `client` run marked SQL as named statements (pg prepares each once per connection). */
  attach(client: pg.PoolClient): void {
    const query = client.query.bind(client) as Query;
    const named: Query = (text, values, callback) => {
      const id = typeof text === "string" && callback === undefined ? this.#ids.get(text) : undefined;
      if (id === undefined || !Array.isArray(values)) return query(text, values, callback);
      const generation = this.#generations.get(client) ?? 0;
      return (query({ name: `intendedops_${generation}_${id}`, text, values }) as Promise<unknown>).catch(
        (error: unknown) => {
          // The run fails (its transaction is aborted); the connection's next run prepares anew.
          if (isStaleStatement(error)) this.#generations.set(client, generation + 1);
          throw error;
        },
      );
    };
    (client as unknown as { query: Query }).query = named;
  }
}
