import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { BatchMemo, remembered, tablesWritten, tenantKey } from "./batch-memo";

// biome-ignore lint/suspicious/noExplicitAny: the statements below are only built, never typed against a schema
const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(":memory:") }) });
afterAll(() => db.destroy());

describe("tablesWritten", () => {
  it("names no table for a plain SELECT, locking or not", () => {
    expect(tablesWritten(db.selectFrom("agents").selectAll().toOperationNode())).toEqual([]);
    expect(tablesWritten(db.selectFrom("agents").selectAll().forUpdate().toOperationNode())).toEqual([]);
  });

  it("names the table an INSERT, UPDATE or DELETE writes", () => {
    expect(tablesWritten(db.insertInto("agents").values({ id: "a" }).toOperationNode())).toEqual(["agents"]);
    expect(tablesWritten(db.updateTable("audit_heads").set({ seq: 1 }).toOperationNode())).toEqual([
      "audit_heads",
    ]);
    expect(tablesWritten(db.deleteFrom("webhook_endpoints").toOperationNode())).toEqual([
      "webhook_endpoints",
    ]);
  });

  it("says all when the statement could write more than it names", () => {
    const cte = db.with("gone", (q) => q.selectFrom("agents").select("id"));
    expect(tablesWritten(cte.selectFrom("gone").selectAll().toOperationNode())).toBe("all");
    expect(tablesWritten(cte.insertInto("agents").values({ id: "a" }).toOperationNode())).toBe("all");
    expect(tablesWritten(db.updateTable("agents as a").set({ name: "x" }).toOperationNode())).toBe("all");
    expect(tablesWritten(db.updateTable("agents").from("tenants").set({ name: "x" }).toOperationNode())).toBe(
      "all",
    );
    expect(tablesWritten(sql`update agents set name = 'x'`.toOperationNode())).toBe("all");
  });
});

describe("BatchMemo", () => {
  it("remembers a value, null included, and reads once", async () => {
    const memo = new BatchMemo();
    let reads = 0;
    const read = async () => {
      reads += 1;
      return null;
    };
    expect(await remembered(memo, "agents", "a", read)).toBeNull();
    expect(await remembered(memo, "agents", "a", read)).toBeNull();
    expect(reads).toBe(1);
    expect(await remembered(undefined, "agents", "a", read)).toBeNull();
    expect(reads).toBe(2);
  });

  it("forgets the tables a statement built on a handle with its plugin writes", () => {
    const memo = new BatchMemo();
    const handle = db.withPlugin(memo.plugin);
    memo.set("agents", "a", 1);
    memo.set("audit_heads", "t", 2);
    handle.selectFrom("agents").selectAll().compile();
    expect([memo.has("agents", "a"), memo.has("audit_heads", "t")]).toEqual([true, true]);
    handle.insertInto("agents").values({ id: "a" }).compile();
    expect([memo.has("agents", "a"), memo.has("audit_heads", "t")]).toEqual([false, true]);
    handle.updateTable("intents").set({ status: "x" }).compile();
    expect(memo.has("audit_heads", "t")).toBe(true);
    sql`delete from audit_heads`.compile(handle);
    expect(memo.has("audit_heads", "t")).toBe(false);
  });

  it("keys a tenant's rows so that no two (tenant, id) pairs share a key", () => {
    expect(tenantKey("ab", "c")).not.toBe(tenantKey("a", "bc"));
  });
});
