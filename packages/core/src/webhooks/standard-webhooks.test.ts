import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  buildSignatureHeader,
  generateWebhookSecret,
  signStandardWebhook,
  verifyStandardWebhook,
} from "./standard-webhooks";

// The Standard Webhooks specification's published test vector.
const SPEC = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const SPEC_NOW = SPEC.timestamp * 1000;

function specHeaders(signature = SPEC.signature): Record<string, string> {
  return {
    "webhook-id": SPEC.id,
    "webhook-timestamp": String(SPEC.timestamp),
    "webhook-signature": signature,
  };
}

describe("signStandardWebhook", () => {
  it("produces the specification's signature when given its test vector", async () => {
    await expect(signStandardWebhook(SPEC)).resolves.toBe(SPEC.signature);
  });

  it("accepts a secret without the whsec_ prefix when given the bare base64", async () => {
    await expect(signStandardWebhook({ ...SPEC, secret: SPEC.secret.slice(6) })).resolves.toBe(
      SPEC.signature,
    );
  });

  it("matches the standardwebhooks package when signing random messages", async () => {
    const secret = generateWebhookSecret();
    const reference = new Webhook(secret);
    for (const body of ["", "{}", '{"amount":9900,"note":"Zoë 👋"}', "line1\nline2"]) {
      const timestamp = 1_700_000_000 + body.length;
      await expect(signStandardWebhook({ id: "msg_1", timestamp, body, secret })).resolves.toBe(
        reference.sign("msg_1", new Date(timestamp * 1000), body),
      );
    }
  });

  it("throws when the secret is not base64 or the timestamp is not whole seconds", async () => {
    await expect(signStandardWebhook({ ...SPEC, secret: "whsec_not base64!" })).rejects.toThrow(TypeError);
    await expect(signStandardWebhook({ ...SPEC, secret: "whsec_" })).rejects.toThrow(TypeError);
    await expect(signStandardWebhook({ ...SPEC, timestamp: 1.5 })).rejects.toThrow(TypeError);
  });
});

describe("generateWebhookSecret", () => {
  it("returns whsec_ + base64 of 32 random bytes when called", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(secret.slice(6))).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe("buildSignatureHeader", () => {
  it("lists one v1 signature per secret when rotating", async () => {
    const other = generateWebhookSecret();
    const header = await buildSignatureHeader({ ...SPEC, secrets: [SPEC.secret, other] });
    const [first, second] = header.split(" ");
    expect(first).toBe(SPEC.signature);
    expect(second).toBe(await signStandardWebhook({ ...SPEC, secret: other }));
  });

  it("throws when given no secrets", async () => {
    await expect(buildSignatureHeader({ ...SPEC, secrets: [] })).rejects.toThrow(TypeError);
  });
});

describe("verifyStandardWebhook", () => {
  it("accepts the specification's test vector when the clock is at its timestamp", async () => {
    await expect(
      verifyStandardWebhook({ headers: specHeaders(), body: SPEC.body, secret: SPEC.secret, now: SPEC_NOW }),
    ).resolves.toEqual({ valid: true, id: SPEC.id, timestamp: SPEC.timestamp });
  });

  it("accepts a message signed by the standardwebhooks package when verifying it", async () => {
    const secret = generateWebhookSecret();
    const now = Date.now();
    const timestamp = Math.floor(now / 1000);
    const signature = new Webhook(secret).sign("msg_x", new Date(timestamp * 1000), '{"a":1}');
    const headers = {
      "webhook-id": "msg_x",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    };
    await expect(verifyStandardWebhook({ headers, body: '{"a":1}', secret, now })).resolves.toMatchObject({
      valid: true,
    });
  });

  it("produces headers the standardwebhooks package accepts when signing with our functions", async () => {
    const secret = generateWebhookSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await signStandardWebhook({ id: "msg_y", timestamp, body: '{"b":2}', secret });
    const headers = {
      "webhook-id": "msg_y",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    };
    expect(new Webhook(secret).verify('{"b":2}', headers)).toEqual({ b: 2 });
  });

  it("rejects the signature when the body changed by one byte", async () => {
    await expect(
      verifyStandardWebhook({
        headers: specHeaders(),
        body: '{"test": 2432232315}',
        secret: SPEC.secret,
        now: SPEC_NOW,
      }),
    ).resolves.toEqual({ valid: false, error: "invalid_signature" });
  });

  it("rejects the signature when the id or timestamp header was changed", async () => {
    const base = { body: SPEC.body, secret: SPEC.secret, now: SPEC_NOW };
    await expect(
      verifyStandardWebhook({ ...base, headers: { ...specHeaders(), "webhook-id": "msg_other" } }),
    ).resolves.toEqual({ valid: false, error: "invalid_signature" });
    await expect(
      verifyStandardWebhook({
        ...base,
        headers: { ...specHeaders(), "webhook-timestamp": String(SPEC.timestamp + 1) },
      }),
    ).resolves.toEqual({ valid: false, error: "invalid_signature" });
  });

  it("rejects the signature when verified with another secret", async () => {
    await expect(
      verifyStandardWebhook({
        headers: specHeaders(),
        body: SPEC.body,
        secret: generateWebhookSecret(),
        now: SPEC_NOW,
      }),
    ).resolves.toEqual({ valid: false, error: "invalid_signature" });
  });

  it("accepts when any offered v1 signature matches any secret during rotation", async () => {
    const old = generateWebhookSecret();
    const header = `v1a,ignored v1,${btoa("x".repeat(32))} ${SPEC.signature}`;
    await expect(
      verifyStandardWebhook({
        headers: specHeaders(header),
        body: SPEC.body,
        secrets: [old, SPEC.secret],
        now: SPEC_NOW,
      }),
    ).resolves.toMatchObject({ valid: true });
  });

  it("ignores malformed entries when the signature header holds junk", async () => {
    await expect(
      verifyStandardWebhook({
        headers: specHeaders("garbage v1,%%% v2,abc v1"),
        body: SPEC.body,
        secret: SPEC.secret,
        now: SPEC_NOW,
      }),
    ).resolves.toEqual({ valid: false, error: "invalid_signature" });
  });

  it("rejects an old timestamp when outside the tolerance and accepts it at the edge", async () => {
    const input = { headers: specHeaders(), body: SPEC.body, secret: SPEC.secret };
    await expect(verifyStandardWebhook({ ...input, now: SPEC_NOW + 300_000 })).resolves.toMatchObject({
      valid: true,
    });
    await expect(verifyStandardWebhook({ ...input, now: SPEC_NOW + 301_000 })).resolves.toEqual({
      valid: false,
      error: "timestamp_too_old",
    });
    await expect(verifyStandardWebhook({ ...input, now: SPEC_NOW - 301_000 })).resolves.toEqual({
      valid: false,
      error: "timestamp_too_new",
    });
    await expect(
      verifyStandardWebhook({ ...input, now: SPEC_NOW + 3_600_000, toleranceSeconds: 7200 }),
    ).resolves.toMatchObject({ valid: true });
  });

  it("reports missing_headers when a header is absent, empty or the timestamp is not a number", async () => {
    const input = { body: SPEC.body, secret: SPEC.secret, now: SPEC_NOW };
    const { "webhook-id": _id, ...withoutId } = specHeaders();
    for (const headers of [
      withoutId,
      { ...specHeaders(), "webhook-signature": "" },
      { ...specHeaders(), "webhook-timestamp": "1614265330.5" },
      { ...specHeaders(), "webhook-timestamp": "-1" },
    ]) {
      await expect(verifyStandardWebhook({ ...input, headers })).resolves.toEqual({
        valid: false,
        error: "missing_headers",
      });
    }
  });

  it("reads headers case-insensitively when given a Headers object or mixed-case keys", async () => {
    const input = { body: SPEC.body, secret: SPEC.secret, now: SPEC_NOW };
    await expect(
      verifyStandardWebhook({ ...input, headers: new Headers(specHeaders()) }),
    ).resolves.toMatchObject({
      valid: true,
    });
    const mixed = {
      "Webhook-Id": SPEC.id,
      "WEBHOOK-TIMESTAMP": String(SPEC.timestamp),
      "webhook-signature": [SPEC.signature],
    };
    await expect(verifyStandardWebhook({ ...input, headers: mixed })).resolves.toMatchObject({ valid: true });
  });

  it("throws when no secret is configured", async () => {
    await expect(verifyStandardWebhook({ headers: specHeaders(), body: SPEC.body })).rejects.toThrow(
      TypeError,
    );
  });
});
