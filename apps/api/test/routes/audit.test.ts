import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, createTestApp, DIALECTS, SEND_INVOICE, type TestApp } from "../support/test-app";

describe.each(DIALECTS)("audit routes on %s", (dialect) => {
  let t: TestApp;
  let intentId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    intentId = (await t.data("POST", "/v1/intents", { key: t.keys.agent, body: SEND_INVOICE })).intentId;
    t.clock.advance(60_000);
    const intent = await t.data("GET", `/v1/intents/${intentId}`);
    await t.data("POST", `/v1/approvals/${intent.approval.id}/approve`, { key: t.keys.approver });
    await t.data("POST", "/v1/agents", {
      key: t.keys.other,
      body: { name: "Other Agent", domains: ["sales"] },
    });
  });
  afterAll(() => t.close());

  it("lists the tenant's events in chain order with the list envelope", async () => {
    const page = await t.data("GET", "/v1/audit?pageSize=100", { key: t.keys.read_only });
    expect(page.total).toBe(page.items.length);
    expect(page.items.map((e: { seq: number }) => e.seq)).toEqual(
      page.items.map((_: unknown, i: number) => i + 1),
    );
    expect(page.items.every((e: { tenantId: string }) => e.tenantId === "acme")).toBe(true);
  });

  it("filters by event type, agent and intent", async () => {
    const registered = await t.data("GET", "/v1/audit?eventType=agent.registered");
    expect(registered.items).toHaveLength(1);
    expect(registered.items[0]).toMatchObject({ eventType: "agent.registered", agentId: "billing-agent" });
    const byIntent = await t.data("GET", `/v1/audit?intentId=${intentId}`);
    expect(byIntent.items.length).toBeGreaterThanOrEqual(2);
    expect(byIntent.items.every((e: { intentId: string }) => e.intentId === intentId)).toBe(true);
    const byAgent = await t.data("GET", "/v1/audit?agentId=billing-agent&pageSize=100");
    expect(byAgent.total).toBeGreaterThanOrEqual(byIntent.total);
  });

  it("filters by date range, a bare date covering its whole UTC day", async () => {
    const all = await t.data("GET", "/v1/audit?pageSize=100");
    const last = all.items[all.items.length - 1];
    const later = await t.data(
      "GET",
      `/v1/audit?fromDate=${encodeURIComponent(last.timestamp)}&pageSize=100`,
    );
    expect(later.items.every((e: { timestamp: string }) => e.timestamp >= last.timestamp)).toBe(true);
    const day = last.timestamp.slice(0, 10);
    expect((await t.data("GET", `/v1/audit?fromDate=${day}&toDate=${day}&pageSize=100`)).total).toBe(
      all.total,
    );
    const before = await t.data("GET", "/v1/audit?toDate=2000-01-01");
    expect(before.total).toBe(0);
  });

  it("answers 400 when a date is not ISO 8601", async () => {
    const response = await t.request("GET", "/v1/audit?fromDate=yesterday");
    expect(response.status).toBe(400);
    expect((await response.json()).error.details[0].path).toEqual(["fromDate"]);
  });

  // Regression: a date-time without a zone was read in the server's local time zone.
  it("reads a date-time without a zone as UTC when the server runs in another zone", async () => {
    const savedTz = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      // Events are recorded at 10:00:00Z and 10:01:00Z: 10:00:30 in New York would exclude both.
      const zoned = await t.data("GET", "/v1/audit?fromDate=2026-03-02T10:00:30Z&pageSize=100");
      const bare = await t.data("GET", "/v1/audit?fromDate=2026-03-02T10:00:30&pageSize=100");
      expect(zoned.total).toBeGreaterThan(0);
      expect(bare.total).toBe(zoned.total);
      const until = await t.data("GET", "/v1/audit?toDate=2026-03-02T10:00:30&pageSize=100");
      expect(until.total + zoned.total).toBe((await t.data("GET", "/v1/audit?pageSize=100")).total);
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
  });

  // Regression: 2026-02-30 was accepted (read as 2 March) while 2026-13-45 was refused.
  it("answers 400 naming the parameter when a date is not a real calendar date", async () => {
    for (const [name, value] of [
      ["fromDate", "2026-02-30"],
      ["toDate", "2026-13-45"],
      ["toDate", "2026-02-29T10:00:00Z"],
    ]) {
      const response = await t.request("GET", `/v1/audit?${name}=${value}`);
      expect(response.status, value).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details[0].path).toEqual([name]);
      expect(error.message).toContain(name);
    }
    expect((await t.request("GET", "/v1/audit?fromDate=2024-02-29")).status).toBe(200);
  });

  it("verifies the whole chain when asked", async () => {
    const all = await t.data("GET", "/v1/audit?pageSize=100");
    expect(await t.data("GET", "/v1/audit/verify", { key: t.keys.read_only })).toEqual({
      valid: true,
      eventCount: all.total,
      headHash: all.items[all.items.length - 1].hash,
    });
  });

  it("checks a saved anchor when given one, and refuses an anchor that is half or malformed", async () => {
    const { eventCount, headHash } = await t.data("GET", "/v1/audit/verify");
    const anchored = (seq: number | string, hash: string) =>
      t.request("GET", `/v1/audit/verify?anchorSeq=${seq}&anchorHash=${hash}`);
    expect((await (await anchored(eventCount, headHash)).json()).data).toMatchObject({
      valid: true,
      eventCount,
    });
    expect((await (await anchored(eventCount, "0".repeat(64))).json()).data).toEqual({
      valid: false,
      eventCount,
      firstInvalidSeq: eventCount,
    });
    for (const [query, path] of [
      [`anchorSeq=${eventCount}`, "anchorHash"],
      [`anchorHash=${headHash}`, "anchorSeq"],
      [`anchorSeq=0&anchorHash=${headHash}`, "anchorSeq"],
      [`anchorSeq=1.5&anchorHash=${headHash}`, "anchorSeq"],
      [`anchorSeq=1&anchorHash=${headHash.toUpperCase()}`, "anchorHash"],
      [`anchorSeq=1&anchorHash=abc`, "anchorHash"],
    ] as const) {
      const response = await t.request("GET", `/v1/audit/verify?${query}`);
      expect(response.status, query).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details[0].path).toEqual([path]);
    }
  });

  it("keeps each tenant's chain to itself", async () => {
    const other = await t.data("GET", "/v1/audit", { key: t.keys.other });
    // Its own admin key's creation, then its own agent: nothing of the first tenant's.
    expect(other.items.map((e: { eventType: string }) => e.eventType)).toEqual([
      "api_key.created",
      "agent.registered",
    ]);
    expect(await t.data("GET", "/v1/audit/verify", { key: t.keys.other })).toMatchObject({
      valid: true,
      eventCount: 2,
    });
    expect((await t.data("GET", `/v1/audit?intentId=${intentId}`, { key: t.keys.other })).total).toBe(0);
  });

  it("reports the first broken link when a stored event is tampered with", async () => {
    const scratch = await createTestApp(dialect);
    try {
      await scratch.data("POST", "/v1/agents", { body: BILLING_AGENT, key: scratch.keys.agent });
      await scratch.data("POST", "/v1/intents", { key: scratch.keys.agent, body: SEND_INVOICE });
      await scratch.store.db
        .updateTable("audit_events")
        .set({ actor: "someone else" })
        .where("tenant_id", "=", "acme")
        .where("seq", "=", 2)
        .execute();
      const result = await scratch.data("GET", "/v1/audit/verify");
      expect(result).toMatchObject({ valid: false, firstInvalidSeq: 2 });
    } finally {
      await scratch.close();
    }
  });
});
