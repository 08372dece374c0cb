import { createGovernor } from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoiceCatalog, openPostgresTestStore, randomSuffix, type TestStore } from "./test-fixtures";

/**
 * On PostgreSQL every statement is a round trip, and the ones run while the tenant's audit head is
 * locked are round trips that all the tenant's other writers wait for. This pins down what one
 * submission sends, so a change that adds a statement shows up here rather than only as a slower
 * benchmark (docs/benchmarks.md, "PostgreSQL").
 */

const catalog = invoiceCatalog("low");

/** The first words of a statement, enough to tell them apart. */
const kind = (sql: string) =>
  sql
    .replace(/\s+/g, " ")
    .match(/^(begin|commit|with "\w+"|select .*? from "\w+"|insert into "\w+"|update "\w+")/)?.[0] ?? sql;

describe("a submission's statements on PostgreSQL", () => {
  let ctx: TestStore;
  const statements: string[] = [];
  let recording = false;
  const record = (entry: { sql?: string }) => {
    if (recording && entry.sql) statements.push(kind(entry.sql));
  };

  beforeAll(async () => {
    ctx = await openPostgresTestStore({
      logger: { debug: record, warn: record },
      slowQueryMs: 0,
    });
  });
  afterAll(() => ctx.dispose());

  /** The statements of one submission of `extra`'s body, the tenant's second (its rules cached). */
  async function statementsOfSubmission(extra: { idempotencyKey?: string } = {}): Promise<string[]> {
    const { store } = ctx;
    const governor = createGovernor({ store, catalog });
    const tenantId = `rt_${randomSuffix()}`;
    await store.tenants.ensure(tenantId, tenantId);
    const admin = { tenantId, id: "key_admin", kind: "key" as const };
    await governor.registerAgent(admin, { name: "Billing Agent", domains: ["billing"] });
    await governor.setTrust(admin, "billing-agent", { tier: "T3", reason: "test" });
    const body = {
      type: "billing.send_invoice",
      domain: "billing",
      agentId: "billing-agent",
      params: { customerId: "cust_1", amount: 10 },
    };
    // Warm the rules cache, as every submission after a tenant's first finds it.
    await governor.submit(admin, body);
    statements.length = 0;
    recording = true;
    const { intent } = await governor.submit(admin, { ...body, ...extra });
    recording = false;
    expect(intent.status).toBe("approved");
    return [...statements];
  }

  it("sends six statements, three of them while the audit head is locked", async () => {
    expect(await statementsOfSubmission()).toEqual([
      "begin",
      // The agent, with both rule revisions of its tenant in subqueries.
      'select *, (select "revision" from "tenant_revisions"',
      // The intent with its ambient cluster's rollup.
      'with "inserted"',
      'select "seq", "hash" from "audit_heads"',
      // The audit event, the head's compare-and-set and the webhook subscriptions.
      'with "moved"',
      "commit",
    ]);
  });

  it("sends two more with an idempotency key: its lookup and its record, both before the lock", async () => {
    expect(await statementsOfSubmission({ idempotencyKey: "order-1" })).toEqual([
      "begin",
      'select * from "idempotency_keys"',
      'select *, (select "revision" from "tenant_revisions"',
      'with "inserted"',
      'insert into "idempotency_keys"',
      'select "seq", "hash" from "audit_heads"',
      'with "moved"',
      "commit",
    ]);
  });
});
