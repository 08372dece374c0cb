import { join } from "node:path";
import pg from "pg";
import { PG_URL } from "./test-app";

/** A database of its own for a server process under test, and how to end it. */
export interface ProcessDatabase {
  /** The `DATABASE_URL` to start the server with. */
  url: string;
  drop(): Promise<void>;
  /**
   * PostgreSQL only: make the database refuse every connection (open ones are ended), as during
   * maintenance; the returned function lets connections in again.
   */
  refuseConnections?: () => Promise<() => Promise<void>>;
}

/**
 * A SQLite file `<name>.db` in `dir`, or a fresh PostgreSQL database (dropped by `drop`), so a test
 * points the real server at each store the way an operator sets `DATABASE_URL`.
 */
export async function openProcessDatabase(
  dialect: "sqlite" | "postgres",
  dir: string,
  name: string,
): Promise<ProcessDatabase> {
  if (dialect === "sqlite") return { url: `file:${join(dir, `${name}.db`)}`, drop: async () => {} };
  const database = `intendedops_${name}_${Date.now().toString(36)}_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${database}`);
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: () => admin(`drop database if exists ${database} with (force)`),
    refuseConnections: async () => {
      await admin(`alter database ${database} allow_connections false`);
      await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}'`);
      return () => admin(`alter database ${database} allow_connections true`);
    },
  };
}
