import {
  buildAuditEvents,
  type Intent,
  type IntentFilter,
  type PageRequest,
  type ValueRepo,
} from "@intendedops/core";
import { type CompiledQuery, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAdapter } from "../dialects/postgres";
import { kyselySqlRunner } from "../dialects/sql-runner";
import { sqliteAdapter } from "../dialects/sqlite";
import type { KyselyStore } from "../kysely-store";
import {
  DIALECTS,
  isoAt,
  makeAgent,
  makeApproval,
  makeIntent,
  makeValueRecord,
  randomSuffix,
  type TestStore,
} from "../test-fixtures";
import { type Plan, planOf, recordingDb } from "../test-query-plans";
import { createApprovalRepo } from "./approval-repo";
import { createAuditRepo } from "./audit-repo";
import { createIntentRepo, prepareIntentSql } from "./intent-repo";
import { createValueRepo } from "./value-repo";

/**
 * The list reads of a tenant with a year of data must be answered from an index that holds their
 * filter and their order: a page then reads its own rows, and a count reads index entries of its
 * filter only. These tests capture the SQL the repos run and ask the database for its plan (on
 * PostgreSQL with sequential scans and sorts discouraged, since its planner prefers them on tiny
 * tables); they fail when a read would walk the whole tenant or sort it.
 */

/** Repos on a handle that records every compiled statement. */
function capturing(store: KyselyStore) {
  const { db, queries } = recordingDb(store);
  const runner = kyselySqlRunner(db);
  const adapter = store.dialect === "sqlite" ? sqliteAdapter : postgresAdapter("public");
  return {
    queries,
    intents: createIntentRepo(db, adapter, prepareIntentSql(db, adapter), runner),
    // list() uses neither the prepared statements nor the adapter.
    approvals: createApprovalRepo(db, undefined as never, undefined as never, runner),
    audit: createAuditRepo(db, undefined as never, runner),
    values: createValueRepo(db) as ValueRepo,
  };
}

/** The statement of `queries` that reads `table` and matches `shape` (rows vs count). */
function statement(queries: CompiledQuery[], table: string, kind: "rows" | "count"): CompiledQuery {
  const found = queries.filter(
    (q) =>
      new RegExp(`from "${table}"`).test(q.sql) &&
      (kind === "count" ? /count\(/.test(q.sql) : / limit /.test(q.sql)),
  );
  const last = found[found.length - 1];
  if (!last)
    throw new Error(`no ${kind} statement on ${table} among ${queries.map((q) => q.sql).join("\n")}`);
  return last;
}

/**
 * Searched by an index whose condition names every column of `columns` (or of one of
 * `alternatives`): no walk over the tenant's rows.
 */
function expectIndexed(
  plan: Plan,
  columns: string[],
  options: { sorted: boolean; alternatives?: string[][] },
): void {
  expect(plan.tableScans).toEqual([]);
  if (options.sorted) expect(plan.sorts).toBe(false);
  const accepted = [columns, ...(options.alternatives ?? [])];
  expect(
    plan.indexes.some(({ condition }) =>
      accepted.some((set) => set.every((column) => new RegExp(`\\b${column}\\b`).test(condition))),
    ),
    `an index searched by ${accepted.map((set) => set.join(", ")).join(" or ")} in ${JSON.stringify(plan.indexes)}`,
  ).toBe(true);
}

const PAGE: PageRequest = { page: 3, pageSize: 5 };

describe.each(DIALECTS)("list reads are served by indexes (%s)", (_name, open) => {
  let testStore: TestStore;
  let store: KyselyStore;
  const tenantId = `t-${randomSuffix()}`;
  const statuses = ["pending", "approved", "completed", "failed"] as const;
  const seeded: Intent[] = [];

  beforeAll(async () => {
    testStore = await open();
    store = testStore.store;
    await store.transaction(async (tx) => {
      await tx.tenants.ensure(tenantId);
      for (const agent of ["a1", "a2", "a3"]) await tx.agents.insert(makeAgent(tenantId, agent));
      for (let i = 0; i < 40; i++) {
        const domain = i % 2 === 0 ? "billing" : "support";
        const id = `int_${tenantId}_${String(i).padStart(3, "0")}`;
        const intent = makeIntent(tenantId, id, `a${(i % 3) + 1}`, {
          status: statuses[i % statuses.length],
          domain,
          type: `${domain}.t${i % 5}`,
          createdAt: isoAt(i),
        });
        seeded.push(intent);
        await tx.intents.insert(intent);
        await tx.approvals.insert(
          makeApproval(tenantId, `apr_${tenantId}_${i}`, id, {
            status: i % 2 === 0 ? "pending" : "approved",
            requestedAt: isoAt(i),
          }),
        );
        await tx.values.insert(
          makeValueRecord(tenantId, `val_${tenantId}_${i}`, id, `a${(i % 3) + 1}`, {
            category: i % 2 === 0 ? "revenue" : "cost_savings",
          }),
        );
      }
    });
    // PostgreSQL plans by statistics (an installation's autovacuum keeps them); SQLite has none.
    if (store.dialect === "postgres")
      await sql`analyze intents, approvals, value_records, audit_events`.execute(store.db);
  });
  afterAll(() => testStore.dispose());

  const intentCases: [string, IntentFilter, string[]][] = [
    ["status", { status: "completed" }, ["tenant_id", "status"]],
    ["agent", { agentId: "a2" }, ["tenant_id", "agent_id"]],
    ["type", { type: "billing.t2" }, ["tenant_id", "type"]],
    ["domain", { domain: "support" }, ["tenant_id", "domain"]],
    // Combined with a status, the other filter's index (which ends in status) must serve it:
    // before, SQLite took the status index and read every row of that status.
    ["agent and status", { agentId: "a2", status: "completed" }, ["tenant_id", "agent_id"]],
    ["type and status", { type: "billing.t2", status: "pending" }, ["tenant_id", "type"]],
    ["domain and status", { domain: "support", status: "failed" }, ["tenant_id", "domain"]],
  ];

  it.each(intentCases)(
    "intents by %s: the page in order from an index, the count from its entries",
    async (_label, filter, columns) => {
      const repos = capturing(store);
      const expected = seeded
        .filter(
          (intent) =>
            (filter.status === undefined || intent.status === filter.status) &&
            (filter.agentId === undefined || intent.agentId === filter.agentId) &&
            (filter.type === undefined || intent.type === filter.type) &&
            (filter.domain === undefined || intent.domain === filter.domain),
        )
        .map((intent) => intent.id)
        .reverse();
      expect(expected.length).toBeGreaterThan(0);
      const all = await repos.intents.list(tenantId, filter, { page: 1, pageSize: 100 });
      expect(all.items.map((intent) => intent.id)).toEqual(expected);
      expect(all.total).toBe(expected.length);
      // PostgreSQL may pick the status index for a status combined with another filter (it knows
      // how many rows each holds); SQLite must take the other filter's index, which holds status.
      const combined = filter.status !== undefined && columns[1] !== "status";
      const alternatives = combined && store.dialect === "postgres" ? [["tenant_id", "status"]] : [];
      // The first page is read from the front of the index, the last one from its back.
      const lastPage = Math.ceil(expected.length / 2);
      const pages: [number, "asc" | "desc"][] = [[1, "desc"]];
      if (lastPage > 1) pages.push([lastPage, "asc"]);
      for (const [page, order] of pages) {
        repos.queries.length = 0;
        const listed = await repos.intents.list(tenantId, filter, { page, pageSize: 2 });
        expect(listed.items.map((intent) => intent.id)).toEqual(expected.slice((page - 1) * 2, page * 2));
        const rows = statement(repos.queries, "intents", "rows");
        expect(rows.sql).toContain(`"id" ${order}`);
        expectIndexed(await planOf(store, rows), columns, { sorted: true, alternatives });
      }
      expectIndexed(await planOf(store, statement(repos.queries, "intents", "count")), columns, {
        sorted: false,
        alternatives,
      });
    },
  );

  it("approvals, by status and all of them, come in list order from an index", async () => {
    for (const [filter, columns, lastPage] of [
      [{ status: "approved" as const }, ["tenant_id", "status"], 4],
      [{}, ["tenant_id"], 8],
    ] as const) {
      for (const [page, order] of [
        [1, "desc"],
        [lastPage, "asc"],
      ] as const) {
        const repos = capturing(store);
        const listed = await repos.approvals.list(tenantId, filter, { page, pageSize: 5 });
        expect(listed.items.length).toBe(5);
        expect(statement(repos.queries, "approvals", "rows").sql).toContain(`"id" ${order}`);
        expectIndexed(await planOf(store, statement(repos.queries, "approvals", "rows")), [...columns], {
          sorted: true,
        });
      }
    }
  });

  it("audit by date: counted from the time index, the page read in chain order inside the seq window", async () => {
    const auditTenant = `t-${randomSuffix()}`;
    // Four days of ten events each: seq 1-10 on 2 January … seq 31-40 on 5 January.
    for (let day = 0; day < 4; day++) {
      await store.transaction(async (tx) => {
        const head = await tx.audit.lockHead(auditTenant);
        const drafts = Array.from({ length: 10 }, (_, i) => ({
          eventType: "intent.submitted",
          actor: "key_1",
          intentId: `int_${day}_${i}`,
          data: { i },
        }));
        await tx.audit.append(
          auditTenant,
          buildAuditEvents(head, drafts, { tenantId: auditTenant, now: Date.UTC(2026, 0, 2 + day, 12) }),
        );
      });
    }
    const repos = capturing(store);
    const filter = { fromDate: "2026-01-03T00:00:00.000Z", toDate: "2026-01-04T23:59:59.999Z" };
    const page = await repos.audit.list(auditTenant, filter, { page: 2, pageSize: 6 });
    expect(page.total).toBe(20);
    expect(page.items.map((event) => event.seq)).toEqual([17, 18, 19, 20, 21, 22]);
    const last = await repos.audit.list(auditTenant, filter, { page: 4, pageSize: 6 });
    expect(last.items.map((event) => event.seq)).toEqual([29, 30]);
    expect(await repos.audit.list(auditTenant, filter, { page: 5, pageSize: 6 })).toMatchObject({
      items: [],
      total: 20,
    });
    expect((await repos.audit.list(auditTenant, { fromDate: "2027-01-01T00:00:00.000Z" }, PAGE)).total).toBe(
      0,
    );
    repos.queries.length = 0;
    await repos.audit.list(auditTenant, filter, { page: 2, pageSize: 6 });
    expectIndexed(
      await planOf(store, statement(repos.queries, "audit_events", "count")),
      ["tenant_id", "timestamp"],
      {
        sorted: false,
      },
    );
    // Before: the time index's rows, all of them sorted by seq for every page.
    expectIndexed(
      await planOf(store, statement(repos.queries, "audit_events", "rows")),
      ["tenant_id", "seq"],
      {
        sorted: true,
      },
    );
  });

  it("the whole audit chain: page N is a seq range of the primary key, and an offset past a gap", async () => {
    const chainTenant = `t-${randomSuffix()}`;
    await store.transaction(async (tx) => {
      const head = await tx.audit.lockHead(chainTenant);
      const drafts = Array.from({ length: 30 }, (_, i) => ({
        eventType: "intent.submitted",
        actor: "key_1",
        intentId: `int_${i}`,
        data: { i },
      }));
      await tx.audit.append(
        chainTenant,
        buildAuditEvents(head, drafts, { tenantId: chainTenant, now: Date.UTC(2026, 0, 2) }),
      );
    });
    const repos = capturing(store);
    const page = await repos.audit.list(chainTenant, {}, { page: 3, pageSize: 5 });
    expect(page).toMatchObject({ total: 30, page: 3, pageSize: 5 });
    expect(page.items.map((event) => event.seq)).toEqual([11, 12, 13, 14, 15]);
    // Before: `offset 10`, which walks every skipped entry (PostgreSQL: every skipped row).
    const rows = statement(repos.queries, "audit_events", "rows");
    expect(rows.sql).not.toMatch(/ offset /);
    expectIndexed(await planOf(store, rows), ["tenant_id", "seq"], { sorted: true });
    expect(
      (await repos.audit.list(chainTenant, {}, { page: 6, pageSize: 5 })).items.map((e) => e.seq),
    ).toEqual([26, 27, 28, 29, 30]);
    expect(await repos.audit.list(chainTenant, {}, { page: 7, pageSize: 5 })).toMatchObject({
      items: [],
      total: 30,
    });
    // Rows deleted around the chain: seq no longer counts rows, so the page is an offset again.
    await sql`delete from audit_events where tenant_id = ${chainTenant} and seq = 4`.execute(store.db);
    const gapped = await repos.audit.list(chainTenant, {}, { page: 1, pageSize: 5 });
    expect(gapped.total).toBe(29);
    expect(gapped.items.map((event) => event.seq)).toEqual([1, 2, 3, 5, 6]);
    expect(
      (await repos.audit.list(chainTenant, {}, { page: 2, pageSize: 5 })).items.map((e) => e.seq),
    ).toEqual([7, 8, 9, 10, 11]);
  });

  it("an agent's counts by status and value totals read that agent's index entries only", async () => {
    const expectedCounts: Record<string, number> = {};
    const expectedValues: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      if (i % 3 !== 1) continue;
      const status = statuses[i % statuses.length] as string;
      expectedCounts[status] = (expectedCounts[status] ?? 0) + 1;
      const category = i % 2 === 0 ? "revenue" : "cost_savings";
      expectedValues[category] = (expectedValues[category] ?? 0) + 2500;
    }
    const repos = capturing(store);
    expect(await repos.intents.countByStatus(tenantId, "a2")).toEqual(expectedCounts);
    expect(await repos.values.totals(tenantId, { agentId: "a2" })).toEqual(expectedValues);
    const [counted, summed] = [/from "intents"/, /from "value_records"/].map((table) => {
      const query = repos.queries.find((q) => table.test(q.sql));
      if (!query) throw new Error(`no statement ${table}`);
      return query;
    }) as [CompiledQuery, CompiledQuery];
    // Before: grouped by status, SQLite walked the whole tenant's status index to skip a sort.
    expectIndexed(await planOf(store, counted), ["tenant_id", "agent_id"], { sorted: true });
    expectIndexed(await planOf(store, summed), ["tenant_id", "agent_id"], { sorted: true });
    expect(await repos.intents.countByStatus(tenantId, "nobody")).toEqual({});
  });

  it("value totals read the tenant's index entries only", async () => {
    const repos = capturing(store);
    expect(await repos.values.totals(tenantId)).toEqual({ revenue: 20 * 2500, cost_savings: 20 * 2500 });
    const query = repos.queries.find((q) => /from "value_records"/.test(q.sql));
    if (!query) throw new Error("no value_records statement");
    const plan = await planOf(store, query);
    expectIndexed(plan, ["tenant_id"], { sorted: true });
    expect(plan.indexes.map(({ name }) => name)).toContain("value_records_category");
  });
});
