import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AuditEvent, buildAuditEvents, computeHashes } from "@intendedops/core";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  BILLING_AGENT,
  createTestApp,
  DIALECTS,
  OTHER_TENANT,
  submitInvoice,
  TENANT,
  type TestApp,
} from "./support/test-app";

/**
 * An auditor who does not trust the database operator: every row below is edited with SQL,
 * around the API, and GET /v1/audit/verify (and the offline script of docs/audit.md, run on an
 * export of GET /v1/audit pages) must say that and where — or, for what docs/audit.md says
 * cannot be seen without an external anchor, must still answer "valid" (pinned so the docs
 * stay true).
 */

const OFFLINE = fileURLToPath(
  new URL("../../../packages/core/examples/verify-audit-offline.mjs", import.meta.url),
);

// biome-ignore lint/suspicious/noExplicitAny: rows are read and written back as the database gives them.
type Row = Record<string, any>;

interface Verification {
  valid: boolean;
  eventCount: number;
  firstInvalidSeq?: number;
  headHash?: string;
}

const workDir = mkdtempSync(join(tmpdir(), "audit-tamper-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe.each(DIALECTS)("tampering with the audit chain in the database (%s)", (dialect) => {
  let t: TestApp;
  /** The untouched rows and heads of both tenants, restored before each case. */
  let pristine: { events: Row[]; heads: Row[] };
  /** The number of events in TENANT's untouched chain. */
  let n: number;

  const events = (tenant = TENANT): Promise<Row[]> =>
    t.store.db
      .selectFrom("audit_events")
      .selectAll()
      .where("tenant_id", "=", tenant)
      .orderBy("seq")
      .execute();

  const row = async (seq: number, tenant = TENANT): Promise<Row> => {
    const found = (await events(tenant)).find((r) => Number(r.seq) === seq);
    if (!found) throw new Error(`no row ${tenant}/${seq}`);
    return found;
  };

  /** TENANT's untouched row at `seq`. */
  const original = (seq: number): Row => {
    const found = pristine.events.find((r) => r.tenant_id === TENANT && Number(r.seq) === seq);
    if (!found) throw new Error(`no pristine row ${seq}`);
    return found;
  };

  const update = (seq: number, set: Row, tenant = TENANT) =>
    t.store.db
      .updateTable("audit_events")
      .set(set)
      .where("tenant_id", "=", tenant)
      .where("seq", "=", seq)
      .execute();

  const remove = (seqs: number[], tenant = TENANT) =>
    t.store.db.deleteFrom("audit_events").where("tenant_id", "=", tenant).where("seq", "in", seqs).execute();

  // Rows as the database gave them (or edited on purpose), not as the typed schema would insert them.
  const insert = (rows: Row[]) =>
    t.store.db
      .insertInto("audit_events")
      .values(rows as never)
      .execute();

  const setHead = (seq: number, hash: string, tenant = TENANT) =>
    t.store.db.updateTable("audit_heads").set({ seq, hash }).where("tenant_id", "=", tenant).execute();

  const toEvent = (r: Row): AuditEvent => ({
    id: r.id,
    tenantId: r.tenant_id,
    seq: Number(r.seq),
    eventType: r.event_type,
    actor: r.actor,
    agentId: r.agent_id,
    intentId: r.intent_id,
    data: JSON.parse(r.data),
    timestamp: r.timestamp,
    prevHash: r.prev_hash,
    hash: r.hash,
    leafHash: r.leaf_hash,
  });

  const toRow = (e: AuditEvent): Row => ({
    tenant_id: e.tenantId,
    seq: e.seq,
    id: e.id,
    event_type: e.eventType,
    actor: e.actor,
    agent_id: e.agentId,
    intent_id: e.intentId,
    data: JSON.stringify(e.data),
    timestamp: e.timestamp,
    prev_hash: e.prevHash,
    hash: e.hash,
    leaf_hash: e.leafHash,
  });

  /** A well-formed event (correct hashes) that continues `after`, as an operator could forge one. */
  const forge = (after: { seq: number; hash: string }, tenant = TENANT): AuditEvent => {
    const [event] = buildAuditEvents(
      after,
      [{ eventType: "intent.approved", actor: "key_forged", intentId: "int_forged", data: { forged: true } }],
      { tenantId: tenant, now: Date.parse("2026-03-02T10:00:00.000Z"), newId: () => "evt_forged" },
    );
    return event as AuditEvent;
  };

  /** The row's hashes recomputed over its (edited) body and the given prevHash. */
  const rehash = (r: Row, prevHash = r.prev_hash as string): Row => {
    const { hash, leafHash } = computeHashes(toEvent(r), prevHash);
    return { ...r, prev_hash: prevHash, hash, leaf_hash: leafHash };
  };

  const verify = async (
    key = t.keys.read_only,
    anchor?: { seq: number; hash: string },
  ): Promise<Verification> =>
    t.data(
      "GET",
      anchor ? `/v1/audit/verify?anchorSeq=${anchor.seq}&anchorHash=${anchor.hash}` : "/v1/audit/verify",
      {
        key,
      },
    );

  /** Every page of GET /v1/audit, concatenated, as docs/audit.md tells an auditor to export. */
  const exportAll = async (key = t.keys.read_only): Promise<AuditEvent[]> => {
    const all: AuditEvent[] = [];
    for (let page = 1; ; page++) {
      const { items } = await t.data("GET", `/v1/audit?page=${page}&pageSize=100`, { key });
      all.push(...items);
      if (items.length < 100) return all;
    }
  };

  /** The offline verifier of docs/audit.md over the export: its result line and exit status. */
  const offline = async (key?: string): Promise<Verification & { status: number | null }> => {
    const file = join(workDir, `${dialect}-events.json`);
    writeFileSync(file, JSON.stringify(await exportAll(key)));
    const run = spawnSync(process.execPath, [OFFLINE, file], { encoding: "utf8" });
    return { ...JSON.parse(run.stdout), status: run.status };
  };

  const invalidAt = (firstInvalidSeq: number, eventCount = n): Verification => ({
    valid: false,
    eventCount,
    firstInvalidSeq,
  });

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    for (let i = 0; i < 3; i++) {
      const { approvalId } = await submitInvoice(t);
      if (approvalId) await t.data("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
    }
    await t.data("POST", "/v1/agents", {
      key: t.keys.other,
      body: { name: "Other Agent", domains: ["sales"] },
    });
    const tenants = [TENANT, OTHER_TENANT];
    pristine = {
      events: await t.store.db
        .selectFrom("audit_events")
        .selectAll()
        .where("tenant_id", "in", tenants)
        .execute(),
      heads: await t.store.db
        .selectFrom("audit_heads")
        .selectAll()
        .where("tenant_id", "in", tenants)
        .execute(),
    };
    n = (await events()).length;
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    const tenants = [TENANT, OTHER_TENANT];
    await t.store.db.deleteFrom("audit_events").where("tenant_id", "in", tenants).execute();
    await t.store.db.deleteFrom("audit_heads").where("tenant_id", "in", tenants).execute();
    await insert(pristine.events);
    await t.store.db
      .insertInto("audit_heads")
      .values(pristine.heads as never)
      .execute();
  });

  it("accepts the untouched chain, on the server and offline", async () => {
    expect(n).toBeGreaterThanOrEqual(12);
    expect(await verify()).toMatchObject({ valid: true, eventCount: n });
    expect(await offline()).toMatchObject({ valid: true, eventCount: n, status: 0 });
    expect(await verify(t.keys.other)).toMatchObject({ valid: true, eventCount: 2 });
  });

  describe("one field of one event edited", () => {
    it.each([
      ["data", (r: Row) => ({ data: JSON.stringify({ ...JSON.parse(r.data), forged: 1 }) })],
      ["event type", () => ({ event_type: "intent.rejected" })],
      ["actor", () => ({ actor: "key_someone_else" })],
      ["timestamp", () => ({ timestamp: "2026-03-02T09:59:59.000Z" })],
      ["intent id", () => ({ intent_id: "int_other" })],
      ["agent id", (r: Row) => ({ agent_id: r.agent_id === null ? "billing-agent" : null })],
      ["id", () => ({ id: "evt_other" })],
      ["prev hash", () => ({ prev_hash: "1".repeat(64) })],
      ["hash", () => ({ hash: "2".repeat(64) })],
      ["leaf hash", () => ({ leaf_hash: "3".repeat(64) })],
      ["hash, spelled in capitals", (r: Row) => ({ hash: String(r.hash).toUpperCase() })],
    ])("reports the edited seq when its %s changed", async (_field, edit) => {
      for (const seq of [1, 6, n]) {
        await update(seq, edit(await row(seq)));
        expect(await verify(), `seq ${seq}`).toEqual(invalidAt(seq));
        expect(await offline(), `seq ${seq}`).toEqual({ ...invalidAt(seq), status: 1 });
        await update(seq, original(seq));
      }
    });

    it("reports the edited seq when a timestamp names the same instant in another spelling", async () => {
      const original = await row(4);
      await update(4, { timestamp: String(original.timestamp).replace(".000Z", "Z") });
      expect(await verify()).toEqual(invalidAt(4));
    });

    it.each([
      ["a JSON array", "[1,2]"],
      ["JSON null", "null"],
      ["a JSON string", '"x"'],
      ["a number too large for a double", '{"amount":1e400}'],
    ])("reports the edited seq when data became %s", async (_what, data) => {
      await update(5, { data });
      expect(await verify()).toEqual(invalidAt(5));
    });

    it("reports the edited seq when data is no longer JSON (SQLite), and lists it so the export reaches it", async () => {
      if (dialect !== "sqlite") return;
      await update(5, { data: "{" });
      expect(await verify()).toEqual(invalidAt(5));
      const listed = await exportAll();
      expect(listed).toHaveLength(n);
      expect(listed[4]?.data).toEqual({ $unreadable: "{" });
      expect(await offline()).toEqual({ ...invalidAt(5), status: 1 });
    });
  });

  describe("hashes recomputed by the operator", () => {
    it("reports the next seq when one event was edited and re-hashed", async () => {
      await update(6, rehash({ ...(await row(6)), actor: "key_forged" }));
      expect(await verify()).toEqual(invalidAt(7));
      expect(await offline()).toEqual({ ...invalidAt(7), status: 1 });
    });

    it("reports the last seq when the last event was re-hashed but the head row was left alone", async () => {
      await update(n, rehash({ ...(await row(n)), actor: "key_forged" }));
      expect(await verify()).toEqual(invalidAt(n));
      // Documented: the export has no head to compare with.
      expect(await offline()).toMatchObject({ valid: true, eventCount: n, status: 0 });
    });

    it("cannot see a tail rewritten together with the head row (documented: needs an external anchor)", async () => {
      const edited = rehash({ ...(await row(n)), actor: "key_forged" });
      await update(n, edited);
      await setHead(n, edited.hash);
      expect(await verify()).toMatchObject({ valid: true, eventCount: n });
    });
  });

  describe("events deleted", () => {
    it("reports the missing seq when an event in the middle was deleted", async () => {
      await remove([6]);
      expect(await verify()).toEqual(invalidAt(6, n - 1));
      expect(await offline()).toEqual({ ...invalidAt(6, n - 1), status: 1 });
    });

    it("reports the first missing seq when the first event was deleted", async () => {
      await remove([1]);
      expect(await verify()).toEqual(invalidAt(1, n - 1));
      expect(await offline()).toEqual({ ...invalidAt(1, n - 1), status: 1 });
    });

    it("reports the first missing seq when the last events were deleted and the head row kept", async () => {
      await remove([n - 1, n]);
      expect(await verify()).toEqual(invalidAt(n - 1, n - 2));
      // Documented: an export cut off at the end is a valid, shorter chain.
      expect(await offline()).toMatchObject({ valid: true, eventCount: n - 2, status: 0 });
    });

    it("reports seq 1 when every event was deleted and the head row kept", async () => {
      await remove(Array.from({ length: n }, (_, i) => i + 1));
      expect(await verify()).toEqual(invalidAt(1, 0));
    });

    it("sees the last events deleted with the head row moved back only through a saved anchor", async () => {
      // The anchor an auditor saved from an earlier verification: its eventCount and headHash.
      const before = await verify();
      expect(before).toMatchObject({ valid: true, eventCount: n, headHash: original(n).hash });
      const saved = { seq: before.eventCount, hash: original(n).hash };
      const kept = await row(n - 2);
      await remove([n - 1, n]);
      await setHead(n - 2, kept.hash);
      expect(await verify()).toMatchObject({ valid: true, eventCount: n - 2 });
      expect(await verify(t.keys.read_only, saved)).toEqual(invalidAt(n - 1, n - 2));
      // Offline, the same anchor: the export no longer holds it.
      expect((await exportAll()).some((e) => e.seq === n && e.hash === saved.hash)).toBe(false);
    });

    it("sees a tail rewritten with its head moved to match only through a saved anchor", async () => {
      const saved = { seq: n, hash: original(n).hash };
      // Every event from seq n-1 on replaced by well-formed forgeries, the head moved over them.
      const base = await row(n - 2);
      const first = forge({ seq: n - 2, hash: base.hash });
      const second = forge({ seq: first.seq, hash: first.hash });
      await remove([n - 1, n]);
      await insert([toRow(first), toRow(second)]);
      await setHead(n, second.hash);
      expect(await verify()).toMatchObject({ valid: true, eventCount: n });
      expect(await verify(t.keys.read_only, saved)).toEqual(invalidAt(n));
      expect(await verify(t.keys.read_only, { seq: n - 2, hash: base.hash })).toMatchObject({ valid: true });
    });

    it("answers 500 when the head row was deleted while events remain (documented)", async () => {
      await t.store.db.deleteFrom("audit_heads").where("tenant_id", "=", TENANT).execute();
      const response = await t.request("GET", "/v1/audit/verify");
      expect(response.status).toBe(500);
      expect((await response.json()).error.code).toBe("INTERNAL_ERROR");
    });
  });

  describe("events reordered, renumbered or duplicated", () => {
    it("reports the first of the pair when two events swapped places", async () => {
      const [a, b] = [await row(5), await row(6)];
      await remove([5, 6]);
      await insert([
        { ...b, seq: 5 },
        { ...a, seq: 6 },
      ]);
      expect(await verify()).toEqual(invalidAt(5));
      expect(await offline()).toEqual({ ...invalidAt(5), status: 1 });
    });

    it("reports seq 1 when every seq was shifted up by one (head too)", async () => {
      const all = await events();
      await remove(all.map((r) => Number(r.seq)));
      await insert(all.map((r) => ({ ...r, seq: Number(r.seq) + 1 })));
      await setHead(n + 1, all[n - 1]?.hash);
      expect(await verify()).toEqual(invalidAt(1));
      expect(await offline()).toEqual({ ...invalidAt(1), status: 1 });
    });

    it("reports the deleted seq when the events after it were renumbered to close the gap", async () => {
      const all = await events();
      await remove(all.slice(5).map((r) => Number(r.seq)));
      await insert(all.slice(6).map((r) => ({ ...r, seq: Number(r.seq) - 1 })));
      await setHead(n - 1, all[n - 1]?.hash);
      expect(await verify()).toEqual(invalidAt(6, n - 1));
      expect(await offline()).toEqual({ ...invalidAt(6, n - 1), status: 1 });
    });

    it("reports the moved seq when the last event was renumbered past the head", async () => {
      await update(n, { seq: n + 10 });
      expect(await verify()).toEqual(invalidAt(n, n - 1));
    });

    it("reports the copy when an event was duplicated at the end, with or without the head moved", async () => {
      const copy: Row = { ...(await row(3)), seq: n + 1 };
      await insert([copy]);
      expect(await verify()).toEqual(invalidAt(n + 1));
      await setHead(n + 1, copy.hash);
      expect(await verify()).toEqual(invalidAt(n + 1, n + 1));
      expect(await offline()).toEqual({ ...invalidAt(n + 1, n + 1), status: 1 });
    });
  });

  describe("events inserted", () => {
    it("reports the forged seq when a forged event was inserted in the middle", async () => {
      const all = await events();
      await remove(all.slice(5).map((r) => Number(r.seq)));
      const forged = forge({ seq: 5, hash: all[4]?.hash });
      await insert([toRow(forged), ...all.slice(5).map((r) => ({ ...r, seq: Number(r.seq) + 1 }))]);
      await setHead(n + 1, all[n - 1]?.hash);
      // The forged event itself is well formed; the event after it no longer links to it.
      expect(await verify()).toEqual(invalidAt(7, n + 1));
      expect(await offline()).toEqual({ ...invalidAt(7, n + 1), status: 1 });
    });

    it("reports one past the head when a forged event was appended without moving the head", async () => {
      const last = await row(n);
      await insert([toRow(forge({ seq: n, hash: last.hash }))]);
      expect(await verify()).toEqual(invalidAt(n + 1));
    });

    it("cannot see a well-formed event appended with the head moved (documented: no signature)", async () => {
      const forged = forge({ seq: n, hash: (await row(n)).hash });
      await insert([toRow(forged)]);
      await setHead(n + 1, forged.hash);
      expect(await verify()).toMatchObject({ valid: true, eventCount: n + 1 });
    });
  });

  describe("seq values no append writes", () => {
    // Regression: the scan started after seq 0, so such a row was listed by GET /v1/audit while
    // verification answered { valid: true }.
    it.each([
      ["0", 0],
      ["-1", -1],
      ["-(2^63)", "-9223372036854775808"],
    ])("reports seq 1 when a forged event was stored before the chain, at seq %s", async (_name, seq) => {
      await insert([toRow({ ...forge({ seq: 0, hash: "0".repeat(64) }), seq: -7 })]);
      await sql`update audit_events set seq = ${sql.raw(String(seq))} where tenant_id = ${TENANT} and id = 'evt_forged'`.execute(
        t.store.db,
      );
      expect(await verify()).toEqual(invalidAt(1, n + 1));
    });

    it("lists a forged event stored at seq 0, and the offline verifier reports seq 1 too", async () => {
      await insert([toRow({ ...forge({ seq: 0, hash: "0".repeat(64) }), seq: 0 })]);
      const listed = await t.data("GET", "/v1/audit?pageSize=100", { key: t.keys.read_only });
      expect(listed.items[0]).toMatchObject({ id: "evt_forged", seq: 0 });
      expect(await verify()).toEqual(invalidAt(1, n + 1));
      expect(await offline()).toEqual({ ...invalidAt(1, n + 1), status: 1 });
    });

    // Regression: past 2^53 the highest seq came back rounded, so a row there was outside the scan
    // (verify said valid), and at 2^63 - 1 the rounded bound was no bigint: verify answered 500.
    it.each(["9007199254740993", "9223372036854775807"])(
      "reports one past the head when a row was stored at seq %s",
      async (seq) => {
        await insert([toRow(forge({ seq: n, hash: (await row(n)).hash }))]);
        await sql`update audit_events set seq = ${sql.raw(seq)} where tenant_id = ${TENANT} and id = 'evt_forged'`.execute(
          t.store.db,
        );
        expect(await verify()).toEqual(invalidAt(n + 1));
      },
    );

    it.each(["9007199254740993", "9223372036854775807"])(
      "reports the moved seq when the last event was renumbered to %s",
      async (seq) => {
        await sql`update audit_events set seq = ${sql.raw(seq)} where tenant_id = ${TENANT} and seq = ${n}`.execute(
          t.store.db,
        );
        expect(await verify()).toEqual(invalidAt(n, n - 1));
      },
    );

    it("reports the edited seq when a seq holds text or a fraction (SQLite stores any value)", async () => {
      if (dialect !== "sqlite") return;
      await sql`update audit_events set seq = 'x' where tenant_id = ${TENANT} and seq = 5`.execute(
        t.store.db,
      );
      expect(await verify()).toEqual(invalidAt(5, n - 1));
      await sql`update audit_events set seq = 5.5 where tenant_id = ${TENANT} and seq = 6`.execute(
        t.store.db,
      );
      expect(await verify()).toEqual(invalidAt(5, n - 1));
    });
  });

  describe("tenants", () => {
    it("reports seq 1 on both sides when two tenants' chains (and heads) were swapped", async () => {
      const mine = await events(TENANT);
      const theirs = await events(OTHER_TENANT);
      const [myHead, theirHead] = [
        pristine.heads.find((h) => h.tenant_id === TENANT),
        pristine.heads.find((h) => h.tenant_id === OTHER_TENANT),
      ];
      await t.store.db.deleteFrom("audit_events").where("tenant_id", "in", [TENANT, OTHER_TENANT]).execute();
      await insert([
        ...mine.map((r) => ({ ...r, tenant_id: OTHER_TENANT })),
        ...theirs.map((r) => ({ ...r, tenant_id: TENANT })),
      ]);
      await setHead(Number(theirHead?.seq), theirHead?.hash, TENANT);
      await setHead(Number(myHead?.seq), myHead?.hash, OTHER_TENANT);
      expect(await verify()).toEqual(invalidAt(1, theirs.length));
      expect(await verify(t.keys.other)).toEqual(invalidAt(1, n));
    });

    it("reports the seq of another tenant's event copied into the chain", async () => {
      const foreign = await row(2, OTHER_TENANT);
      await remove([2]);
      await insert([{ ...foreign, tenant_id: TENANT }]);
      expect(await verify()).toEqual(invalidAt(2));
      expect(await verify(t.keys.other)).toMatchObject({ valid: true, eventCount: 2 });
    });

    it("never reads or reports another tenant's events: tampering in one leaves the other valid", async () => {
      await update(1, { actor: "key_someone_else" }, OTHER_TENANT);
      await update(2, { seq: 50 }, OTHER_TENANT);
      expect(await verify()).toMatchObject({ valid: true, eventCount: n });
      expect(await offline()).toMatchObject({ valid: true, eventCount: n, status: 0 });
      expect(await verify(t.keys.other)).toEqual(invalidAt(1, 1));
    });
  });

  describe("the head row", () => {
    it("reports the last seq when the head's hash was changed", async () => {
      await setHead(n, "4".repeat(64));
      expect(await verify()).toEqual(invalidAt(n));
    });

    it("reports the first missing seq when the head was moved forward", async () => {
      await setHead(n + 3, (await row(n)).hash);
      expect(await verify()).toEqual(invalidAt(n + 1));
    });

    it("reports one past the head when the head was moved back with the events kept", async () => {
      await setHead(n - 2, (await row(n - 2)).hash);
      expect(await verify()).toEqual(invalidAt(n - 1, n - 2));
    });
  });

  describe("the same data stored as other JSON text (documented: decoded values are hashed)", () => {
    it.each([
      ["keys in reverse order, with whitespace", (d: Row) => JSON.stringify(sortDesc(d), null, 2)],
      ["every character of its strings and keys as a unicode escape", (d: Row) => escapedJson(d)],
      ["numbers as 1.0 and 1e0", (d: Row) => JSON.stringify(d).replace(/"amount":(\d+)/, '"amount":$1.0e0')],
    ])("still verifies %s", async (_what, respell) => {
      const original = await row(5);
      await update(5, { data: respell(JSON.parse(original.data)) });
      expect(await verify()).toMatchObject({ valid: true, eventCount: n });
      expect(await offline()).toMatchObject({ valid: true, eventCount: n, status: 0 });
    });

    it("still verifies -0 for 0 and a number beyond 2^53 that reads as the same double", async () => {
      const forged = forge({ seq: n, hash: (await row(n)).hash });
      const event = { ...forged, data: { zero: 0, big: 9007199254740992 } } as AuditEvent;
      const { hash, leafHash } = computeHashes(event, event.prevHash);
      await insert([{ ...toRow({ ...event, hash, leafHash }) }]);
      await setHead(n + 1, hash);
      expect(await verify()).toMatchObject({ valid: true, eventCount: n + 1 });
      await update(n + 1, { data: '{"big":9007199254740993,"zero":-0}' });
      expect(await verify()).toMatchObject({ valid: true, eventCount: n + 1 });
      await update(n + 1, { data: '{"big":9007199254740994,"zero":0}' });
      expect(await verify()).toEqual(invalidAt(n + 1, n + 1));
    });
  });
});

function sortDesc(value: Row): Row {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .reverse()
      .map((k) => [k, sortDesc(value[k])]),
  );
}

/** JSON text of `value` whose strings and keys spell every character as `\\uXXXX`. */
function escapedJson(value: unknown): string {
  if (typeof value === "string") {
    return `"${[...value].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"`;
  }
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(escapedJson).join(",")}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${escapedJson(k)}:${escapedJson(v)}`)
    .join(",")}}`;
}
