import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { signIntendedOps, verifyIntendedOps } from "./intendedops-signature";

// --- from the API guide, "Webhooks", verbatim up to formatting ---
function verifyWebhook(payload: string, signature: string, secret: string): boolean {
  const expected = crypto.createHmac("sha256", secret).update(payload).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
// --- end of the guide's code ---

const payload = JSON.stringify({
  id: "whk_01HN4X7KQZ8Y1A2B3C4D5E6F7G",
  timestamp: "2024-01-15T10:30:00.000Z",
  tenantId: "tenant123",
  event: "intent.approved",
  data: { intentId: "int_abc123", type: "billing.send_invoice", status: "approved", approvedBy: "user_456" },
});

describe("signIntendedOps", () => {
  it("produces a signature the guide's verifyWebhook accepts when the secret has a whsec_ prefix", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const signature = await signIntendedOps(payload, secret);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyWebhook(payload, signature, secret)).toBe(true);
  });

  it("still verifies in the guide's Express handler when the receiver re-serializes the parsed body", async () => {
    // The guide's handler checks JSON.stringify(req.body), not the raw bytes: a body sent as
    // compact JSON.stringify output survives that round trip unchanged.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const signature = await signIntendedOps(payload, secret);
    const req = { body: JSON.parse(payload), headers: { "x-intendedops-signature": signature } };
    expect(verifyWebhook(JSON.stringify(req.body), req.headers["x-intendedops-signature"], secret)).toBe(
      true,
    );
  });

  it("keys the HMAC with the UTF-8 bytes of the whole secret when the secret is plain text", async () => {
    const secret = "s3cr3t-ünïcödé";
    expect(await signIntendedOps("héllo", secret)).toBe(
      crypto.createHmac("sha256", Buffer.from(secret, "utf8")).update("héllo", "utf8").digest("hex"),
    );
  });

  it("throws when the secret is empty", async () => {
    await expect(signIntendedOps(payload, "")).rejects.toThrow(TypeError);
  });
});

describe("verifyIntendedOps", () => {
  const secret = "whsec_c2VjcmV0LWJ5dGVzLWZvci10ZXN0aW5nLW9ubHk=";

  it("accepts the signature when it was computed by node:crypto as in the guide", async () => {
    const signature = crypto.createHmac("sha256", secret).update(payload).digest("hex");
    await expect(verifyIntendedOps(payload, signature, secret)).resolves.toBe(true);
    await expect(verifyIntendedOps(payload, signature.toUpperCase(), secret)).resolves.toBe(true);
  });

  it("rejects the signature when the body, the secret or the signature differ", async () => {
    const signature = await signIntendedOps(payload, secret);
    await expect(verifyIntendedOps(`${payload} `, signature, secret)).resolves.toBe(false);
    await expect(verifyIntendedOps(payload, signature, `${secret}x`)).resolves.toBe(false);
    await expect(verifyIntendedOps(payload, `${signature.slice(0, -1)}0`, secret)).resolves.toBe(
      signature.endsWith("0"),
    );
    await expect(verifyIntendedOps(payload, signature.slice(0, 10), secret)).resolves.toBe(false);
    await expect(verifyIntendedOps(payload, "", secret)).resolves.toBe(false);
  });
});
