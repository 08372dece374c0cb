import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpSender } from "../src/webhooks/http-sender";
import { createTestApp, type TestApp } from "./support/test-app";

// Regression: the guard refused IPv4-mapped (::ffff:a.b.c.d) and NAT64 forms but let SIIT's
// IPv4-translated form (::ffff:0:a.b.c.d) and the deprecated site-local block (fec0::/10) through.
const TARGETS = [
  "http://[::ffff:0:7f00:1]/hooks",
  "http://[::ffff:0:a9fe:a9fe]/latest/meta-data",
  "http://[::ffff:0:10.0.0.1]/hooks",
  "http://[fec0::1]/hooks",
];

describe("SSRF guard on IPv6 forms that reach internal hosts", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("sqlite");
  });
  afterAll(() => t.close());

  it.each(TARGETS)("refuses to register a webhook for %s", async (url) => {
    const response = await t.request("POST", "/v1/webhooks", { body: { url, events: ["*"] } });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["url"], message: "targets a loopback, private or link-local address" }],
    });
  });

  it.each(TARGETS)("refuses to deliver to %s", async (url) => {
    const send = createHttpSender({ allowPrivate: false });
    const outcome = await send({ url, body: "{}", headers: { "webhook-id": "msg_1" }, timeoutMs: 500 });
    expect(outcome).toMatchObject({ statusCode: null, error: expect.stringMatching(/^refused: /) });
  });

  it("still registers a webhook for a public IPv6 literal", async () => {
    const response = await t.request("POST", "/v1/webhooks", {
      body: { url: "https://[2606:4700:4700::1111]/hooks", events: ["*"] },
    });
    expect(response.status).toBe(201);
  });
});
