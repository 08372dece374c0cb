import { describe, expect, it } from "vitest";
import type { MemoryStore } from "../storage/memory-store";
import type { StoragePort } from "../storage/storage-port";
import { normalizeAuditFilter } from "./audit-service";
import {
  agentKey,
  approver,
  createHarness,
  invoiceRequest,
  registerBillingAgent,
  TENANT,
} from "./test-fixtures";

/** A store whose audit scan returns the chain with one event's data altered (tampering at rest). */
function tamperedScan(store: MemoryStore, seq: number): StoragePort {
  return {
    ...store,
    read: (fn) =>
      store.read((tx) =>
        fn({
          ...tx,
          audit: {
            ...tx.audit,
            async *scan(tenantId, batchSize) {
              for await (const batch of tx.audit.scan(tenantId, batchSize)) {
                yield batch.map((e) =>
                  e.seq === seq ? { ...e, data: { ...e.data, amount: 1_000_000 } } : e,
                );
              }
            },
          },
        }),
      ),
  };
}

describe("normalizeAuditFilter", () => {
  it("widens a bare toDate to the end of its UTC day when filtering by day", () => {
    expect(normalizeAuditFilter({ fromDate: "2024-01-15", toDate: "2024-01-15", eventType: "x" })).toEqual({
      fromDate: "2024-01-15T00:00:00.000Z",
      toDate: "2024-01-15T23:59:59.999Z",
      eventType: "x",
    });
    expect(normalizeAuditFilter({ fromDate: "2024-01-15T12:00:00+02:00" })).toEqual({
      fromDate: "2024-01-15T10:00:00.000Z",
    });
  });

  it("answers VALIDATION_ERROR naming the field when a date does not parse", () => {
    expect(() => normalizeAuditFilter({ toDate: "yesterday" })).toThrow(
      expect.objectContaining({
        code: "VALIDATION_ERROR",
        details: [{ path: ["toDate"], message: expect.any(String) }],
      }),
    );
  });
});

describe("governor date filters", () => {
  it("rejects the promise, rather than throwing at the call, when an audit date is bad", async () => {
    const { governor } = createHarness();
    const query = governor.queryAudit(TENANT, { fromDate: "garbage" });
    expect(query).toBeInstanceOf(Promise);
    await expect(query).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["fromDate"] }],
    });
  });

  it("compares intents' createdFrom as an instant, whatever zone it is written in", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    await governor.submit(agentKey, {
      type: "billing.send_invoice",
      agentId: "billing-agent",
      params: { customerId: "c", amount: 5 },
    });
    const [created] = (await governor.listIntents(TENANT)).items;
    const at = Date.parse(created!.createdAt);
    // The same instant written 30 minutes later in a zone one hour west: after creation, so none.
    const later = new Date(at + 30 * 60_000 - 60 * 60_000).toISOString().replace("Z", "-01:00");
    expect((await governor.listIntents(TENANT, { createdFrom: later })).total).toBe(0);
    expect((await governor.listIntents(TENANT, { createdFrom: created!.createdAt.slice(0, 10) })).total).toBe(
      1,
    );
    await expect(governor.listIntents(TENANT, { createdFrom: "garbage" })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["createdFrom"] }],
    });
  });
});

describe("governor audit", () => {
  it("filters the trail by type, agent, intent and day when queried", async () => {
    const { governor, advance } = createHarness();
    await registerBillingAgent(governor);
    advance(86_400_000);
    const { intent, approval } = await governor.submit(agentKey, invoiceRequest);
    await governor.approve(approver, approval?.id ?? "");

    const byType = await governor.queryAudit(TENANT, { eventType: "intent.approved" });
    expect(byType.items).toMatchObject([
      { actor: "key_alice", intentId: intent.id, data: { approvedByName: "alice" } },
    ]);
    expect((await governor.queryAudit(TENANT, { intentId: intent.id })).total).toBe(2);
    expect((await governor.queryAudit(TENANT, { agentId: "billing-agent" })).total).toBe(3);
    const firstDay = await governor.queryAudit(TENANT, { fromDate: "2024-01-15", toDate: "2024-01-15" });
    expect(firstDay.items.map((e) => e.eventType)).toEqual(["agent.registered"]);
    const paged = await governor.queryAudit(TENANT, {}, { page: 2, pageSize: 2 });
    expect(paged.items.map((e) => e.seq)).toEqual([3]);
  });

  it("reports the first tampered seq when a stored event was altered", async () => {
    const { governor, store } = createHarness();
    await registerBillingAgent(governor);
    for (let i = 0; i < 3; i++) await governor.submit(agentKey, invoiceRequest);
    expect(await governor.verifyAudit(TENANT)).toMatchObject({ valid: true, eventCount: 4 });

    const { governor: auditor } = createHarness({ wrap: () => tamperedScan(store, 4) });
    expect(await auditor.verifyAudit(TENANT)).toEqual({ valid: false, eventCount: 4, firstInvalidSeq: 4 });
  });

  it("holds the chain to an anchor saved from an earlier verification", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    await governor.submit(agentKey, invoiceRequest);
    const first = await governor.verifyAudit(TENANT);
    expect(first).toMatchObject({
      valid: true,
      eventCount: 2,
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const saved = { seq: first.eventCount, hash: first.headHash ?? "" };
    await governor.submit(agentKey, invoiceRequest);
    expect(await governor.verifyAudit(TENANT, { anchors: [saved] })).toMatchObject({
      valid: true,
      eventCount: 3,
    });
    // An anchor the chain does not hold: another hash at that seq, or a seq the chain has not reached.
    expect(await governor.verifyAudit(TENANT, { anchors: [{ ...saved, hash: "c".repeat(64) }] })).toEqual({
      valid: false,
      eventCount: 3,
      firstInvalidSeq: 2,
    });
    expect(await governor.verifyAudit(TENANT, { anchors: [{ seq: 9, hash: saved.hash }] })).toEqual({
      valid: false,
      eventCount: 3,
      firstInvalidSeq: 4,
    });
  });

  it("verifies an empty chain as valid when the tenant has no events", async () => {
    const { governor } = createHarness();
    expect(await governor.verifyAudit(TENANT)).toMatchObject({ valid: true, eventCount: 0 });
  });
});
