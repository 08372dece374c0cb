import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresTestStore, type TestStore } from "../test-fixtures";

describe("PostgreSQL connections the server ends", () => {
  let ctx: TestStore;
  beforeAll(async () => {
    ctx = await openPostgresTestStore();
  });
  afterAll(async () => {
    await ctx?.dispose();
  });

  it("fails the transaction whose connection is terminated, and the process and store carry on", async () => {
    const { store } = ctx;
    let backend = 0;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const transaction = store.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      backend = rows[0]!.pid;
      started();
      await sql`select pg_sleep(10)`.execute(trx);
    });
    await running;
    await sql`select pg_terminate_backend(${backend})`.execute(store.db);
    // Before the fix the checked-out client's 'error' event had no listener and ended the
    // test process itself, so this line was never reached.
    await expect(transaction).rejects.toThrow(/terminat/i);
    expect(await store.ping()).toBe(true);
  });

  it("answers VALIDATION_ERROR, not a driver error, for text holding NUL, in writes and in reads", async () => {
    const { store } = ctx;
    await expect(store.transaction((tx) => tx.tenants.ensure("nul\u0000tenant"))).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      message: expect.stringContaining("NUL"),
    });
    await expect(store.read((tx) => tx.agents.get("acme", "agent\u0000x"))).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    expect(await store.ping()).toBe(true);
  });
});
