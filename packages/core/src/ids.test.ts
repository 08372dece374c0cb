import { describe, expect, it } from "vitest";
import { ID_PREFIX, type IdKind, isId, newId } from "./ids";

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe("newId", () => {
  it("returns the kind's prefix and a 26-character ULID when called for every kind", () => {
    for (const kind of Object.keys(ID_PREFIX) as IdKind[]) {
      const id = newId(kind);
      const [prefix, ulid] = [id.slice(0, id.lastIndexOf("_")), id.slice(id.lastIndexOf("_") + 1)];
      expect(prefix).toBe(ID_PREFIX[kind]);
      expect(ulid).toMatch(CROCKFORD);
    }
  });

  it("uses the guide's prefixes when creating intents, approvals, webhooks and audit events", () => {
    expect(newId("intent")).toMatch(/^int_/);
    expect(newId("approval")).toMatch(/^apr_/);
    expect(newId("webhookEvent")).toMatch(/^whk_/);
    expect(newId("auditEvent")).toMatch(/^evt_/);
  });

  it("encodes the given time in the first 10 characters when a clock value is passed", () => {
    // Later than any time used in this file: the factory is monotonic, so an earlier clock
    // value than a previous call's would be replaced by that previous time.
    const now = Date.UTC(2100, 0, 15, 10, 30);
    const a = newId("intent", now).slice(4, 14);
    const b = newId("intent", now + 1).slice(4, 14);
    expect(a < b).toBe(true);
    expect(decodeTime(a)).toBe(now);
  });

  it("sorts strictly increasing when many ids share the same millisecond", () => {
    const now = Date.UTC(2030, 5, 1);
    const ids = Array.from({ length: 1000 }, () => newId("auditEvent", now));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it("stays increasing when the clock goes backwards", () => {
    const first = newId("intent", Date.UTC(2031, 0, 1));
    const second = newId("intent", Date.UTC(2031, 0, 1) - 5000);
    expect(second > first).toBe(true);
  });
});

describe("isId", () => {
  it("accepts an id when it has the kind's prefix and a valid ULID", () => {
    expect(isId("intent", newId("intent"))).toBe(true);
    expect(isId("intent", "int_01HN4X7KQZ8Y1A2B3C4D5E6F7G")).toBe(true);
  });

  it("rejects an id when it belongs to another kind", () => {
    expect(isId("approval", newId("intent"))).toBe(false);
    // "intention_" must not pass as an intent id just because it starts with "int".
    expect(isId("intent", newId("intention"))).toBe(false);
  });

  it("rejects an id when the ULID part is malformed", () => {
    expect(isId("intent", "int_")).toBe(false);
    expect(isId("intent", "int_01HN4X7KQZ8Y1A2B3C4D5E6F7")).toBe(false);
    expect(isId("intent", "int_01HN4X7KQZ8Y1A2B3C4D5E6F7GX")).toBe(false);
    expect(isId("intent", "int_01hn4x7kqz8y1a2b3c4d5e6f7g")).toBe(false);
    expect(isId("intent", "int_01HN4X7KQZ8Y1A2B3C4D5E6F7I")).toBe(false);
    expect(isId("intent", "int_abc123")).toBe(false);
  });
});

/** Crockford base32 time prefix → epoch ms (the first 10 ULID characters). */
function decodeTime(prefix: string): number {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let time = 0;
  for (const c of prefix) time = time * 32 + alphabet.indexOf(c);
  return time;
}
