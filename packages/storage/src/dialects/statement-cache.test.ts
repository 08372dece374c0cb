import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { withStatementCache } from "./statement-cache";

describe("withStatementCache", () => {
  it("returns the same prepared statement when the SQL text repeats", () => {
    const database = withStatementCache(new BetterSqlite3(":memory:"));
    const first = database.prepare("select ? as value");
    expect(database.prepare("select ? as value")).toBe(first);
    expect(database.prepare("select ? as other")).not.toBe(first);
    expect(first.all([7])).toEqual([{ value: 7 }]);
    database.close();
  });

  it("evicts the oldest statement when the cache is full", () => {
    const database = withStatementCache(new BetterSqlite3(":memory:"), 2);
    const one = database.prepare("select 1");
    const two = database.prepare("select 2");
    database.prepare("select 3");
    expect(database.prepare("select 2")).toBe(two);
    expect(database.prepare("select 1")).not.toBe(one);
    database.close();
  });
});
