/**
 * The inbound signature covers the bytes received. Regression: the receiver verified it over
 * `c.req.text()`, a decoding that strips a leading byte-order mark and replaces invalid UTF-8 with
 * U+FFFD, so bytes that were never signed were accepted (and invalid UTF-8, which every other
 * route refuses with 400, went through).
 */
import { randomUUID } from "node:crypto";
import { signStandardWebhook } from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, createTestApp, submitInvoice, type TestApp } from "./support/test-app";

async function headersFor(secret: string, body: string, at: number) {
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(at / 1000);
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signStandardWebhook({ id, timestamp, body, secret }),
  };
}

describe("inbound signature covers the raw bytes", () => {
  let t: TestApp;
  let endpoint: { secret: string; path: string };
  beforeAll(async () => {
    t = await createTestApp("sqlite");
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    endpoint = await t.data("POST", "/v1/inbound", { body: {} });
  });
  afterAll(() => t.close());

  async function approvedIntent(): Promise<string> {
    const { intentId, approvalId } = await submitInvoice(t);
    await t.data("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
    return intentId;
  }

  it("refuses a body whose bytes (a BOM added in front) are not the signed bytes", async () => {
    const intentId = await approvedIntent();
    const signedText = JSON.stringify({ intentId, outcome: "completed" });
    const headers = await headersFor(endpoint.secret, signedText, t.clock());
    const sent = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(signedText)]);
    const response = await t.app.request(endpoint.path, { method: "POST", headers, body: sent });
    expect(response.status).toBe(401);
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
  });

  it("refuses a body with invalid UTF-8 that was signed as different bytes", async () => {
    const intentId = await approvedIntent();
    const signedText = JSON.stringify({ intentId, outcome: "failed", error: "x\uFFFDy" });
    const headers = await headersFor(endpoint.secret, signedText, t.clock());
    // U+FFFD (EF BF BD) replaced by a lone 0xFF: different bytes, not valid UTF-8.
    const sent = Buffer.from(
      Buffer.from(signedText).toString("latin1").replace("\xef\xbf\xbd", "\xff"),
      "latin1",
    );
    const response = await t.app.request(endpoint.path, { method: "POST", headers, body: sent });
    expect([400, 401]).toContain(response.status);
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
  });
});
