import { IntendedOpsError } from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "./secret-box";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const KEY = "a-long-operator-chosen-key-of-32-plus-chars";

describe("createSecretBox", () => {
  it("seals to ciphertext that opens to the secret when a key is set", () => {
    const box = createSecretBox(KEY);
    const sealed = box.seal(SECRET, "wh_1");
    expect(box.encrypts).toBe(true);
    expect(sealed).toMatch(/^sealed:v1:/);
    expect(sealed).not.toContain(SECRET.slice(6));
    expect(box.seal(SECRET, "wh_1")).not.toBe(sealed);
    expect(box.open(sealed, "wh_1")).toBe(SECRET);
  });

  it("refuses to open a sealed secret when it is moved to another endpoint", () => {
    const box = createSecretBox(KEY);
    const sealed = box.seal(SECRET, "wh_1");
    expect(() => box.open(sealed, "wh_2")).toThrow(IntendedOpsError);
  });

  it("refuses to open a sealed secret when the key differs or is missing", () => {
    const sealed = createSecretBox(KEY).seal(SECRET, "wh_1");
    expect(() => createSecretBox(`${KEY}!`).open(sealed, "wh_1")).toThrow(/INTENDEDOPS_SECRET_KEY/);
    expect(() => createSecretBox().open(sealed, "wh_1")).toThrow(/INTENDEDOPS_SECRET_KEY/);
  });

  it("refuses a tampered or truncated sealed secret", () => {
    const box = createSecretBox(KEY);
    const sealed = box.seal(SECRET, "wh_1");
    const [iv, data, tag] = sealed.slice("sealed:v1:".length).split(".");
    const flipped = `${data!.slice(0, -2)}${data!.endsWith("AA") ? "BB" : "AA"}`;
    expect(() => box.open(`sealed:v1:${iv}.${flipped}.${tag}`, "wh_1")).toThrow(IntendedOpsError);
    expect(() => box.open(`sealed:v1:${iv}.${data}`, "wh_1")).toThrow(IntendedOpsError);
  });

  it("passes secrets through when no key is set, and opens plain secrets stored before a key was set", () => {
    const plain = createSecretBox();
    expect(plain.encrypts).toBe(false);
    expect(plain.seal(SECRET, "wh_1")).toBe(SECRET);
    expect(createSecretBox(KEY).open(SECRET, "wh_1")).toBe(SECRET);
  });
});
