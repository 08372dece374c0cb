import { describe, expect, it } from "vitest";
import { parseDateBound } from "./date-bound";
import {
  agentKey,
  approver,
  createHarness,
  invoiceRequest,
  registerBillingAgent,
  TENANT,
} from "./test-fixtures";

const at = (iso: string): number => Date.parse(iso);

describe("intentsToday at the UTC day's edges", () => {
  it("counts an intent of 23:59:59.999 in its day and one of 00:00:00.000 in the next", async () => {
    const h = createHarness();
    await registerBillingAgent(h.governor);
    h.clock.now = at("2024-01-15T23:59:59.999Z");
    await h.governor.submit(agentKey, invoiceRequest);
    expect((await h.governor.stats(TENANT)).intentsToday).toBe(1);
    h.clock.now = at("2024-01-16T00:00:00.000Z");
    expect((await h.governor.stats(TENANT)).intentsToday).toBe(0);
    await h.governor.submit(agentKey, invoiceRequest);
    expect((await h.governor.stats(TENANT)).intentsToday).toBe(1);
  });

  // Regression: an intent stamped after the next midnight counted as today's.
  it("leaves out an intent stamped tomorrow when the clock stepped back over midnight", async () => {
    const h = createHarness();
    await registerBillingAgent(h.governor);
    h.clock.now = at("2024-01-16T00:00:00.000Z");
    await h.governor.submit(agentKey, invoiceRequest);
    h.clock.now = at("2024-01-15T23:59:59.999Z");
    expect((await h.governor.stats(TENANT)).intentsToday).toBe(0);
  });

  it("lists intents created before a bound, read as an instant or a whole UTC day", async () => {
    const h = createHarness();
    await registerBillingAgent(h.governor);
    h.clock.now = at("2024-01-15T23:59:59.999Z");
    await h.governor.submit(agentKey, invoiceRequest);
    h.clock.now = at("2024-01-16T00:00:00.000Z");
    await h.governor.submit(agentKey, invoiceRequest);
    const before = async (createdBefore: string) =>
      (await h.governor.listIntents(TENANT, { createdBefore })).total;
    expect(await before("2024-01-16")).toBe(1);
    expect(await before("2024-01-16T01:00:00+01:00")).toBe(1);
    expect(await before("2024-01-16T00:00:00.001Z")).toBe(2);
  });
});

describe("approval expiry at the millisecond", () => {
  async function pending() {
    const h = createHarness();
    await registerBillingAgent(h.governor);
    const { approval } = await h.governor.submit(agentKey, invoiceRequest);
    if (!approval?.expiresAt) throw new Error("expected a pending approval");
    return { h, approval, expiresAt: at(approval.expiresAt) };
  }

  it("approves 1 ms before expiresAt", async () => {
    const { h, approval, expiresAt } = await pending();
    h.clock.now = expiresAt - 1;
    expect((await h.governor.approve(approver, approval.id)).intent.status).toBe("approved");
  });

  it("refuses and expires at expiresAt exactly, before any sweep", async () => {
    const { h, approval, expiresAt } = await pending();
    h.clock.now = expiresAt;
    await expect(h.governor.approve(approver, approval.id)).rejects.toMatchObject({
      code: "ALREADY_RESOLVED",
      message: "Approval already expired",
    });
    const { intent, approval: stored } = await h.governor.getIntent(TENANT, approval.intentId);
    expect(intent.status).toBe("expired");
    expect(stored).toMatchObject({ status: "expired", decidedAt: approval.expiresAt });
    expect(await h.governor.expireDue(expiresAt + 1)).toBe(0);
  });

  it("lets the sweep expire it from expiresAt on, not a millisecond before", async () => {
    const { h, approval, expiresAt } = await pending();
    expect(await h.governor.expireDue(expiresAt - 1)).toBe(0);
    expect(await h.governor.expireDue(expiresAt)).toBe(1);
    expect((await h.governor.getIntent(TENANT, approval.intentId)).intent.status).toBe("expired");
  });
});

describe("parseDateBound far from today", () => {
  // Regression: these came back with six-digit years ("+010000-…"), which sort before every
  // stored timestamp, and the governor's own check then refused them as not dates.
  it("keeps instants past year 9999 or before year 0 comparable with stored timestamps", () => {
    expect(parseDateBound("9999-12-31T23:59:59-01:00", "start")).toBe("9999-12-31T23:59:59.999Z");
    expect(parseDateBound("0000-01-01T00:00:00+01:00", "end")).toBe("0000-01-01T00:00:00.000Z");
    expect(parseDateBound("9999-12-31", "end")).toBe("9999-12-31T23:59:59.999Z");
    expect(parseDateBound("0000-01-01", "start")).toBe("0000-01-01T00:00:00.000Z");
    for (const value of ["9999-12-31T23:59:59-01:00", "0000-01-01T00:00:00+01:00"]) {
      const bound = parseDateBound(value, "start");
      expect(bound && parseDateBound(bound, "start"), value).toBe(bound);
    }
  });
});
