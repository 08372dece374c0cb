import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { sql } from "kysely";
import pg from "pg";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { PG_URL } from "../test/support/test-app";
import { loadConfig } from "./config";
import { createServices } from "./services";

describe("createServices", () => {
  it("logs a failed idle PostgreSQL connection through the app's logger (regression: the store had no logger)", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const schema = `api_test_${randomBytes(6).toString("hex")}`;
    const services = await createServices(loadConfig({ DATABASE_URL: PG_URL }), {
      schema,
      logger: pino({ level: "warn" }, sink),
    });
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(services.store.db);
      await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
      await vi.waitFor(() =>
        expect(lines).toContainEqual(expect.objectContaining({ msg: "idle PostgreSQL connection failed" })),
      );
    } finally {
      await services.store.close();
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    }
  });
});
