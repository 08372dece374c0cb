import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  categorize,
  decodeSegment,
  publishIntention,
  ref,
  SEED_INTENTION,
  SUPPORT_AGENT,
  submit,
} from "./intentions-support";
import {
  BILLING_AGENT,
  createTestApp,
  DIALECTS,
  SEND_INVOICE,
  submitInvoice,
  type TestApp,
} from "./support/test-app";

const at = (iso: string): number => Date.parse(iso);

/** Runs `fn` with the process in time zone `tz` (Node reads TZ again when it is assigned). */
async function inZone<T>(tz: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

describe.each(DIALECTS)("time boundaries on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
  });
  afterAll(() => t.close());

  describe("GET /v1/stats intentsToday", () => {
    it("counts an intent of 23:59:59.999 UTC in its day and one of 00:00:00.000 in the next, in any server zone", async () => {
      for (const [day, tz] of [
        ["2026-03-05", "UTC"],
        ["2026-03-07", "America/Los_Angeles"],
        ["2026-03-09", "Pacific/Kiritimati"],
        ["2026-03-11", "Asia/Kolkata"],
      ] as const) {
        await inZone(tz, async () => {
          const next = new Date(at(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
          const today = async (iso: string) => {
            t.clock.set(at(iso));
            return (await t.data("GET", "/v1/stats")).intentsToday;
          };
          expect(await today(`${day}T23:59:59.999Z`), tz).toBe(0);
          await submitInvoice(t);
          expect(await today(`${day}T23:59:59.999Z`), tz).toBe(1);
          expect(await today(`${next}T00:00:00.000Z`), tz).toBe(0);
          await submitInvoice(t);
          expect(await today(`${next}T00:00:00.000Z`), tz).toBe(1);
          expect(await today(`${next}T23:59:59.999Z`), tz).toBe(1);
        });
      }
    });

    // Regression: every intent stamped after the start of today counted, tomorrow's included.
    it("does not count an intent stamped tomorrow when the clock stepped back over midnight", async () => {
      t.clock.set(at("2026-03-20T00:00:00.400Z"));
      await submitInvoice(t);
      // NTP steps the clock back across midnight: the intent's createdAt is tomorrow.
      t.clock.set(at("2026-03-19T23:59:59.800Z"));
      expect((await t.data("GET", "/v1/stats")).intentsToday).toBe(0);
      t.clock.set(at("2026-03-20T00:00:01.000Z"));
      expect((await t.data("GET", "/v1/stats")).intentsToday).toBe(1);
    });
  });

  describe("createdAt precision", () => {
    it("returns the millisecond it stored, on both databases", async () => {
      for (const iso of [
        "2026-03-25T08:00:00.000Z",
        "2026-03-25T08:00:00.001Z",
        "2026-03-25T08:00:00.999Z",
      ]) {
        t.clock.set(at(iso));
        const { intentId } = await submitInvoice(t);
        const intent = await t.data("GET", `/v1/intents/${intentId}`);
        expect(intent.createdAt).toBe(iso);
        expect(intent.approval.requestedAt).toBe(iso);
        expect(intent.approval.expiresAt).toBe(new Date(at(iso) + 72 * 3_600_000).toISOString());
        const listed = await t.data("GET", "/v1/intents?pageSize=1");
        expect(listed.items[0].createdAt).toBe(iso);
      }
    });
  });
});

describe.each(DIALECTS)("approval expiry boundaries on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
  });
  afterAll(() => t.close());

  async function pendingAt(iso: string) {
    t.clock.set(at(iso));
    const { intentId, approvalId } = await submitInvoice(t);
    const approval = await t.data("GET", `/v1/approvals/${approvalId}`);
    return { intentId, approvalId: approvalId as string, expiresAt: at(approval.expiresAt) };
  }

  it("approves 1 ms before expiresAt", async () => {
    const { intentId, approvalId, expiresAt } = await pendingAt("2026-03-02T10:00:00.000Z");
    t.clock.set(expiresAt - 1);
    const response = await t.request("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
    expect(response.status).toBe(200);
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
  });

  for (const offset of [0, 1]) {
    it(`refuses to approve or reject ${offset} ms after expiresAt and expires the intent, before the job ran`, async () => {
      const { intentId, approvalId, expiresAt } = await pendingAt("2026-03-02T11:00:00.000Z");
      t.clock.set(expiresAt + offset);
      for (const action of ["approve", "reject"]) {
        const response = await t.request("POST", `/v1/approvals/${approvalId}/${action}`, {
          key: t.keys.approver,
        });
        expect(response.status, action).toBe(400);
        expect((await response.json()).error).toMatchObject({
          code: "ALREADY_RESOLVED",
          message: "Approval already expired",
        });
      }
      const intent = await t.data("GET", `/v1/intents/${intentId}`);
      expect(intent.status).toBe("expired");
      expect(intent.approval).toMatchObject({
        status: "expired",
        decidedAt: new Date(expiresAt + offset).toISOString(),
      });
      expect(
        intent.history.filter((e: { eventType: string }) => e.eventType === "intent.expired"),
      ).toHaveLength(1);
      expect(await t.services.governor.expireDue(t.clock())).toBe(0);
    });
  }

  it("resolves an approve racing the expiry job exactly once", async () => {
    for (const approveAt of [-1, 0]) {
      const { intentId, approvalId, expiresAt } = await pendingAt("2026-03-02T12:00:00.000Z");
      t.clock.set(expiresAt + approveAt);
      const [response, expired] = await Promise.all([
        t.request("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver }),
        t.services.governor.expireDue(expiresAt),
      ]);
      const intent = await t.data("GET", `/v1/intents/${intentId}`);
      expect(intent.approval.status).toBe(intent.status);
      const decisions = intent.history.filter((e: { eventType: string }) =>
        ["intent.approved", "intent.expired"].includes(e.eventType),
      );
      expect(decisions, String(approveAt)).toHaveLength(1);
      if (response.status === 200) expect(intent.status).toBe("approved");
      else expect(intent.status).toBe("expired");
      if (approveAt === 0) expect(response.status).toBe(400);
      expect(expired).toBeLessThanOrEqual(1);
    }
    expect((await t.data("GET", "/v1/audit/verify")).valid).toBe(true);
  });
});

describe.each(DIALECTS)("the rate limit window on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { RATE_LIMIT_PER_MINUTE: "2" });
  });
  afterAll(() => t.close());

  const budget = (response: Response) => response.headers.get("ratelimit");

  it("spends the old minute's budget at :59.999 and a new one at :00.000, t always 1–60", async () => {
    t.clock.set(at("2026-03-02T10:00:59.998Z"));
    expect(budget(await t.request("GET", "/v1/stats"))).toBe('"default";r=1;t=1');
    t.clock.set(at("2026-03-02T10:00:59.999Z"));
    expect(budget(await t.request("GET", "/v1/stats"))).toBe('"default";r=0;t=1');
    const limited = await t.request("GET", "/v1/stats");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    t.clock.set(at("2026-03-02T10:01:00.000Z"));
    const fresh = await t.request("GET", "/v1/stats");
    expect(fresh.status).toBe(200);
    expect(budget(fresh)).toBe('"default";r=1;t=60');
    t.clock.set(at("2026-03-02T10:01:00.001Z"));
    expect(budget(await t.request("GET", "/v1/stats"))).toBe('"default";r=0;t=60');
    const over = await t.request("GET", "/v1/stats");
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("60");
  });

  // Regression: a step back into the previous minute gave every key a fresh budget at once.
  it("keeps what a key spent when the clock steps back into the previous minute", async () => {
    const key = t.keys.read_only;
    t.clock.set(at("2026-03-02T10:05:00.200Z"));
    expect((await t.request("GET", "/v1/stats", { key })).status).toBe(200);
    expect((await t.request("GET", "/v1/stats", { key })).status).toBe(200);
    expect((await t.request("GET", "/v1/stats", { key })).status).toBe(429);
    t.clock.set(at("2026-03-02T10:04:59.900Z"));
    const stepped = await t.request("GET", "/v1/stats", { key });
    expect(stepped.status).toBe(429);
    // Reset and Retry-After count to the end of the minute the clock reads now.
    expect(budget(stepped)).toBe('"default";r=0;t=1');
    expect(stepped.headers.get("retry-after")).toBe("1");
    t.clock.set(at("2026-03-02T10:05:00.000Z"));
    const fresh = await t.request("GET", "/v1/stats", { key });
    expect(fresh.status).toBe(200);
    expect(budget(fresh)).toBe('"default";r=1;t=60');
  });

  it("never reports t outside 1–60 however the clock moves", async () => {
    const key = t.keys.approver;
    for (const iso of [
      "2026-03-02T11:00:00.000Z",
      "2026-03-02T11:00:59.999Z",
      "2026-03-02T10:59:59.999Z",
      "2026-03-02T11:00:00.001Z",
      "2026-03-02T09:00:30.500Z",
      "2026-03-02T11:00:59.001Z",
    ]) {
      t.clock.set(at(iso));
      const response = await t.request("GET", "/v1/stats", { key });
      const seconds = Number(/;t=(-?\d+)$/.exec(budget(response) ?? "")?.[1]);
      expect(seconds, iso).toBeGreaterThanOrEqual(1);
      expect(seconds, iso).toBeLessThanOrEqual(60);
      const retryAfter = response.headers.get("retry-after");
      if (retryAfter !== null) expect(Number(retryAfter), iso).toBe(seconds);
    }
  });
});

describe.each(DIALECTS)("the clock stepping back on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
  });
  afterAll(() => t.close());

  it("keeps the audit chain valid and date filters exact when timestamps go back", async () => {
    for (const iso of ["2026-04-01T12:00:00.000Z", "2026-04-01T11:00:00.000Z", "2026-04-01T11:30:00.000Z"]) {
      t.clock.set(at(iso));
      await submitInvoice(t);
    }
    expect((await t.data("GET", "/v1/audit/verify")).valid).toBe(true);

    const all = (await t.data("GET", "/v1/audit?pageSize=100")).items as { seq: number; timestamp: string }[];
    for (const [from, to] of [
      ["2026-04-01T11:00:00.000Z", "2026-04-01T11:59:59.999Z"],
      ["2026-04-01T11:15:00Z", "2026-04-01T12:00:00Z"],
      ["2026-04-01T12:00:00.000Z", "2026-04-01T12:00:00.000Z"],
    ] as const) {
      const page = await t.data(
        "GET",
        `/v1/audit?fromDate=${encodeURIComponent(from)}&toDate=${encodeURIComponent(to)}&pageSize=100`,
      );
      const expected = all.filter(
        (e) => e.timestamp >= new Date(from).toISOString() && e.timestamp <= new Date(to).toISOString(),
      );
      expect(
        page.items.map((e: { seq: number }) => e.seq),
        `${from}..${to}`,
      ).toEqual(expected.map((e) => e.seq));
      expect(page.total).toBe(expected.length);
    }
  });

  it("lists intents by createdAt, newest first, after a step back", async () => {
    const list = (await t.data("GET", "/v1/intents?pageSize=100")).items as {
      id: string;
      createdAt: string;
    }[];
    const stamps = list.map((i) => i.createdAt);
    expect([...stamps].sort().reverse()).toEqual(stamps);
  });

  it("replays an idempotency key across a step back", async () => {
    t.clock.set(at("2026-04-02T12:00:00.000Z"));
    const body = { ...SEND_INVOICE, idempotencyKey: "step-back-1" };
    const original = await t.request("POST", "/v1/intents", { key: t.keys.agent, body });
    expect(original.status).toBe(201);
    t.clock.set(at("2026-04-01T12:00:00.000Z"));
    const replay = await t.request("POST", "/v1/intents", { key: t.keys.agent, body });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await replay.json()).data.intentId).toBe((await original.json()).data.intentId);
  });

  it("chains trust changes when overrides and outcomes go back in time", async () => {
    t.clock.set(at("2026-04-03T12:00:00.000Z"));
    await t.data("PUT", "/v1/agents/billing-agent/trust", { body: { score: 150, reason: "first" } });
    t.clock.set(at("2026-04-03T11:00:00.000Z"));
    await t.data("PUT", "/v1/agents/billing-agent/trust", { body: { score: 160, reason: "second" } });
    t.clock.set(at("2026-04-03T10:00:00.000Z"));
    const { approvalId } = await submitInvoice(t);
    await t.data("POST", `/v1/approvals/${approvalId}/reject`, { key: t.keys.approver });
    const metrics = await t.data("GET", "/v1/agents/billing-agent/metrics");
    const changes = metrics.recentTrustChanges as { fromScore: number; toScore: number; at: string }[];
    expect(changes[0]?.toScore).toBe(metrics.trustScore);
    for (let i = 0; i + 1 < changes.length; i++) {
      expect(changes[i]!.fromScore).toBe(changes[i + 1]!.toScore);
      expect(changes[i]!.at > changes[i + 1]!.at).toBe(true);
    }
  });

  it("keeps an approval pending after a step back until the clock reaches its expiresAt", async () => {
    t.clock.set(at("2026-04-05T12:00:00.000Z"));
    const { approvalId } = await submitInvoice(t);
    const approval = await t.data("GET", `/v1/approvals/${approvalId}`);
    expect(at(approval.expiresAt)).toBeGreaterThan(at(approval.requestedAt));
    t.clock.set(at("2026-04-04T12:00:00.000Z"));
    await t.services.governor.expireDue(t.clock());
    expect((await t.data("GET", `/v1/approvals/${approvalId}`)).status).toBe("pending");
  });
});

describe.each(DIALECTS)("audit date filters on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.clock.set(at("2026-05-01T10:00:00.000Z"));
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    t.clock.set(at("2026-05-01T22:30:00.000Z"));
    await t.data("POST", "/v1/intents", { key: t.keys.agent, body: SEND_INVOICE });
  });
  afterAll(() => t.close());

  /** The billing agent's events: registered at 10:00Z, its intent submitted at 22:30Z. */
  const total = async (query: string) =>
    (await t.data("GET", `/v1/audit?agentId=billing-agent&${query}`)).total as number;
  const q = (name: string, value: string) => `${name}=${encodeURIComponent(value)}`;

  it("reads offsets, date-only values and both inclusive bounds as documented", async () => {
    expect(await total("")).toBe(2);
    expect(await total(q("fromDate", "2026-05-01T12:00:00+02:00"))).toBe(2);
    expect(await total(q("fromDate", "2026-05-01T12:00:00.001+02:00"))).toBe(1);
    expect(await total(q("toDate", "2026-05-01T12:00:00+02:00"))).toBe(1);
    expect(await total(q("toDate", "2026-05-01T11:59:59.999+02:00"))).toBe(0);
    expect(await total(q("fromDate", "2026-05-02T00:30:00+02:00"))).toBe(1);
    expect(await total(q("fromDate", "2026-05-02T00:30:00.001+02:00"))).toBe(0);
    expect(await total(q("toDate", "2026-05-01T22:30:00Z"))).toBe(2);
    expect(await total(q("toDate", "2026-05-01T22:29:59.999999Z"))).toBe(1);
    expect(await total("fromDate=2026-05-01&toDate=2026-05-01")).toBe(2);
    expect(await total("toDate=2026-04-30")).toBe(0);
    expect(await total("fromDate=2026-05-02")).toBe(0);
    // The same instant in the server's zone changes nothing: a bare date is a UTC day.
    await inZone("Pacific/Kiritimati", async () => {
      expect(await total("fromDate=2026-05-01&toDate=2026-05-01")).toBe(2);
      expect(await total(q("toDate", "2026-05-01T10:00:00"))).toBe(1);
    });
  });

  // Regression: these bounds were answered 400 ("must be a real calendar date") although valid.
  it("compares bounds outside the years 0000–9999 as instants", async () => {
    // 9999-12-31T23:59:59-01:00 is in the year 10000; 0000-01-01T00:00:00+01:00 in the year -1.
    expect(await total(q("fromDate", "9999-12-31T23:59:59-01:00"))).toBe(0);
    expect(await total(q("toDate", "9999-12-31T23:59:59-01:00"))).toBe(2);
    expect(await total(q("fromDate", "0000-01-01T00:00:00+01:00"))).toBe(2);
    expect(await total(q("toDate", "0000-01-01T00:00:00+01:00"))).toBe(0);
  });

  it("answers 400 in the envelope for dates that are not dates", async () => {
    for (const value of [
      "2026-05-01T24:00:00Z",
      "2026-05-01T23:59:60Z",
      "2026-05-01T10:00:00+2:00",
      "2026-5-1",
      "",
      "1714557600000",
    ]) {
      const response = await t.request("GET", `/v1/audit?fromDate=${encodeURIComponent(value)}`);
      expect(response.status, value).toBe(400);
      const { error } = await response.json();
      expect(error.code, value).toBe("VALIDATION_ERROR");
      expect(error.details[0].path, value).toEqual(["fromDate"]);
    }
  });
});

describe.each(DIALECTS)("intent tokens and the clock on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    t.clock.set(at("2026-06-01T09:00:00.000Z"));
    await t.data("POST", "/v1/agents", { key: t.keys.agent, body: SUPPORT_AGENT });
    await publishIntention(t, { ...SEED_INTENTION, intent_types: ["support.*"], approval_required: true });
  });
  afterAll(() => t.close());

  const verify = (token: string) =>
    t.data("POST", "/v1/tokens/verify", { key: t.keys.read_only, body: { token } });

  it("dates a token minted on approval from the approval, valid until the millisecond before exp", async () => {
    t.clock.set(at("2026-06-01T09:00:00.000Z"));
    const submitted = await submit(t, categorize({ dataElements: [ref("Contact.Email")] }));
    expect(submitted.status).toBe("pending");
    const { approval } = await t.data("GET", `/v1/intents/${submitted.intentId}`);
    t.clock.set(at("2026-06-01T09:30:00.750Z"));
    await t.data("POST", `/v1/approvals/${approval.id}/approve`, { key: t.keys.approver });
    const { intentToken } = await t.data("GET", `/v1/intents/${submitted.intentId}`);
    const claims = decodeSegment(intentToken, 1);
    expect(claims.iat).toBe(at("2026-06-01T09:30:00.000Z") / 1000);
    expect(claims.exp).toBe((claims.iat as number) + 5 * 60);
    t.clock.set((claims.exp as number) * 1000 - 1);
    expect((await verify(intentToken)).valid).toBe(true);
    t.clock.set((claims.exp as number) * 1000);
    expect(await verify(intentToken)).toMatchObject({ valid: false, error: "expired" });
    // A step back makes the token valid again until the clock reaches exp once more: iat in the
    // future is not refused (no iat check), only exp counts.
    t.clock.set(at("2026-06-01T08:00:00.000Z"));
    expect((await verify(intentToken)).valid).toBe(true);
  });
});
