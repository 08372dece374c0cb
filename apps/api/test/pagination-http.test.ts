import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BILLING_AGENT,
  createTestApp,
  DIALECTS,
  submitInvoice,
  TENANT,
  type TestApp,
} from "./support/test-app";

/**
 * The page math the API exposes (docs/api.md: "`page` from 1 (default 1), `pageSize` 1–100
 * (default 20); anything else is `400`"), and the audit export of docs/audit.md after the chain was
 * edited in the database. Regression: a deleted event and one forged at seq 0 kept the row count
 * equal to the highest seq, and the export skipped the forged row and listed another twice.
 */
describe.each(DIALECTS)("HTTP pagination (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    for (let i = 0; i < 3; i++) await submitInvoice(t);
  });
  afterAll(() => t.close());

  const LISTS = ["/v1/intents", "/v1/audit", "/v1/approvals", "/v1/agents", "/v1/policies", "/v1/api-keys"];

  it.each(LISTS)(
    "%s: page and pageSize outside the documented ranges are 400, the edges 200",
    async (path) => {
      const status = async (query: string) => (await t.request("GET", `${path}?${query}`)).status;
      for (const query of [
        "page=0",
        "page=-1",
        "page=1.5",
        "page=x",
        "page=",
        "pageSize=0",
        "pageSize=101",
      ]) {
        expect(await status(query), query).toBe(400);
      }
      for (const query of ["page=1", "pageSize=1", "pageSize=100", "page=999999&pageSize=100"]) {
        expect(await status(query), query).toBe(200);
      }
      const past = await t.data("GET", `${path}?page=50&pageSize=100`);
      expect(past).toMatchObject({ items: [], page: 50, pageSize: 100 });
      const first = await t.data("GET", `${path}`);
      expect(first).toMatchObject({ page: 1, pageSize: 20 });
    },
  );

  it("exports every stored audit row once when one event was deleted and one forged at seq 0", async () => {
    const rows = () =>
      t.store.db
        .selectFrom("audit_events")
        .select("seq")
        .where("tenant_id", "=", TENANT)
        .orderBy("seq")
        .execute();
    // An edit around the API: seq 2 deleted, a copy of seq 1 stored at seq 0. The count of rows
    // is then still the highest seq.
    await sql`delete from audit_events where tenant_id = ${TENANT} and seq = 2`.execute(t.store.db);
    await sql`insert into audit_events (tenant_id, seq, id, event_type, actor, agent_id, intent_id, data, timestamp, prev_hash, hash, leaf_hash)
      select tenant_id, 0, 'evt_forged', event_type, actor, agent_id, intent_id, data, timestamp, prev_hash, hash, leaf_hash
      from audit_events where tenant_id = ${TENANT} and seq = 1`.execute(t.store.db);
    const stored = (await rows()).map((row) => Number(row.seq));
    const exported: number[] = [];
    for (let page = 1; page <= stored.length + 1; page++) {
      const { items } = await t.data("GET", `/v1/audit?page=${page}&pageSize=1`, { key: t.keys.read_only });
      exported.push(...items.map((event: { seq: number }) => event.seq));
    }
    expect(exported).toEqual(stored);
  });
});
