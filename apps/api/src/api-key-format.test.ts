import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  displayPrefix,
  generateApiKey,
  hashApiKey,
  hashesEqual,
  isValidBootstrapKey,
  MIN_SECRET_LENGTH,
  parseApiKey,
  SECRET_LENGTH,
} from "./api-key-format";

describe("generateApiKey", () => {
  it("produces the guide's format with a 32-character base62 secret when given a tenant", () => {
    const key = generateApiKey("default");
    expect(key).toMatch(/^intendedops_default_[A-Za-z0-9]{32}$/);
    expect(parseApiKey(key)).toEqual({
      tenantId: "default",
      secret: key.slice("intendedops_default_".length),
    });
  });

  it("never repeats a key when called many times", () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateApiKey("t1")));
    expect(keys.size).toBe(2000);
  });

  it("refuses a tenant id with an underscore or capitals when generating", () => {
    expect(() => generateApiKey("my_tenant")).toThrow(TypeError);
    expect(() => generateApiKey("Tenant")).toThrow(TypeError);
  });

  it("keeps only unbiased characters when the random source returns high bytes", () => {
    const key = generateApiKey("t", (size) => new Uint8Array(size).fill(255).map((v, i) => (i % 2 ? 61 : v)));
    expect(key.slice(-SECRET_LENGTH)).toBe("z".repeat(SECRET_LENGTH));
  });
});

describe("parseApiKey", () => {
  it("parses the guide's example key when the tenant has letters and digits", () => {
    expect(parseApiKey("intendedops_tenant123_xK9mN2pQ7rS4tU6v")).toEqual({
      tenantId: "tenant123",
      secret: "xK9mN2pQ7rS4tU6v",
    });
  });

  it.each([
    "",
    "intendedops__abc",
    "intendedops_t_",
    "other_t_abc",
    "intendedops_t_abc!",
    "intendedops_T_abc",
  ])("returns undefined when the key is %j", (key) => {
    expect(parseApiKey(key)).toBeUndefined();
  });

  it("round-trips any generated key when the tenant id is valid", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), (tenant) => {
        const key = generateApiKey(tenant);
        expect(parseApiKey(key)?.tenantId).toBe(tenant);
        expect(isValidBootstrapKey(key)).toBe(true);
      }),
    );
  });
});

describe("isValidBootstrapKey", () => {
  it("refuses a secret shorter than 128 bits when an operator supplies it", () => {
    expect(isValidBootstrapKey("intendedops_tenant123_xK9mN2pQ7rS4tU6v")).toBe(false);
    expect(isValidBootstrapKey("intendedops_tenant123_xK9mN2pQ7rS4tU6vW8yZ0a")).toBe(true);
  });

  it("judges a secret by the alphabet it uses: hex needs 32 characters, one letter case alone 28", () => {
    const key = (secret: string) => `intendedops_tenant123_${secret}`;
    // `openssl rand -hex 16` and its upper-case form: exactly 128 bits.
    expect(isValidBootstrapKey(key("0123456789abcdef0123456789abcdef"))).toBe(true);
    expect(isValidBootstrapKey(key("0123456789ABCDEF0123456789ABCDEF"))).toBe(true);
    expect(isValidBootstrapKey(key("0123456789abcdef0123456789abcde"))).toBe(false);
    expect(isValidBootstrapKey(key("0123456789abcdef012345"))).toBe(false);
    expect(isValidBootstrapKey(key("a".repeat(22)))).toBe(false);
    expect(isValidBootstrapKey(key("A".repeat(27)))).toBe(false);
    expect(isValidBootstrapKey(key("g".repeat(28)))).toBe(true);
    // Lower case and digits: 36 symbols, 25 characters hold 129 bits.
    expect(isValidBootstrapKey(key("crashtestkey0123456789xyz"))).toBe(true);
    expect(isValidBootstrapKey(key("crashtestkey0123456789xy"))).toBe(false);
  });
});

describe("hashApiKey", () => {
  it("returns the SHA-256 hex digest when hashing a key", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("compares digests equal only when they are identical", () => {
    const a = hashApiKey("one");
    expect(hashesEqual(a, hashApiKey("one"))).toBe(true);
    expect(hashesEqual(a, hashApiKey("two"))).toBe(false);
    expect(hashesEqual(a, "ab")).toBe(false);
  });
});

describe("displayPrefix", () => {
  it("shows the tenant and four secret characters when given a key", () => {
    expect(displayPrefix("intendedops_acme_ABCDEFGHIJKLMNOPQRSTUVWXYZ")).toBe("intendedops_acme_ABCD");
  });

  it("never shows so much that fewer than MIN_SECRET_LENGTH secret characters stay hidden", () => {
    const key = (length: number) => `intendedops_acme_${"A".repeat(length)}`;
    expect(displayPrefix(key(MIN_SECRET_LENGTH))).toBe("intendedops_acme_");
    expect(displayPrefix(key(MIN_SECRET_LENGTH + 2))).toBe("intendedops_acme_AA");
    for (let length = MIN_SECRET_LENGTH; length <= SECRET_LENGTH; length++) {
      const shown = displayPrefix(key(length)).length - "intendedops_acme_".length;
      expect(length - shown).toBeGreaterThanOrEqual(MIN_SECRET_LENGTH);
    }
  });
});
