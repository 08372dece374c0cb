import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  buildWebhookHeaders,
  generateWebhookSecret,
  signStandardWebhook,
  verifyIntendedOps,
  verifyStandardWebhook,
} from "./index";

const body = JSON.stringify({
  id: "whk_01HN4X7KQZ8Y1A2B3C4D5E6F7G",
  timestamp: "2024-01-15T10:30:00.000Z",
  tenantId: "tenant123",
  event: "intent.approved",
  data: { intentId: "int_abc123", type: "billing.send_invoice", status: "approved", approvedBy: "user_456" },
});

describe("webhook signature re-exports", () => {
  it("verifies both signatures of a webhook when a receiver imports only the client", async () => {
    const secret = generateWebhookSecret();
    const timestamp = 1_705_314_600;
    const headers = await buildWebhookHeaders({ id: "whk_1", timestamp, body, secret });
    expect(await verifyIntendedOps(body, headers["x-intendedops-signature"], secret)).toBe(true);
    const result = await verifyStandardWebhook({ headers, body, secret, now: timestamp * 1000 });
    expect(result).toEqual({ valid: true, id: "whk_1", timestamp });
  });

  it("refuses a body changed after signing", async () => {
    const secret = generateWebhookSecret();
    const headers = await buildWebhookHeaders({ id: "whk_1", timestamp: 1_705_314_600, body, secret });
    const tampered = body.replace("approved", "rejected");
    expect(await verifyIntendedOps(tampered, headers["x-intendedops-signature"], secret)).toBe(false);
    const result = await verifyStandardWebhook({ headers, body: tampered, secret, now: 1_705_314_600_000 });
    expect(result).toEqual({ valid: false, error: "invalid_signature" });
  });

  it("matches the guide's node:crypto verifier when the signature is the hex HMAC", async () => {
    const secret = generateWebhookSecret();
    const headers = await buildWebhookHeaders({ id: "whk_1", timestamp: 1, body, secret });
    expect(headers["x-intendedops-signature"]).toBe(createHmac("sha256", secret).update(body).digest("hex"));
  });

  it("produces the Standard Webhooks test vector when signing", async () => {
    const signature = await signStandardWebhook({
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    });
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });
});
