import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, DIALECTS, type TestApp } from "./support/test-app";

// A documentation address (TEST-NET-3): public by the SSRF guard's rules, and never contacted here.
const PUBLIC_URL = "https://203.0.113.10/hooks";

/**
 * Who may act (API keys) and where events go (webhook and inbound endpoints) change the tenant's
 * security as much as a policy does, so each change lands in the audit chain with its actor,
 * in the transaction that makes it — and never with a secret.
 */
describe.each(DIALECTS)("audited key and endpoint changes on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  async function eventsOf(eventType: string) {
    return (await t.data("GET", `/v1/audit?eventType=${eventType}&pageSize=100`)).items;
  }

  it("records creating and revoking an API key, with the acting key and without the secret", async () => {
    const admin = (await t.data("GET", "/v1/api-keys?pageSize=100")).items.find(
      (k: { name: string }) => k.name === "admin key",
    );
    const created = await t.data("POST", "/v1/api-keys", { body: { name: "ci bot", scopes: ["agent"] } });
    await t.data("DELETE", `/v1/api-keys/${created.id}`);

    const [createdEvent] = (await eventsOf("api_key.created")).filter(
      (e: { data: { keyId: string } }) => e.data.keyId === created.id,
    );
    expect(createdEvent).toMatchObject({
      actor: admin.id,
      data: { keyId: created.id, name: "ci bot", scopes: ["agent"], rateLimitPerMinute: null },
    });
    expect(JSON.stringify(createdEvent)).not.toContain(created.key);
    const revoked = (await eventsOf("api_key.revoked")).filter(
      (e: { data: { keyId: string } }) => e.data.keyId === created.id,
    );
    expect(revoked).toHaveLength(1);
    // A second revocation answers the same record and records nothing.
    const again = await t.request("DELETE", `/v1/api-keys/${created.id}`);
    expect(again.status, await again.clone().text()).toBe(200);
    expect(
      (await eventsOf("api_key.revoked")).filter(
        (e: { data: { keyId: string } }) => e.data.keyId === created.id,
      ),
    ).toHaveLength(1);
    expect(await t.data("GET", "/v1/audit/verify")).toMatchObject({ valid: true });
  });

  it("records each change of a webhook and an inbound endpoint, and none of their secrets", async () => {
    const webhook = await t.data("POST", "/v1/webhooks", {
      body: { url: PUBLIC_URL, events: ["intent.approved"] },
    });
    await t.data("PATCH", `/v1/webhooks/${webhook.id}`, { body: { enabled: false } });
    const rotated = await t.data("POST", `/v1/webhooks/${webhook.id}/rotate-secret`);
    await t.data("DELETE", `/v1/webhooks/${webhook.id}`);
    const inbound = await t.data("POST", "/v1/inbound", { body: { description: "Payments" } });
    const inboundRotated = await t.data("POST", `/v1/inbound/${inbound.id}/rotate-secret`);
    await t.data("DELETE", `/v1/inbound/${inbound.id}`);

    const audit = (await t.data("GET", "/v1/audit?pageSize=100")).items.filter(
      (e: { data: { endpointId?: string } }) =>
        e.data.endpointId === webhook.id || e.data.endpointId === inbound.id,
    );
    expect(audit.map((e: { eventType: string }) => e.eventType)).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.updated",
      "webhook_endpoint.secret_rotated",
      "webhook_endpoint.deleted",
      "inbound_endpoint.created",
      "inbound_endpoint.secret_rotated",
      "inbound_endpoint.deleted",
    ]);
    expect(audit[1].data).toMatchObject({ url: PUBLIC_URL, events: ["intent.approved"], enabled: false });
    const text = JSON.stringify(audit);
    for (const secret of [webhook.secret, rotated.secret, inbound.secret, inboundRotated.secret]) {
      expect(text).not.toContain(secret);
    }
    expect(await t.data("GET", "/v1/audit/verify")).toMatchObject({ valid: true });
  });

  it("writes nothing, the endpoint included, when the change is refused", async () => {
    const before = (await t.data("GET", "/v1/audit")).total;
    expect((await t.request("DELETE", "/v1/webhooks/wh_missing")).status).toBe(404);
    expect((await t.request("DELETE", "/v1/inbound/wh_missing")).status).toBe(404);
    expect((await t.request("POST", "/v1/api-keys", { body: { name: "x", scopes: ["nope"] } })).status).toBe(
      400,
    );
    expect((await t.data("GET", "/v1/audit")).total).toBe(before);
  });
});
