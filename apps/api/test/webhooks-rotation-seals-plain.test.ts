/**
 * With INTENDEDOPS_SECRET_KEY set, a secret stored before the key was set is encrypted at its next
 * rotation (docs/webhooks.md, "Secrets at rest"), the replaced one included. Regression: rotation
 * copied the plain stored value into previous_secret, where it stayed readable at rest.
 */
import { generateWebhookSecret, newId } from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TENANT, type TestApp } from "./support/test-app";

describe("secrets at rest after a rotation", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("sqlite", {
      INTENDEDOPS_SECRET_KEY: "k".repeat(40),
      INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1",
    });
  });
  afterAll(() => t.close());

  const base = () => {
    const at = new Date(t.clock()).toISOString();
    return {
      secret: generateWebhookSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: at,
      updatedAt: at,
    };
  };

  it("no plain inbound secret remains stored once the rotation overlap is over", async () => {
    const id = newId("webhook");
    const row = { id, tenantId: TENANT, description: null, intentTypes: [], ...base() };
    // Stored before INTENDEDOPS_SECRET_KEY was set: plain.
    await t.store.webhooks.inbound.insert(row);
    await t.data("POST", `/v1/inbound/${id}/rotate-secret`);
    t.clock.advance(48 * 60 * 60 * 1000);
    const stored = await t.store.webhooks.inbound.get(TENANT, id);
    expect(stored?.secret).toMatch(/^sealed:v1:/);
    expect(stored?.previousSecret).not.toBe(row.secret);
  });

  it("no plain outbound secret remains stored once the rotation overlap is over", async () => {
    const id = newId("webhook");
    const row = {
      id,
      tenantId: TENANT,
      url: "http://127.0.0.1:9/hook",
      description: null,
      events: ["*"],
      disabledAt: null,
      disabledReason: null,
      ...base(),
    };
    await t.store.webhooks.endpoints.insert(row);
    await t.data("POST", `/v1/webhooks/${id}/rotate-secret`);
    t.clock.advance(48 * 60 * 60 * 1000);
    const stored = await t.store.webhooks.endpoints.get(TENANT, id);
    expect(stored?.previousSecret).not.toBe(row.secret);
  });
});
