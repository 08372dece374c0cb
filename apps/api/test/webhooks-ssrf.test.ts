import { generateWebhookSecret, newId } from "@intendedops/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHttpSender } from "../src/webhooks/http-sender";
import { BILLING_AGENT, TENANT } from "./support/test-app";
import { eventually, type Harness, openHarness, type Receiver, startReceiver } from "./webhooks-support";

const request = (url: string) => ({
  url,
  body: '{"ping":true}',
  headers: { "webhook-id": "msg_1" },
  timeoutMs: 2000,
});

describe("SSRF guard on a real loopback receiver", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => {
    receiver.requests.length = 0;
    receiver.respond(() => ({ status: 200 }));
  });
  afterAll(() => receiver.close());

  it("refuses loopback targets by default, by IP literal and by name, and sends nothing", async () => {
    const send = createHttpSender({ allowPrivate: false });
    const byLiteral = await send(request(receiver.url));
    const byName = await send(request(`http://localhost:${receiver.port}/hooks`));
    const mapped = await send(request(`http://[::ffff:127.0.0.1]:${receiver.port}/hooks`));
    expect(byLiteral).toMatchObject({
      statusCode: null,
      error: expect.stringMatching(/^refused: 127\.0\.0\.1/),
    });
    expect(byName).toMatchObject({
      statusCode: null,
      error: expect.stringMatching(/^refused: localhost resolves to/),
    });
    expect(mapped).toMatchObject({ statusCode: null, error: expect.stringMatching(/^refused:/) });
    expect(receiver.requests).toHaveLength(0);
  });

  it("refuses a public-looking name that resolves to loopback at connect time", async () => {
    const send = createHttpSender({
      allowPrivate: false,
      resolve: async () => [{ address: "127.0.0.1", family: 4 }],
    });
    const response = await send(request(`http://hooks.example.com:${receiver.port}/hooks`));
    expect(response.error).toMatch(
      /^refused: hooks\.example\.com resolves to a loopback, private or link-local/,
    );
    expect(response.error).not.toMatch(/127\.0\.0\.1/);
    expect(receiver.requests).toHaveLength(0);
  });

  it("delivers to loopback when private targets are allowed", async () => {
    const send = createHttpSender({ allowPrivate: true });
    expect(await send(request(`http://localhost:${receiver.port}/hooks`))).toMatchObject({
      statusCode: 200,
      error: null,
    });
    expect(receiver.requests).toHaveLength(1);
  });

  it("does not follow a redirect when the receiver answers 302", async () => {
    const elsewhere = await startReceiver();
    try {
      receiver.respond(() => ({ status: 302, headers: { location: elsewhere.url } }));
      const response = await createHttpSender({ allowPrivate: true })(request(receiver.url));
      expect(response).toMatchObject({ statusCode: 302, error: "HTTP 302" });
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it("refuses to deliver when a stored endpoint points at loopback and private targets are not allowed", async () => {
    const h: Harness = await openHarness("sqlite", { env: { INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "0" } });
    try {
      const now = new Date().toISOString();
      const id = newId("webhook");
      // Stored directly: the API would have refused it, but DNS or the setting may change later.
      await h.store.webhooks.endpoints.insert({
        id,
        tenantId: TENANT,
        url: receiver.url,
        description: null,
        events: ["*"],
        secret: generateWebhookSecret(),
        previousSecret: null,
        previousSecretExpiresAt: null,
        disabledAt: null,
        disabledReason: null,
        createdAt: now,
        updatedAt: now,
      });
      await h.data("POST", "/v1/agents", { body: BILLING_AGENT, key: h.agent });
      await h.services.webhooks.dispatcher.run();
      await eventually(
        async () => (await h.data("GET", `/v1/webhooks/${id}/deliveries`)).items[0]?.attempts.length > 0,
      );
      const [delivery] = (await h.data("GET", `/v1/webhooks/${id}/deliveries`)).items;
      expect(delivery.attempts[0]).toMatchObject({
        statusCode: null,
        error: expect.stringMatching(/^refused: 127\.0\.0\.1/),
      });
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});
