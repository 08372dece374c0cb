import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isId } from "../ids";
import type { AuditEventDraft } from "../model/audit-event";
import {
  type AuditEventBody,
  auditDataJson,
  auditEventBody,
  buildAuditEvents,
  canonicalAuditBody,
  GENESIS_HASH,
  hashAuditEvent,
  leafHashOf,
} from "./audit-chain";
import { canonicalJson } from "./canonical-json";

const NOW = Date.UTC(2024, 0, 15, 10, 30, 0);
const drafts: AuditEventDraft[] = [
  {
    eventType: "agent.registered",
    actor: "key_1",
    agentId: "billing-agent",
    data: { name: "Billing Agent" },
  },
  { eventType: "intent.submitted", actor: "key_1", intentId: "int_1", data: { amount: 9900 } },
];

function sequentialIds(): () => string {
  let n = 0;
  return () => `evt_${++n}`;
}

function sha256Hex(...parts: (string | Uint8Array)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

describe("buildAuditEvents", () => {
  it("starts at seq 1 chained from the genesis hash when the head is empty", () => {
    const events = buildAuditEvents({ seq: 0, hash: GENESIS_HASH }, drafts, { tenantId: "t1", now: NOW });
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    expect(events[1]?.prevHash).toBe(events[0]?.hash);
    expect(events.every((e) => isId("auditEvent", e.id))).toBe(true);
    expect(events.every((e) => e.timestamp === "2024-01-15T10:30:00.000Z" && e.tenantId === "t1")).toBe(true);
  });

  it("defaults agentId and intentId to null when a draft leaves them out", () => {
    const [first, second] = buildAuditEvents({ seq: 0, hash: GENESIS_HASH }, drafts, {
      tenantId: "t1",
      now: NOW,
    });
    expect(first?.intentId).toBeNull();
    expect(first?.agentId).toBe("billing-agent");
    expect(second?.agentId).toBeNull();
  });

  it("continues seq and prevHash from the head when the chain already has events", () => {
    const head = { seq: 41, hash: "ab".repeat(32) };
    const events = buildAuditEvents(head, drafts, { tenantId: "t1", now: NOW });
    expect(events.map((e) => e.seq)).toEqual([42, 43]);
    expect(events[0]?.prevHash).toBe(head.hash);
  });

  it("computes hash = SHA-256(prevHash ‖ canonical body) and leafHash = SHA-256(0x00 ‖ canonical body) when building", () => {
    const [event] = buildAuditEvents({ seq: 0, hash: GENESIS_HASH }, drafts.slice(0, 1), {
      tenantId: "t1",
      now: NOW,
      newId: sequentialIds(),
    });
    const { hash, prevHash, leafHash, ...body } = event!;
    const canonical = canonicalJson(body);
    expect(canonical).toBe(
      '{"actor":"key_1","agentId":"billing-agent","data":{"name":"Billing Agent"},"eventType":"agent.registered",' +
        '"id":"evt_1","intentId":null,"seq":1,"tenantId":"t1","timestamp":"2024-01-15T10:30:00.000Z"}',
    );
    expect(hash).toBe(sha256Hex(GENESIS_HASH, canonical));
    expect(leafHash).toBe(sha256Hex(new Uint8Array([0]), canonical));
    expect(hashAuditEvent(event!)).toBe(hash);
    expect(leafHashOf(event!)).toBe(leafHash);
  });

  it("produces the documented golden hash when given fixed ids and clock (format regression)", () => {
    const [event] = buildAuditEvents({ seq: 0, hash: GENESIS_HASH }, drafts.slice(0, 1), {
      tenantId: "t1",
      now: NOW,
      newId: sequentialIds(),
    });
    // Computed independently with `printf '%s%s' <64 zeros> '<canonical body>' | sha256sum`.
    expect(event?.hash).toBe("edd2a29cc695f691076ab4e97197a0c374a34b9e432d0dfb2b09bc7945eae183");
    expect(event?.leafHash).toBe("56d45dbbdef5876627c2ab2cc885ed2243655adcbf972210e03107cea5667af0");
  });

  it("ignores properties outside the hashed body when hashing an event", () => {
    const [event] = buildAuditEvents({ seq: 0, hash: GENESIS_HASH }, drafts, { tenantId: "t1", now: NOW });
    expect(hashAuditEvent({ ...event!, extra: "x" } as typeof event & { extra: string })).toBe(event?.hash);
  });

  it("returns no events when given no drafts", () => {
    expect(buildAuditEvents({ seq: 3, hash: GENESIS_HASH }, [], { tenantId: "t1", now: NOW })).toEqual([]);
  });

  it("throws when the head is malformed", () => {
    const ctx = { tenantId: "t1", now: NOW };
    expect(() => buildAuditEvents({ seq: -1, hash: GENESIS_HASH }, drafts, ctx)).toThrow(TypeError);
    expect(() => buildAuditEvents({ seq: 1.5, hash: GENESIS_HASH }, drafts, ctx)).toThrow(TypeError);
    expect(() => buildAuditEvents({ seq: 0, hash: "XYZ" }, drafts, ctx)).toThrow(TypeError);
  });

  it("throws a TypeError when draft data holds a non-JSON number", () => {
    const bad: AuditEventDraft[] = [{ eventType: "x", actor: "a", data: { n: Number.NaN } }];
    expect(() => buildAuditEvents({ seq: 0, hash: GENESIS_HASH }, bad, { tenantId: "t1", now: NOW })).toThrow(
      TypeError,
    );
  });
});

describe("canonicalAuditBody", () => {
  const text = fc.string({ unit: "binary" });
  const body = fc.record({
    id: text,
    tenantId: text,
    seq: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    eventType: text,
    actor: text,
    agentId: fc.option(text, { nil: null }),
    intentId: fc.option(text, { nil: null }),
    data: fc.dictionary(text, fc.jsonValue()),
    timestamp: text,
  });

  it("writes exactly the generic canonical JSON of the body when fields have their usual types", () => {
    fc.assert(
      fc.property(body, (event) => {
        expect(canonicalAuditBody(event)).toBe(canonicalJson(auditEventBody(event)));
      }),
    );
  });

  it("falls back to the generic serializer when a field has another type or stray properties exist", () => {
    const odd = {
      agentId: undefined,
      intentId: 7,
      seq: "3",
      extra: true,
    } as unknown as Partial<AuditEventBody>;
    fc.assert(
      fc.property(body, fc.subarray(Object.keys(odd)), (event, keys) => {
        const mixed = {
          ...event,
          ...Object.fromEntries(keys.map((k) => [k, odd[k as keyof AuditEventBody]])),
        };
        expect(canonicalAuditBody(mixed)).toBe(canonicalJson(auditEventBody(mixed)));
      }),
    );
  });
});

describe("auditDataJson", () => {
  it("gives the canonical text of data that the built event's hash covers", () => {
    const [event] = buildAuditEvents(
      { seq: 0, hash: GENESIS_HASH },
      [{ eventType: "x.y", actor: "a", data: { b: [2, { d: 1, c: "é" }], a: null } }],
      { tenantId: "t1", now: NOW, newId: sequentialIds() },
    );
    if (!event) throw new Error("no event");
    const text = auditDataJson(event);
    expect(text).toBe('{"a":null,"b":[2,{"c":"é","d":1}]}');
    expect(canonicalAuditBody(event)).toContain(`"data":${text},`);
    expect(JSON.parse(text)).toEqual(event.data);
  });

  it("serializes the data of an event it did not build (a stored or hand-made one) the same way", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (data) => {
        const [built] = buildAuditEvents(
          { seq: 0, hash: GENESIS_HASH },
          [{ eventType: "x", actor: "a", data }],
          {
            tenantId: "t1",
            now: NOW,
          },
        );
        if (!built) throw new Error("no event");
        const copy = { ...built };
        expect(auditDataJson(copy)).toBe(canonicalJson(data));
        expect(auditDataJson(built)).toBe(canonicalJson(data));
      }),
    );
  });
});
