import { describe, expect, it } from "vitest";
import { newIdempotencyKey } from "./idempotency-key";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newIdempotencyKey", () => {
  it("returns a UUID v4 when crypto.randomUUID exists", () => {
    expect(newIdempotencyKey()).toMatch(UUID_V4);
  });

  it("builds a UUID v4 from getRandomValues when randomUUID is missing (insecure browser context)", () => {
    const insecure = { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) };
    const keys = new Set(Array.from({ length: 200 }, () => newIdempotencyKey(insecure)));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(UUID_V4);
  });

  it("sets the version and variant bits when the random bytes are all ones", () => {
    const ones = {
      getRandomValues: <T extends ArrayBufferView | null>(array: T) => {
        new Uint8Array((array as unknown as Uint8Array).buffer).fill(0xff);
        return array;
      },
    };
    expect(newIdempotencyKey(ones as Pick<Crypto, "getRandomValues">)).toBe(
      "ffffffff-ffff-4fff-bfff-ffffffffffff",
    );
  });
});
