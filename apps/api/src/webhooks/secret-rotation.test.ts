import { describe, expect, it } from "vitest";
import { createSecretBox } from "./secret-box";
import { ROTATION_OVERLAP_MS, rotateSecret } from "./secret-rotation";

const KEY = "a-long-operator-chosen-key-of-32-plus-chars";
const NOW = Date.parse("2026-12-06T12:00:00.000Z");

describe("rotateSecret", () => {
  const box = createSecretBox(KEY);
  const endpoint = {
    id: "wh_1",
    url: "https://example.com/hook",
    secret: box.seal("whsec_old", "wh_1"),
    previousSecret: null,
    previousSecretExpiresAt: null,
    updatedAt: "2026-12-01T00:00:00.000Z",
  };

  it("seals a new secret, keeps the old one for the overlap and leaves the other fields alone", () => {
    const { rotated, secret } = rotateSecret(endpoint, box, NOW);
    expect(secret).toMatch(/^whsec_/);
    expect(box.open(rotated.secret, "wh_1")).toBe(secret);
    expect(rotated.previousSecret).toBe(endpoint.secret);
    expect(box.open(rotated.previousSecret!, "wh_1")).toBe("whsec_old");
    expect(rotated.previousSecretExpiresAt).toBe(new Date(NOW + ROTATION_OVERLAP_MS).toISOString());
    expect(rotated.updatedAt).toBe(new Date(NOW).toISOString());
    expect(rotated.url).toBe(endpoint.url);
  });

  it("seals an old secret that was stored plain (before a key was set)", () => {
    const plain = { ...endpoint, secret: "whsec_stored_plain" };
    const { rotated } = rotateSecret(plain, box, NOW);
    expect(rotated.previousSecret).toMatch(/^sealed:/);
    expect(box.open(rotated.previousSecret!, "wh_1")).toBe("whsec_stored_plain");
    // Without a key there is nothing to seal with: it moves as it is.
    expect(rotateSecret(plain, createSecretBox(), NOW).rotated.previousSecret).toBe("whsec_stored_plain");
  });

  it("makes a different secret on every rotation", () => {
    expect(rotateSecret(endpoint, box, NOW).secret).not.toBe(rotateSecret(endpoint, box, NOW).secret);
  });
});
