import { createServer, type Server } from "node:net";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createStore } from "../create-store";
import { liftStatementTimeout } from "./postgres-startup";

describe("liftStatementTimeout", () => {
  it.each([
    ["postgres://u@h/db?statement_timeout=0", "postgres://u@h/db", 0],
    ["postgres://u@h/db?statement_timeout=1234&sslmode=disable", "postgres://u@h/db?sslmode=disable", 1234],
    ["postgres://u@h/db?sslmode=disable&statement_timeout=5", "postgres://u@h/db?sslmode=disable", 5],
    ["postgres://u@h/db?a=1&statement_timeout=5&b=2", "postgres://u@h/db?a=1&b=2", 5],
    ["postgres://u@h/db?host=/var/run/postgresql", "postgres://u@h/db?host=/var/run/postgresql", undefined],
    // Read as pg reads it: names and values percent-decoded, every occurrence taken out.
    ["postgres://u@h/db?statement%5Ftimeout=0", "postgres://u@h/db", 0],
    ["postgres://u@h/db?statement_timeout=%35", "postgres://u@h/db", 5],
    [
      "postgres://u@h/db?statement_timeout=7&sslmode=disable&statement_timeout=7",
      "postgres://u@h/db?sslmode=disable",
      7,
    ],
    [
      "postgres://u@h/db?options=statement_timeout%3D5",
      "postgres://u@h/db?options=statement_timeout%3D5",
      undefined,
    ],
    ["postgres://u@h/db?statement_timeout=9#frag", "postgres://u@h/db#frag", 9],
  ])("%s → %s, %s ms", (url, rest, ms) => {
    expect(liftStatementTimeout(url)).toEqual(
      ms === undefined ? { url: rest } : { url: rest, statementTimeoutMs: ms },
    );
  });

  it("refuses two statement_timeout values that disagree (pg took the last)", () => {
    expect(() => liftStatementTimeout("postgres://u@h/db?statement_timeout=0&statement_timeout=250")).toThrow(
      expect.objectContaining({ code: "VALIDATION_ERROR", message: expect.stringContaining("given once") }),
    );
  });

  it.each(["30s", "", "-1", "1.5", "99999999999"])(
    "refuses statement_timeout=%s: whole milliseconds only",
    (value) => {
      expect(() => liftStatementTimeout(`postgres://u@h/db?statement_timeout=${value}`)).toThrow(
        expect.objectContaining({
          code: "VALIDATION_ERROR",
          message: expect.stringContaining("whole milliseconds"),
        }),
      );
    },
  );
});

/**
 * A stand-in for PgBouncer's answer to a start-up message with a parameter it does not know: an
 * ErrorResponse (SQLSTATE 08P01) in the wire protocol, then the connection closes.
 */
function refusingPooler(): Promise<{ server: Server; port: number; startups: string[] }> {
  const startups: string[] = [];
  const server = createServer((socket) => {
    socket.once("data", (startup) => {
      startups.push(startup.toString("latin1"));
      const parameter = ["statement_timeout", "options"].find((name) => startup.includes(`${name}\0`));
      const message = parameter ? `unsupported startup parameter: ${parameter}` : "no such database: db";
      const fields = Buffer.from(`SFATAL\0C08P01\0M${message}\0\0`, "latin1");
      const header = Buffer.alloc(5);
      header.write("E", 0, "latin1");
      header.writeInt32BE(fields.length + 4, 1);
      socket.end(Buffer.concat([header, fields]));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : 0, startups });
    }),
  );
}

describe("a pooler that refuses start-up parameters", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("fails the start with what to do instead: statement_timeout=0 in the URL, the limit on the role", async () => {
    const pooler = await refusingPooler();
    server = pooler.server;
    // Without migrating, the first connection is the pool's, which sends the default 30 s limit.
    const opening = createStore({
      url: `postgres://app@127.0.0.1:${pooler.port}/db`,
      connectTimeoutMs: 2000,
      migrate: false,
    });
    await expect(opening).rejects.toThrow(
      /unsupported startup parameter: statement_timeout.*statement_timeout=0.*ALTER ROLE/,
    );
  });

  it("sends no statement_timeout for ?statement_timeout=0 (pg sent it even at 0)", async () => {
    const pooler = await refusingPooler();
    server = pooler.server;
    const opening = createStore({
      url: `postgres://app@127.0.0.1:${pooler.port}/db?statement_timeout=0&options=-c%20search_path%3Dapp`,
      connectTimeoutMs: 2000,
    });
    await expect(opening).rejects.toThrow(/unsupported startup parameter: options.*search_path/);
    expect(pooler.startups.length).toBeGreaterThan(0);
    expect(pooler.startups.every((startup) => !startup.includes("statement_timeout"))).toBe(true);
  });
});

describe("a schema the connection does not use", () => {
  it("fails the open instead of using another schema (a pooler that drops the search_path)", async () => {
    const url = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
    // The URL's options win over the store's, as a pooler's dropped parameter leaves the default.
    const opening = createStore({ url: `${url}?options=-c%20search_path%3Dpublic`, schema: "t_not_used" });
    await expect(opening).rejects.toThrow(/schema is public, not t_not_used.*ALTER ROLE/);
    const probe = await createStore({ url, migrate: false });
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
        where table_schema = 't_not_used'`.execute(probe.db);
      expect(rows[0]?.n).toBe(0);
      await sql`drop schema if exists t_not_used cascade`.execute(probe.db);
    } finally {
      await probe.close();
    }
  });
});
