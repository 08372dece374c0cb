import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AuditEvent, AuditEventDraft } from "../model/audit-event";
import { buildAuditEvents, GENESIS_HASH } from "./audit-chain";
import { createChainVerifier, verifyChain, verifyChainBatches } from "./chain-verifier";

const NOW = Date.UTC(2024, 0, 15);

function draft(i: number): AuditEventDraft {
  return { eventType: "intent.submitted", actor: "key_1", intentId: `int_${i}`, data: { i, tags: ["a", i] } };
}

/** A valid chain of `n` events appended in several transactions, as a store would hold it. */
function chain(n: number, perTx = 3): AuditEvent[] {
  const events: AuditEvent[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let start = 0; start < n; start += perTx) {
    const drafts = Array.from({ length: Math.min(perTx, n - start) }, (_, k) => draft(start + k));
    const built = buildAuditEvents(head, drafts, { tenantId: "t1", now: NOW + start });
    events.push(...built);
    const last = built[built.length - 1]!;
    head = { seq: last.seq, hash: last.hash };
  }
  return events;
}

function replaceAt(events: AuditEvent[], index: number, patch: Partial<AuditEvent>): AuditEvent[] {
  return events.map((e, i) => (i === index ? { ...e, ...patch } : e));
}

describe("verifyChain", () => {
  it("accepts a chain when it is untouched", () => {
    expect(verifyChain(chain(10))).toMatchObject({ valid: true, eventCount: 10 });
  });

  it("accepts an empty chain when there are no events", () => {
    expect(verifyChain([])).toMatchObject({ valid: true, eventCount: 0 });
  });

  it("accepts a chain when events came from a generator", () => {
    const events = chain(5);
    expect(
      verifyChain(
        (function* () {
          yield* events;
        })(),
      ),
    ).toMatchObject({ valid: true, eventCount: 5 });
  });

  it("reports the tampered seq when an event's data changed", () => {
    const events = chain(10);
    const tampered = replaceAt(events, 4, { data: { ...events[4]!.data, i: 999 } });
    expect(verifyChain(tampered)).toEqual({ valid: false, eventCount: 10, firstInvalidSeq: 5 });
  });

  it("reports the tampered seq when a nested data member changed", () => {
    const events = chain(10);
    const tampered = replaceAt(events, 6, { data: { i: 6, tags: ["a", 7] } });
    expect(verifyChain(tampered).firstInvalidSeq).toBe(7);
  });

  it("reports the tampered seq when a timestamp changed", () => {
    const tampered = replaceAt(chain(10), 2, { timestamp: "2030-01-01T00:00:00.000Z" });
    expect(verifyChain(tampered).firstInvalidSeq).toBe(3);
  });

  it.each([
    ["actor", { actor: "key_evil" }],
    ["eventType", { eventType: "intent.approved" }],
    ["agentId", { agentId: "other-agent" }],
    ["intentId", { intentId: null }],
    ["id", { id: "evt_forged" }],
    ["tenantId", { tenantId: "t2" }],
    ["leafHash", { leafHash: "f".repeat(64) }],
  ])("reports the tampered seq when %s changed", (_field, patch) => {
    expect(verifyChain(replaceAt(chain(6), 3, patch)).firstInvalidSeq).toBe(4);
  });

  it("reports the missing seq when an event was deleted", () => {
    const events = chain(10);
    events.splice(4, 1);
    expect(verifyChain(events)).toEqual({ valid: false, eventCount: 9, firstInvalidSeq: 5 });
  });

  it("accepts a truncated chain as a valid prefix when no head is given", () => {
    expect(verifyChain(chain(10).slice(0, 9))).toMatchObject({ valid: true, eventCount: 9 });
  });

  it("reports the first missing seq when the tail was cut off and the stored head is given", () => {
    const events = chain(10);
    const head = { seq: 10, hash: events[9]!.hash };
    expect(verifyChain(events, { head })).toMatchObject({ valid: true, eventCount: 10 });
    expect(verifyChain(events.slice(0, 8), { head })).toEqual({
      valid: false,
      eventCount: 8,
      firstInvalidSeq: 9,
    });
  });

  it("reports the last seq when the tail was rewritten consistently but the stored head disagrees", () => {
    const events = chain(5);
    const head = { seq: 5, hash: events[4]!.hash };
    const [rewritten] = buildAuditEvents({ seq: 4, hash: events[3]!.hash }, [draft(99)], {
      tenantId: "t1",
      now: NOW,
    });
    events[4] = rewritten!;
    expect(verifyChain(events)).toMatchObject({ valid: true, eventCount: 5 });
    expect(verifyChain(events, { head })).toEqual({ valid: false, eventCount: 5, firstInvalidSeq: 5 });
  });

  it("answers the last event's hash as headHash when valid, and genesis for an empty chain", () => {
    const events = chain(7);
    expect(verifyChain(events)).toEqual({ valid: true, eventCount: 7, headHash: events[6]!.hash });
    expect(verifyChain([])).toEqual({ valid: true, eventCount: 0, headHash: GENESIS_HASH });
    expect(verifyChain(replaceAt(events, 2, { actor: "x" }))).not.toHaveProperty("headHash");
  });

  it("holds the chain to saved anchors when the tail was cut and the head moved back to match", () => {
    const events = chain(10);
    const saved = { seq: 10, hash: events[9]!.hash };
    expect(verifyChain(events, { anchors: [saved] })).toMatchObject({ valid: true, eventCount: 10 });
    // Without the anchor the cut chain and its moved head agree: a valid, shorter chain.
    const cut = events.slice(0, 7);
    const movedHead = { seq: 7, hash: cut[6]!.hash };
    expect(verifyChain(cut, { head: movedHead })).toMatchObject({ valid: true, eventCount: 7 });
    expect(verifyChain(cut, { head: movedHead, anchors: [saved] })).toEqual({
      valid: false,
      eventCount: 7,
      firstInvalidSeq: 8,
    });
  });

  it("reports an anchor's seq when the chain was rebuilt from before it and the head moved to match", () => {
    const events = chain(6);
    const saved = { seq: 5, hash: events[4]!.hash };
    // Everything from seq 4 on rebuilt with other content, each hash consistent with the last.
    const rebuilt = [
      ...events.slice(0, 3),
      ...buildAuditEvents({ seq: 3, hash: events[2]!.hash }, [draft(40), draft(41), draft(42)], {
        tenantId: "t1",
        now: NOW,
      }),
    ];
    const head = { seq: 6, hash: rebuilt[5]!.hash };
    expect(verifyChain(rebuilt, { head })).toMatchObject({ valid: true });
    expect(verifyChain(rebuilt, { head, anchors: [saved] })).toEqual({
      valid: false,
      eventCount: 6,
      firstInvalidSeq: 5,
    });
    // An anchor at a seq the rebuild did not reach still holds; two hashes for one seq cannot.
    expect(verifyChain(rebuilt, { anchors: [{ seq: 2, hash: events[1]!.hash }] }).valid).toBe(true);
    expect(verifyChain(events, { anchors: [saved, { seq: 5, hash: "b".repeat(64) }] }).firstInvalidSeq).toBe(
      5,
    );
  });

  it("reports the first extra seq when the chain runs past the stored head", () => {
    const events = chain(6);
    expect(verifyChain(events, { head: { seq: 4, hash: events[3]!.hash } }).firstInvalidSeq).toBe(5);
  });

  it("accepts an empty chain when the head is genesis and rejects it when the head claims events", () => {
    expect(verifyChain([], { head: { seq: 0, hash: GENESIS_HASH } })).toMatchObject({
      valid: true,
      eventCount: 0,
    });
    expect(verifyChain([], { head: { seq: 2, hash: "a".repeat(64) } }).firstInvalidSeq).toBe(1);
  });

  it("reports the first swapped position when two events were reordered", () => {
    const events = chain(10);
    [events[5], events[6]] = [events[6]!, events[5]!];
    expect(verifyChain(events).firstInvalidSeq).toBe(6);
  });

  it("reports a gap when a seq number was skipped", () => {
    const events = chain(10);
    expect(verifyChain(replaceAt(events, 7, { seq: 9 })).firstInvalidSeq).toBe(8);
  });

  it("reports the tampered seq when a prevHash changed", () => {
    expect(verifyChain(replaceAt(chain(10), 8, { prevHash: "0".repeat(64) })).firstInvalidSeq).toBe(9);
  });

  it("reports the first event when the chain does not start at genesis", () => {
    const [, ...rest] = chain(4);
    expect(verifyChain(rest).firstInvalidSeq).toBe(1);
  });

  it("reports the rewritten seq when an attacker re-hashed one event but not its successor", () => {
    const events = chain(6);
    const [rehashed] = buildAuditEvents({ seq: 2, hash: events[1]!.hash }, [draft(100)], {
      tenantId: "t1",
      now: NOW,
    });
    events[2] = rehashed!;
    expect(verifyChain(events).firstInvalidSeq).toBe(4);
  });

  it("reports the seq of an event whose data cannot be serialized when stored data is corrupt", () => {
    const tampered = replaceAt(chain(3), 1, { data: { n: Number.NaN } });
    expect(verifyChain(tampered)).toEqual({ valid: false, eventCount: 3, firstInvalidSeq: 2 });
  });

  it("reports the first event of a foreign tenant when the chain mixes tenants", () => {
    const own = chain(3);
    const foreign = buildAuditEvents({ seq: 3, hash: own[2]!.hash }, [draft(3)], {
      tenantId: "t2",
      now: NOW,
    });
    expect(verifyChain([...own, ...foreign]).firstInvalidSeq).toBe(4);
  });

  it("accepts any randomly built chain when nothing was changed", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(
            fc.record({
              eventType: fc.string(),
              actor: fc.string(),
              data: fc.dictionary(fc.string(), fc.jsonValue()),
            }),
            { maxLength: 4 },
          ),
          { maxLength: 6 },
        ),
        (transactions) => {
          const events: AuditEvent[] = [];
          let head = { seq: 0, hash: GENESIS_HASH };
          for (const drafts of transactions) {
            const built = buildAuditEvents(head, drafts, { tenantId: "t", now: NOW });
            events.push(...built);
            const last = built.at(-1);
            if (last) head = { seq: last.seq, hash: last.hash };
          }
          expect(verifyChain(events)).toMatchObject({ valid: true, eventCount: events.length });
        },
      ),
    );
  });

  it("detects any single-field mutation at the mutated seq when given a random chain", () => {
    const mutableFields = [
      "id",
      "tenantId",
      "seq",
      "eventType",
      "actor",
      "agentId",
      "intentId",
      "data",
      "timestamp",
      "prevHash",
      "hash",
      "leafHash",
    ] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        fc.constantFrom(...mutableFields),
        fc.jsonValue(),
        (length, position, field, noise) => {
          const events = chain(length, 4);
          const index = position % length;
          const original = events[index]!;
          const mutated = { ...original, [field]: mutate(original[field], noise) } as AuditEvent;
          fc.pre(JSON.stringify(mutated) !== JSON.stringify(original));
          events[index] = mutated;
          const result = verifyChain(events);
          expect(result.valid).toBe(false);
          expect(result.firstInvalidSeq).toBe(index + 1);
        },
      ),
    );
  });
});

function mutate(value: unknown, noise: unknown): unknown {
  if (typeof value === "number") return value + 1;
  if (typeof value === "string") return `${value}x`;
  if (value === null) return "x";
  return { ...(value as object), noise };
}

describe("createChainVerifier", () => {
  it("gives the same result as verifyChain when the chain arrives in batches", () => {
    const events = chain(25);
    const verifier = createChainVerifier();
    for (let i = 0; i < events.length; i += 7) verifier.push(events.slice(i, i + 7));
    expect(verifier.result()).toMatchObject({ valid: true, eventCount: 25 });
  });

  it("reports the tampered seq across a batch boundary when the first event of a batch changed", () => {
    const events = replaceAt(chain(20), 10, { actor: "forged" });
    const verifier = createChainVerifier();
    verifier.push(events.slice(0, 10));
    expect(verifier.result()).toMatchObject({ valid: true, eventCount: 10 });
    verifier.push(events.slice(10));
    expect(verifier.result()).toEqual({ valid: false, eventCount: 20, firstInvalidSeq: 11 });
  });

  it("keeps counting but keeps the first failure when later batches are valid", () => {
    const events = chain(9);
    events.splice(2, 1);
    const verifier = createChainVerifier();
    verifier.push(events.slice(0, 4));
    verifier.push(events.slice(4));
    expect(verifier.result()).toEqual({ valid: false, eventCount: 8, firstInvalidSeq: 3 });
  });
});

describe("verifyChainBatches", () => {
  it("verifies an async stream of batches when reading from a store scan", async () => {
    const events = chain(12);
    async function* scan() {
      for (let i = 0; i < events.length; i += 5) yield events.slice(i, i + 5);
    }
    await expect(verifyChainBatches(scan())).resolves.toMatchObject({ valid: true, eventCount: 12 });
  });
});
