import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BILLING_AGENT,
  createTestApp,
  type RequestOptions,
  submitInvoice,
  type TestApp,
} from "../support/test-app";

/** A fresh invoice from the T0 billing agent awaits a human: the id of its pending approval. */
async function pendingApproval(t: TestApp): Promise<string> {
  return (await submitInvoice(t)).approvalId!;
}

describe("app error envelope", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("sqlite");
    // Routes must be added before the first request builds the router.
    t.app.get("/test/boom", () => {
      throw new Error("database password is hunter2");
    });
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
  });
  afterAll(() => t.close());

  it("answers 404 NOT_FOUND in the envelope when the route does not exist", async () => {
    const response = await t.request("GET", "/v1/nothing-here");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: "NOT_FOUND", message: "Route not found: GET /v1/nothing-here" },
    });
  });

  it("answers 405 with an Allow header when the path exists for other methods", async () => {
    const response = await t.request("PATCH", "/v1/agents");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST");
    const body = await response.json();
    expect(body.error.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("answers 405 when a parameterised path is called with the wrong method", async () => {
    const response = await t.request("GET", "/v1/approvals/apr_1/approve");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 400 VALIDATION_ERROR when the JSON is malformed", async () => {
    const response = await t.request("POST", "/v1/intents", {
      key: t.keys.agent,
      rawBody: '{"type": "billing.send_invoice",',
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.message).toBe("Malformed JSON in request body");
  });

  it("answers 415 when a non-empty body is not JSON", async () => {
    const response = await t.request("POST", "/v1/agents", {
      key: t.keys.agent,
      rawBody: "name=Billing",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 415 when a body comes without any content type", async () => {
    const response = await t.request("POST", "/v1/agents", { key: t.keys.agent, rawBody: '{"name":"x"}' });
    expect(response.status).toBe(415);
  });

  it("answers 413 when the declared body is over 1 MiB", async () => {
    const big = JSON.stringify({ name: "x", description: "a".repeat(1024 * 1024) });
    const response = await t.request("POST", "/v1/agents", {
      key: t.keys.agent,
      rawBody: big,
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(big)) },
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers 413 when a streamed body without a length grows over 1 MiB", async () => {
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await t.app.request("/v1/agents", {
      method: "POST",
      headers: { "x-api-key": t.keys.agent, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("accepts an empty body under a JSON content type as no body", async () => {
    const response = await t.request("POST", "/v1/agents", {
      key: t.keys.agent,
      rawBody: "",
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.details).toEqual([{ path: ["name"], message: "Agent name is required" }]);
  });

  it("answers 404 NOT_FOUND, not 405, when a served path is called with a trailing slash", async () => {
    for (const path of ["/v1/intentions/", "/v1/agents/", "/v1/policies/", "/v1/approvals/apr_1/approve/"]) {
      const method = path.endsWith("approve/") ? "POST" : "GET";
      const response = await t.request(method, path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("allow"), path).toBeNull();
      expect(await response.json(), path).toEqual({
        error: { code: "NOT_FOUND", message: `Route not found: ${method} ${path}` },
      });
    }
  });

  // Regression: a route without a body schema used to skip the body checks and answer 200.
  describe("when a route takes no body", () => {
    it("answers 415 when the body is not JSON", async () => {
      const approvalId = await pendingApproval(t);
      const response = await t.request("POST", `/v1/approvals/${approvalId}/approve`, {
        rawBody: "x",
        headers: { "content-type": "text/plain" },
      });
      expect(response.status).toBe(415);
      expect((await response.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      // Still pending: the refused request did not approve it.
      expect((await t.request("POST", `/v1/approvals/${approvalId}/approve`)).status).toBe(200);
    });

    it("answers 400 VALIDATION_ERROR when the JSON is malformed", async () => {
      const approvalId = await pendingApproval(t);
      const response = await t.request("POST", `/v1/approvals/${approvalId}/approve`, {
        rawBody: "{bad",
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({
        code: "VALIDATION_ERROR",
        message: "Malformed JSON in request body",
      });
    });

    it("answers 413 when the body is over 1 MiB, declared or not", async () => {
      const approvalId = await pendingApproval(t);
      const big = JSON.stringify({ note: "a".repeat(1100 * 1024) });
      const declared = await t.request("POST", `/v1/approvals/${approvalId}/approve`, {
        rawBody: big,
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(big)) },
      });
      expect(declared.status).toBe(413);
      expect((await declared.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
      const undeclared = await t.request("POST", `/v1/approvals/${approvalId}/approve`, {
        rawBody: big,
        headers: { "content-type": "application/json" },
      });
      expect(undeclared.status).toBe(413);
    });

    it("answers 415 on a DELETE route when a non-JSON body comes along", async () => {
      const response = await t.request("DELETE", "/v1/policies/pol_missing", {
        rawBody: "x",
        headers: { "content-type": "text/plain" },
      });
      expect(response.status).toBe(415);
    });

    it("accepts an empty body as the guide's clients send it, with or without a content type", async () => {
      const requests: RequestOptions[] = [
        // The TypeScript client: Content-Type: application/json and no body at all.
        { headers: { "content-type": "application/json" } },
        // The Python client (requests): Content-Type: application/json and Content-Length: 0.
        { rawBody: "", headers: { "content-type": "application/json", "content-length": "0" } },
        { rawBody: "", headers: { "content-type": "text/plain" } },
        {},
      ];
      for (const options of requests) {
        const approvalId = await pendingApproval(t);
        const response = await t.request("POST", `/v1/approvals/${approvalId}/approve`, options);
        expect(response.status, JSON.stringify(options)).toBe(200);
        expect((await response.json()).data.status).toBe("approved");
      }
    });
  });

  it("answers 500 INTERNAL_ERROR with the request id and no internals when a handler fails", async () => {
    const response = await t.request("GET", "/test/boom", { headers: { "x-request-id": "trace-42" } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "INTERNAL_ERROR", message: "Internal server error", details: { requestId: "trace-42" } },
    });
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("at ");
  });

  it("echoes a well-formed x-request-id when the client sends one", async () => {
    const response = await t.request("GET", "/v1/stats", { headers: { "x-request-id": "abc-123" } });
    expect(response.headers.get("x-request-id")).toBe("abc-123");
  });

  it("generates a request id when none or a malformed one is sent", async () => {
    const generated = await t.request("GET", "/v1/stats");
    expect(generated.headers.get("x-request-id")).toMatch(/^req_[0-9A-Z]{26}$/);
    const injected = await t.request("GET", "/v1/stats", { headers: { "x-request-id": "a\tb c" } });
    expect(injected.headers.get("x-request-id")).toMatch(/^req_/);
  });
});
