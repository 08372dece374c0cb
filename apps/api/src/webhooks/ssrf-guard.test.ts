import type { LookupAddress } from "node:dns";
import { IntendedOpsError } from "@intendedops/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertWebhookUrl, guardedLookup, isForbiddenAddress } from "./ssrf-guard";

const resolveTo =
  (...addresses: string[]) =>
  async (): Promise<LookupAddress[]> =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("isForbiddenAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.255.254",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.10",
    "169.254.169.254",
    "100.100.100.200",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fd00:ec2::254",
    "fc00::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::127.0.0.1",
    "::7f00:1",
    "::a00:1",
    "64:ff9b::7f00:1",
    "64:ff9b:1::a00:1",
    "2002:7f00:1::",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "100::1",
    "not-an-ip",
  ])("refuses %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    "93.184.216.34",
    "203.0.113.10",
    "172.32.0.1",
    "8.8.8.8",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
  ])("allows the public address %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it("refuses every address of the private IPv4 ranges when generated at random", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(octet, octet, octet, (a, b, c) => {
        expect(isForbiddenAddress(`10.${a}.${b}.${c}`)).toBe(true);
        expect(isForbiddenAddress(`127.${a}.${b}.${c}`)).toBe(true);
        expect(isForbiddenAddress(`192.168.${b}.${c}`)).toBe(true);
        expect(isForbiddenAddress(`169.254.${b}.${c}`)).toBe(true);
        expect(isForbiddenAddress(`172.${16 + (a % 16)}.${b}.${c}`)).toBe(true);
      }),
    );
  });
});

describe("assertWebhookUrl", () => {
  const guard = { allowPrivate: false };

  it("accepts a public https URL when its host resolves to public addresses", async () => {
    const url = await assertWebhookUrl("https://hooks.example.com/x", {
      ...guard,
      resolve: resolveTo("93.184.216.34"),
    });
    expect(url.href).toBe("https://hooks.example.com/x");
  });

  it("refuses a host when any of its addresses is private", async () => {
    const error = await assertWebhookUrl("https://hooks.example.com/x", {
      ...guard,
      resolve: resolveTo("93.184.216.34", "10.0.0.7"),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntendedOpsError);
    expect((error as IntendedOpsError).code).toBe("VALIDATION_ERROR");
    expect((error as IntendedOpsError).message).toMatch(/resolves to a loopback, private or link-local/);
  });

  it("refuses a host that does not resolve", async () => {
    const resolve = async (): Promise<LookupAddress[]> => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    await expect(assertWebhookUrl("https://nowhere.invalid/", { ...guard, resolve })).rejects.toThrow(
      /does not resolve/,
    );
  });

  it.each(["file:///etc/passwd", "gopher://203.0.113.1/", "javascript:alert(1)", "//203.0.113.1/x"])(
    "refuses %s whatever the private switch says",
    async (raw) => {
      await expect(assertWebhookUrl(raw, { allowPrivate: true })).rejects.toThrow(IntendedOpsError);
    },
  );

  it("accepts a loopback target when private targets are allowed", async () => {
    await expect(assertWebhookUrl("http://127.0.0.1:9000/x", { allowPrivate: true })).resolves.toBeInstanceOf(
      URL,
    );
  });
});

describe("guardedLookup", () => {
  const lookup = (
    hostname: string,
    resolve: () => Promise<LookupAddress[]>,
    allowPrivate = false,
    all = false,
  ) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) => {
      guardedLookup({ allowPrivate, resolve })(hostname, { all }, (error, address) =>
        done({ error, address }),
      );
    });

  it("refuses the connection when the name now resolves to a private address (DNS rebinding)", async () => {
    const { error } = await lookup("hooks.example.com", resolveTo("169.254.169.254"));
    expect(error?.message).toMatch(
      /refused: hooks\.example\.com resolves to a loopback, private or link-local/,
    );
    // What the server's resolver answered stays out of the tenant's delivery log.
    expect(error?.message).not.toMatch(/169\.254/);
  });

  it("hands back the checked addresses when they are public", async () => {
    expect((await lookup("hooks.example.com", resolveTo("93.184.216.34"))).address).toBe("93.184.216.34");
    expect((await lookup("hooks.example.com", resolveTo("93.184.216.34"), false, true)).address).toEqual([
      { address: "93.184.216.34", family: 4 },
    ]);
  });

  it("lets private addresses through when private targets are allowed", async () => {
    expect((await lookup("localhost", resolveTo("127.0.0.1"), true)).address).toBe("127.0.0.1");
  });
});
