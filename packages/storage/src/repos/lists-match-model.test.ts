import { type AuditEvent, type AuditFilter, buildAuditEvents, type IntentFilter } from "@intendedops/core";
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyStore } from "../kysely-store";
import {
  DIALECTS,
  isoAt,
  makeAgent,
  makeApproval,
  makeDelivery,
  makeEndpoint,
  makeIntent,
  randomSuffix,
  type TestStore,
} from "../test-fixtures";

/**
 * Every paginated list of the store against a naive model (filter + sort + slice in JS), on both
 * dialects, with ties on the sort key, pageSize 1..100, last pages and pages past the end: the
 * pages read from the nearer end and the audit chain's seq-range pages must answer exactly what
 * an offset over the sorted rows would. LISTS_SEED and LISTS_RUNS override the seed and run count.
 */

const SEED = Number(process.env.LISTS_SEED ?? 20260101);
const RUNS = Number(process.env.LISTS_RUNS ?? 12);

interface PageQuery {
  pageSize: number;
  /** which page: 0 first, 1 last, 2 one past the last, 3 far past, 4 random */
  pick: number;
  r: number;
}

const pageQuery = fc.record({
  pageSize: fc.oneof(
    { arbitrary: fc.constantFrom(1, 2, 3, 100), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: 10 }), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: 100 }), weight: 1 },
  ),
  pick: fc.constantFrom(0, 1, 1, 1, 2, 3, 4, 4, 4),
  r: fc.nat(),
});

function pageOf(q: PageQuery, total: number): number {
  const last = Math.max(1, Math.ceil(total / q.pageSize));
  return [1, last, last + 1, last + 1000, 1 + (q.r % (last + 1))][q.pick] as number;
}

function naivePage<T>(all: T[], page: number, pageSize: number): T[] {
  return all.slice((page - 1) * pageSize, page * pageSize);
}

/** Mostly absent: a filter of several keys at once rarely matches anything. */
const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
/** The record without its absent keys. */
const present = <T extends object>(record: T): T =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const suffix = fc.stringMatching(/^[a-c0-2]{1,3}$/);

describe.each(DIALECTS)("pagination against a naive model (%s)", (_name, open) => {
  let ctx: TestStore;
  let store: KyselyStore;
  beforeAll(async () => {
    ctx = await open();
    store = ctx.store;
  });
  afterAll(() => ctx?.dispose());

  it("intents, approvals, agents and deliveries page like filter + sort + slice", async () => {
    const row = fc.record({
      sec: fc.integer({ min: 0, max: 3 }),
      status: fc.constantFrom("pending", "completed", "failed" as const),
      agentId: fc.constantFrom("a1", "a2"),
      kind: fc.integer({ min: 0, max: 2 }),
      reqSec: fc.integer({ min: 0, max: 3 }),
      apprStatus: fc.constantFrom("pending", "approved", "rejected" as const),
    });
    const filter = fc
      .record({
        status: sometimes(fc.constantFrom("pending", "completed", "failed" as const)),
        agentId: sometimes(fc.constantFrom("a1", "a2", "zz")),
        type: sometimes(fc.constantFrom("billing.send_invoice", "billing.refund", "sales.open")),
        domain: sometimes(fc.constantFrom("billing", "sales")),
        createdFrom: sometimes(fc.integer({ min: 0, max: 4 }).map(isoAt)),
        createdBefore: sometimes(fc.integer({ min: 0, max: 4 }).map(isoAt)),
      })
      .map(present);
    const KINDS = [
      ["billing.send_invoice", "billing"],
      ["billing.refund", "billing"],
      ["sales.open", "sales"],
    ] as const;

    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(suffix, row), { maxLength: 40, size: "max", selector: ([s]) => s }),
        fc.array(fc.tuple(filter, pageQuery, fc.constantFrom("approved", "pending", undefined)), {
          minLength: 4,
          maxLength: 8,
        }),
        async (rows, queries) => {
          const tenantId = `t_${randomSuffix()}`;
          const other = `o_${randomSuffix()}`;
          const run = randomSuffix();
          const endpoint = makeEndpoint(tenantId);
          const otherEndpoint = makeEndpoint(other);
          const intents = rows.map(([s, r]) => {
            const [type, domain] = KINDS[r.kind] as readonly [string, string];
            return makeIntent(tenantId, `i${run}${s}`, r.agentId, {
              createdAt: isoAt(r.sec),
              status: r.status,
              type,
              domain,
            });
          });
          const approvals = rows.map(([s, r]) =>
            makeApproval(tenantId, `p${run}${s}`, `i${run}${s}`, {
              requestedAt: isoAt(r.reqSec),
              status: r.apprStatus,
            }),
          );
          // a1 and a2 own the intents (a deferred foreign key), listed among the agents.
          const agents = [
            makeAgent(tenantId, "a1", { createdAt: isoAt(1) }),
            makeAgent(tenantId, "a2", { createdAt: isoAt(1) }),
            ...rows.map(([s, r]) => makeAgent(tenantId, `g${s}`, { createdAt: isoAt(r.sec) })),
          ];
          const deliveries = rows.map(([s, r]) =>
            makeDelivery(endpoint, { id: `d${run}${s}`, createdAt: isoAt(r.sec) }),
          );
          await store.transaction(async (tx) => {
            await tx.webhooks.endpoints.insert(endpoint);
            await tx.webhooks.endpoints.insert(otherEndpoint);
            for (const i of intents) {
              await tx.intents.insert(i);
              // Another tenant's row just like it (ids differ: intent ids are global).
              await tx.intents.insert({ ...i, id: `x${i.id}`, tenantId: other });
            }
            for (const a of approvals) {
              await tx.approvals.insert(a);
              await tx.approvals.insert({
                ...a,
                id: `x${a.id}`,
                intentId: `x${a.intentId}`,
                tenantId: other,
              });
            }
            for (const g of agents) {
              await tx.agents.insert(g);
              await tx.agents.insert({ ...g, tenantId: other });
            }
            if (deliveries.length > 0) {
              await tx.webhooks.deliveries.insertMany(deliveries);
              await tx.webhooks.deliveries.insertMany(
                deliveries.map((d) =>
                  makeDelivery(otherEndpoint, { id: `x${d.id}`, createdAt: d.createdAt }),
                ),
              );
            }
          });

          const newestFirst =
            <T>(at: (t: T) => string, id: (t: T) => string) =>
            (a: T, b: T) =>
              cmp(at(b), at(a)) || cmp(id(b), id(a));
          const oldestFirst =
            <T>(at: (t: T) => string, id: (t: T) => string) =>
            (a: T, b: T) =>
              cmp(at(a), at(b)) || cmp(id(a), id(b));

          for (const [f, q, apprStatus] of queries) {
            const matches = intents.filter(
              (i) =>
                (f.status === undefined || i.status === f.status) &&
                (f.agentId === undefined || i.agentId === f.agentId) &&
                (f.type === undefined || i.type === f.type) &&
                (f.domain === undefined || i.domain === f.domain) &&
                (f.createdFrom === undefined || i.createdAt >= f.createdFrom) &&
                (f.createdBefore === undefined || i.createdAt < f.createdBefore),
            );
            matches.sort(
              newestFirst(
                (i) => i.createdAt,
                (i) => i.id,
              ),
            );
            const page = pageOf(q, matches.length);
            const got = await store.read((tx) =>
              tx.intents.list(tenantId, f as IntentFilter, { page, pageSize: q.pageSize }),
            );
            expect(
              { ids: got.items.map((i) => i.id), total: got.total, page: got.page, pageSize: got.pageSize },
              `intents ${JSON.stringify(f)} page ${page}`,
            ).toEqual({
              ids: naivePage(matches, page, q.pageSize).map((i) => i.id),
              total: matches.length,
              page,
              pageSize: q.pageSize,
            });

            const appr = approvals
              .filter((a) => apprStatus === undefined || a.status === apprStatus)
              .sort(
                newestFirst(
                  (a) => a.requestedAt,
                  (a) => a.id,
                ),
              );
            const apage = pageOf(q, appr.length);
            const gotA = await store.read((tx) =>
              tx.approvals.list(tenantId, apprStatus ? { status: apprStatus } : {}, {
                page: apage,
                pageSize: q.pageSize,
              }),
            );
            expect(
              { ids: gotA.items.map((a) => a.id), total: gotA.total },
              `approvals ${apprStatus} ${apage}`,
            ).toEqual({
              ids: naivePage(appr, apage, q.pageSize).map((a) => a.id),
              total: appr.length,
            });

            const ags = [...agents].sort(
              oldestFirst(
                (a) => a.createdAt,
                (a) => a.id,
              ),
            );
            const gotG = await store.read((tx) =>
              tx.agents.list(tenantId, { page: apage, pageSize: q.pageSize }),
            );
            expect({ ids: gotG.items.map((a) => a.id), total: gotG.total }, `agents ${apage}`).toEqual({
              ids: naivePage(ags, apage, q.pageSize).map((a) => a.id),
              total: ags.length,
            });

            const dels = [...deliveries].sort(
              newestFirst(
                (d) => d.createdAt,
                (d) => d.id,
              ),
            );
            const gotD = await store.webhooks.deliveries.list(tenantId, endpoint.id, {
              page: apage,
              pageSize: q.pageSize,
            });
            expect({ ids: gotD.items.map((d) => d.id), total: gotD.total }, `deliveries ${apage}`).toEqual({
              ids: naivePage(dels, apage, q.pageSize).map((d) => d.id),
              total: dels.length,
            });
          }
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
  }, 60_000);

  describe("audit list", () => {
    const draft = fc.record({
      eventType: fc.constantFrom("intent.submitted", "intent.approved"),
      agentId: fc.constantFrom("a1", "a2", undefined),
      intentId: fc.constantFrom("i1", "i2", undefined),
      actor: fc.constant("key_1"),
      data: fc.constant({ n: 1 }),
    });
    const batch = fc.record({
      // Clock may step back: timestamps need not rise along the chain.
      ms: fc.constantFrom(0, 1, 999, 1000, 1001, 5000),
      drafts: fc.array(draft, { minLength: 1, maxLength: 8, size: "max" }),
    });
    const T0 = Date.UTC(2026, 0, 1);
    const bound = (stamps: number[]) =>
      fc.oneof(
        fc.constantFrom(...stamps).map((t) => new Date(T0 + t).toISOString()),
        fc.constantFrom(-1, 0, 1, 998, 1002, 4999, 6000).map((t) => new Date(T0 + t).toISOString()),
      );
    const STAMPS = [0, 1, 999, 1000, 1001, 5000];
    const auditFilter = fc
      .record({
        eventType: sometimes(fc.constantFrom("intent.submitted", "intent.approved", "nope")),
        agentId: sometimes(fc.constantFrom("a1", "a2")),
        intentId: sometimes(fc.constantFrom("i1", "i2")),
        fromDate: sometimes(bound(STAMPS)),
        toDate: sometimes(bound(STAMPS)),
      })
      .map(present);

    /** A chain written the way the governor writes it; answers its events. */
    async function writeChain(tenantId: string, batches: { ms: number; drafts: object[] }[]) {
      const all: AuditEvent[] = [];
      for (const b of batches) {
        await store.transaction(async (tx) => {
          const head = await tx.audit.lockHead(tenantId);
          const events = buildAuditEvents(head, b.drafts as never, { tenantId, now: T0 + b.ms });
          await tx.audit.append(tenantId, events);
          all.push(...events);
        });
      }
      return all;
    }

    async function check(tenantId: string, model: AuditEvent[], f: AuditFilter, q: PageQuery) {
      const matches = model
        .filter(
          (e) =>
            (f.eventType === undefined || e.eventType === f.eventType) &&
            (f.agentId === undefined || e.agentId === f.agentId) &&
            (f.intentId === undefined || e.intentId === f.intentId) &&
            (f.fromDate === undefined || e.timestamp >= f.fromDate) &&
            (f.toDate === undefined || e.timestamp <= f.toDate),
        )
        .sort((a, b) => a.seq - b.seq);
      const page = pageOf(q, matches.length);
      const got = await store.read((tx) => tx.audit.list(tenantId, f, { page, pageSize: q.pageSize }));
      expect(
        { seqs: got.items.map((e) => e.seq), total: got.total },
        `audit ${JSON.stringify(f)} page ${page} size ${q.pageSize}`,
      ).toEqual({ seqs: naivePage(matches, page, q.pageSize).map((e) => e.seq), total: matches.length });
    }

    it("pages an untouched chain like filter + sort by seq + slice", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(batch, { minLength: 0, maxLength: 6, size: "max" }),
          fc.array(fc.tuple(auditFilter, pageQuery), { minLength: 1, maxLength: 8 }),
          async (batches, queries) => {
            const tenantId = `t_${randomSuffix()}`;
            const model = await writeChain(tenantId, batches);
            await writeChain(`o_${randomSuffix()}`, batches);
            for (const [f, q] of queries) await check(tenantId, model, f, q);
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
    }, 60_000);

    it("pages a chain with gaps and rows stored before seq 1 (edited in the database)", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(batch, { minLength: 1, maxLength: 5, size: "max" }),
          fc.array(fc.nat(), { maxLength: 3 }),
          fc.subarray([0, -1]),
          fc.array(fc.tuple(auditFilter, pageQuery), { minLength: 1, maxLength: 6 }),
          async (batches, deletes, below, queries) => {
            const tenantId = `t_${randomSuffix()}`;
            let model = await writeChain(tenantId, batches);
            const gone = new Set(deletes.map((d) => model[d % model.length]?.seq));
            for (const seq of gone) {
              await sql`delete from audit_events where tenant_id = ${tenantId} and seq = ${seq}`.execute(
                store.db,
              );
            }
            model = model.filter((e) => !gone.has(e.seq));
            const first = model[0];
            if (first) {
              for (const seq of below) {
                // A copy of the first stored event at seq 0 / -1, as the tampering tests write it.
                await sql`insert into audit_events (tenant_id, seq, id, event_type, actor, agent_id, intent_id, data, timestamp, prev_hash, hash, leaf_hash)
                  select tenant_id, ${seq}, id || ${`_${seq}`}, event_type, actor, agent_id, intent_id, data,
                         timestamp, prev_hash, hash, leaf_hash
                  from audit_events where tenant_id = ${tenantId} and seq = ${first.seq}`.execute(store.db);
                model.push({ ...first, seq });
              }
            }
            for (const [f, q] of queries) await check(tenantId, model, f, q);
            // The whole chain (no filter) too, the path that reads pages as seq ranges.
            for (const [, q] of queries) await check(tenantId, model, {}, q);
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
    }, 60_000);

    it("minimal: rows at seq 0 with one gap are hidden from the unfiltered list", async () => {
      const tenantId = `t_${randomSuffix()}`;
      const d = { eventType: "intent.submitted", actor: "key_1", data: {} };
      await writeChain(tenantId, [{ ms: 0, drafts: [d, d, d] }]);
      // seqs 1,2,3 → delete 2, copy 1 to 0: stored seqs {0,1,3}; count 3 = max seq 3.
      await sql`delete from audit_events where tenant_id = ${tenantId} and seq = 2`.execute(store.db);
      await sql`insert into audit_events (tenant_id, seq, id, event_type, actor, agent_id, intent_id, data, timestamp, prev_hash, hash, leaf_hash)
        select tenant_id, 0, id || '_0', event_type, actor, agent_id, intent_id, data, timestamp, prev_hash, hash, leaf_hash
        from audit_events where tenant_id = ${tenantId} and seq = 1`.execute(store.db);
      const list = (page: number, pageSize: number) =>
        store.read((tx) => tx.audit.list(tenantId, {}, { page, pageSize }));
      const everything = await list(1, 100);
      const filtered = await store.read((tx) =>
        tx.audit.list(tenantId, { fromDate: "2000-01-01T00:00:00.000Z" }, { page: 1, pageSize: 100 }),
      );
      expect({ total: filtered.total, seqs: filtered.items.map((e) => e.seq) }).toEqual({
        total: 3,
        seqs: [0, 1, 3],
      });
      expect({ total: everything.total, seqs: everything.items.map((e) => e.seq) }).toEqual({
        total: 3,
        seqs: [0, 1, 3],
      });
    });
  });
});
