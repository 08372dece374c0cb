import { createHash } from "node:crypto";
import type pg from "pg";

/**
 * True when `error` says a named statement is not the one this connection prepared: 26000 "prepared
 * statement does not exist" (something ran `DEALLOCATE` or `DISCARD ALL` on the connection, as a
 * pooler in front of PostgreSQL may), 42P05 "prepared statement already exists" (a pooler in
 * transaction mode ran the Parse on a server connection where another client had prepared the
 * name), or 0A000 "cached plan must not change result type" (a migration of another server instance
 * changed a table a `select *` reads). 0A000 is a broad class ("feature not supported"); the
 * routine that raised it tells this one apart in any `lc_messages` language. Retrying the run
 * succeeds.
 */
export function isStaleStatement(error: unknown): boolean {
  const { code, routine } = (error ?? {}) as { code?: unknown; routine?: unknown };
  return code === "26000" || code === "42P05" || (code === "0A000" && routine === "RevalidateCachedQuery");
}

/**
 * True when a named statement's run failed in a way that preparing its text again may mend: a stale
 * statement, or a class 42 error (a type mismatch, an undefined column or function). PostgreSQL
 * keeps the parameter types it inferred at the statement's first Parse, so after another instance's
 * migration changes a column's type the prepared statement fails where the same text, prepared
 * again, works. The fixed statements of the store raise class 42 for nothing else.
 */
function mendedByPreparingAgain(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return isStaleStatement(error) || (typeof code === "string" && code.startsWith("42"));
}

/**
 * True when `error` is what a connection pooler in transaction mode (PgBouncer before 1.21, or
 * without `max_prepared_statements`) does to named statements: the server connection a run lands on
 * never saw the statement prepared (26000), or another client already prepared that name there
 * (42P05). A migration never causes either.
 */
function poolerSymptom(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "26000" || code === "42P05";
}

/**
 * Runs that fail with a pooler's symptom before the store stops naming statements. One can be a
 * single `DISCARD ALL`; three on one store mean its statements keep landing where they were not
 * prepared, and every further run would risk another failed request.
 */
export const POOLER_SYMPTOMS_BEFORE_UNNAMED = 3;

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
  /** Marked SQL text → the name it is prepared under (before the connection's generation). */
  readonly #names = new Map<string, string>();
  readonly #generations = new WeakMap<object, number>();
  #poolerSymptoms = 0;
  #unnamed = false;

  /** `onUnnamed` is told once, when pooler symptoms made the store give up naming statements. */
  constructor(private readonly onUnnamed?: (symptoms: number) => void) {}

  /**
   * Marks `sql` to run as a named statement from now on. Its name is a digest of the text, so no
   * two texts share one, in this process or in any other (another instance, another version)
   * whose statements a pooler might hand the same server connection.
   */
  mark(sql: string): void {
    if (!this.#names.has(sql))
      this.#names.set(sql, createHash("sha256").update(sql).digest("hex").slice(0, 24));
  }

  /** Makes `client` run marked SQL as named statements (pg prepares each once per connection). */
  attach(client: pg.PoolClient): void {
    const query = client.query.bind(client) as Query;
    const named: Query = (text, values, callback) => {
      const name =
        typeof text === "string" && callback === undefined && !this.#unnamed
          ? this.#names.get(text)
          : undefined;
      if (name === undefined || !Array.isArray(values)) return query(text, values, callback);
      const generation = this.#generations.get(client) ?? 0;
      return (query({ name: `intendedops_${generation}_${name}`, text, values }) as Promise<unknown>).catch(
        (error: unknown) => {
          // The run fails (its transaction is aborted); the connection's next runs prepare anew,
          // under names of a new generation (the old statements stay until the connection ends).
          if (mendedByPreparingAgain(error)) this.#generations.set(client, generation + 1);
          if (poolerSymptom(error)) this.#countPoolerSymptom();
          throw error;
        },
      );
    };
    (client as unknown as { query: Query }).query = named;
  }

  #countPoolerSymptom(): void {
    this.#poolerSymptoms += 1;
    if (this.#unnamed || this.#poolerSymptoms < POOLER_SYMPTOMS_BEFORE_UNNAMED) return;
    // Unnamed, each run is parsed where it lands, which any pooler handles; it costs what named
    // statements save (about half of each statement's time on the database).
    this.#unnamed = true;
    this.onUnnamed?.(this.#poolerSymptoms);
  }
}
