import { describe, expect, it } from "vitest";
import { errorBody, jsonOf, type StubHandler, stubClient } from "../test/stub-api-server";
import {
  AgentNotFoundError,
  AlreadyResolvedError,
  ConflictError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  IntendedOpsApiError,
  InternalError,
  InvalidStateError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
} from "./api-errors";
import { IntendedOpsClient } from "./client";
import type { PolicyInput } from "./types";

const API_KEY = "intendedops_tenant123_xK9mN2pQ7rS4tU6v";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const invoice = {
  type: "billing.send_invoice",
  domain: "billing",
  agentId: "billing-agent",
  params: { customerId: "cust_123", amount: 99.99 },
  description: "Send monthly subscription invoice",
};

const created = {
  intentId: "int_01HN4X7KQZ8Y1A2B3C4D5E6F7G",
  status: "pending",
  createdAt: "2024-01-15T10:30:00.000Z",
  decision: {
    outcome: "require_approval",
    reasons: ["T0 agent, medium risk"],
    riskLevel: "medium",
    trustTier: "T0",
  },
};

const serve = stubClient(API_KEY);

/** Fails the test unless the promise rejects; returns what it rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("IntendedOpsClient", () => {
  it("returns the data member and sends the api key when calling getStats", async () => {
    const stats = { intentsToday: 145, pendingApprovals: 12, activeAgents: 5, valueGenerated: 5420 };
    const { api, client } = await serve({ "GET /v1/stats": () => ({ body: { data: stats } }) });
    await expect(client.getStats()).resolves.toEqual(stats);
    const [request] = api.requests;
    expect(request?.headers["x-api-key"]).toBe(API_KEY);
    expect(request?.headers["content-type"]).toBeUndefined();
    expect(request?.headers["x-tenant-id"]).toBeUndefined();
  });

  it("sends x-tenant-id and extra headers when configured", async () => {
    const { api, client } = await serve(
      { "GET /v1/stats": () => ({ body: { data: {} } }) },
      { tenantId: "tenant123", headers: { "user-agent": "billing-bot/1.0" } },
    );
    await client.getStats({ headers: { "x-trace": "abc" } });
    expect(api.requests[0]?.headers).toMatchObject({
      "x-tenant-id": "tenant123",
      "user-agent": "billing-bot/1.0",
      "x-trace": "abc",
    });
  });

  it("accepts a baseUrl with a trailing slash or a path prefix", async () => {
    const { api } = await serve({ "GET /gateway/v1/stats": () => ({ body: { data: { ok: true } } }) });
    const client = new IntendedOpsClient({ apiKey: API_KEY, baseUrl: `${api.url}/gateway/` });
    await expect(client.getStats()).resolves.toEqual({ ok: true });
  });

  it("refuses to construct when the api key is missing", () => {
    expect(() => new IntendedOpsClient({ apiKey: "" })).toThrow(TypeError);
  });

  it("generates one idempotency key when the caller gives none to createIntent", async () => {
    const { api, client } = await serve({
      "POST /v1/intents": () => ({ status: 201, body: { data: created } }),
    });
    await expect(client.createIntent(invoice)).resolves.toEqual({ ...created, replayed: false });
    const request = api.requests[0];
    expect(request?.headers["content-type"]).toBe("application/json");
    const body = jsonOf(request);
    expect(body).toMatchObject(invoice);
    expect(body.idempotencyKey).toMatch(UUID);
  });

  it("reports replayed when the server answers with idempotent-replayed", async () => {
    const { client } = await serve({
      "POST /v1/intents": (_req, call) =>
        call === 0
          ? { status: 201, body: { data: created } }
          : { status: 200, headers: { "idempotent-replayed": "true" }, body: { data: created } },
    });
    const first = await client.createIntent({ ...invoice, idempotencyKey: "invoice-1" });
    const again = await client.createIntent({ ...invoice, idempotencyKey: "invoice-1" });
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ ...created, replayed: true });
  });

  it("keeps the caller's idempotency key when createIntent is given one", async () => {
    const { api, client } = await serve({
      "POST /v1/intents": () => ({ status: 201, body: { data: created } }),
    });
    await client.createIntent({ ...invoice, idempotencyKey: "invoice-cust_123-2024-01" });
    expect(jsonOf(api.requests[0]).idempotencyKey).toBe("invoice-cust_123-2024-01");
  });

  it("draws a fresh idempotency key per createIntent call", async () => {
    const { api, client } = await serve({
      "POST /v1/intents": () => ({ status: 201, body: { data: created } }),
    });
    await client.createIntent(invoice);
    await client.createIntent(invoice);
    expect(jsonOf(api.requests[0]).idempotencyKey).not.toBe(jsonOf(api.requests[1]).idempotencyKey);
  });

  it("retries a 429 with the same idempotency key and honours Retry-After", async () => {
    const { api, client } = await serve(
      {
        "POST /v1/intents": (_req, call) =>
          call < 2
            ? {
                status: 429,
                headers: { "retry-after": call === 0 ? "1" : "0" },
                body: errorBody("RATE_LIMITED", "Too many requests"),
              }
            : { status: 201, body: { data: created } },
      },
      // A large base delay: only the server's Retry-After can make the second wait short.
      { retry: { baseDelayMs: 20_000, maxDelayMs: 60_000 } },
    );
    await expect(client.createIntent(invoice)).resolves.toEqual({ ...created, replayed: false });
    expect(api.requests).toHaveLength(3);
    const keys = api.requests.map((r) => jsonOf(r).idempotencyKey);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(UUID);
    const [first, second, third] = api.requests.map((r) => r.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(950);
    expect(second - first).toBeLessThan(3_000);
    expect(third - second).toBeLessThan(900);
  });

  it("retries a 5xx of createIntent with the same idempotency key", async () => {
    const { api, client } = await serve({
      "POST /v1/intents": (_req, call) =>
        call === 0
          ? { status: 500, body: errorBody("INTERNAL_ERROR", "boom") }
          : { status: 201, body: { data: created } },
    });
    await expect(client.createIntent(invoice)).resolves.toEqual({ ...created, replayed: false });
    expect(api.requests).toHaveLength(2);
    expect(jsonOf(api.requests[0]).idempotencyKey).toBe(jsonOf(api.requests[1]).idempotencyKey);
  });

  it("retries a GET when the first answer is 503", async () => {
    const { api, client } = await serve({
      "GET /v1/intents/int_1": (_req, call) =>
        call === 0
          ? { status: 503, body: errorBody("SERVICE_UNAVAILABLE", "draining") }
          : { body: { data: { id: "int_1", status: "approved" } } },
    });
    await expect(client.getIntent("int_1")).resolves.toEqual({ id: "int_1", status: "approved" });
    expect(api.requests).toHaveLength(2);
  });

  it("refuses to retry a 5xx when the POST is not idempotent", async () => {
    const { api, client } = await serve({
      "POST /v1/approvals/apr_1/approve": () => ({
        status: 503,
        body: errorBody("SERVICE_UNAVAILABLE", "down"),
      }),
    });
    const error = await rejection(client.approveIntent("apr_1"));
    expect(error).toBeInstanceOf(InternalError);
    expect(api.requests).toHaveLength(1);
  });

  it("retries a 429 when the POST is not idempotent", async () => {
    const { api, client } = await serve({
      "POST /v1/approvals/apr_1/approve": (_req, call) =>
        call === 0
          ? {
              status: 429,
              headers: { "retry-after": "0" },
              body: errorBody("RATE_LIMITED", "Too many requests"),
            }
          : { body: { data: { approval: { id: "apr_1", status: "approved" } } } },
    });
    await expect(client.approveIntent("apr_1")).resolves.toMatchObject({ approval: { status: "approved" } });
    expect(api.requests).toHaveLength(2);
  });

  it("throws RateLimitedError with retryAfterSeconds when maxRetries is exhausted", async () => {
    const { api, client } = await serve(
      {
        "GET /v1/stats": () => ({
          status: 429,
          headers: { "retry-after": "0" },
          body: errorBody("RATE_LIMITED", "Too many requests"),
        }),
      },
      { retry: { maxRetries: 2, baseDelayMs: 1 } },
    );
    const error = await rejection(client.getStats());
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfterSeconds: 0 });
    expect(api.requests).toHaveLength(3);
  });

  it("honours a per-call maxRetries when it overrides the client's", async () => {
    const { api, client } = await serve({
      "GET /v1/stats": () => ({ status: 500, body: errorBody("INTERNAL_ERROR", "boom") }),
    });
    await expect(client.getStats({ maxRetries: 0 })).rejects.toBeInstanceOf(InternalError);
    expect(api.requests).toHaveLength(1);
  });

  it("gives up at once when Retry-After is longer than maxDelayMs", async () => {
    const { api, client } = await serve(
      {
        "GET /v1/stats": () => ({
          status: 429,
          headers: { "retry-after": "60" },
          body: errorBody("RATE_LIMITED", "Too many requests"),
        }),
      },
      { retry: { maxDelayMs: 30_000 } },
    );
    const error = await rejection(client.getStats());
    expect(error).toMatchObject({ retryAfterSeconds: 60 });
    expect(api.requests).toHaveLength(1);
  });

  it("throws the typed class with details and request id for each error code", async () => {
    const cases = [
      [400, "VALIDATION_ERROR", ValidationError, [{ path: ["type"], message: "Intent type is required" }]],
      [401, "UNAUTHORIZED", UnauthorizedError, undefined],
      [403, "FORBIDDEN", ForbiddenError, { requiredScope: "approver" }],
      [404, "NOT_FOUND", NotFoundError, undefined],
      [404, "AGENT_NOT_FOUND", AgentNotFoundError, { agentId: "ghost" }],
      [409, "CONFLICT", ConflictError, { id: "billing-agent" }],
      [409, "INVALID_STATE", InvalidStateError, { from: "pending", to: "completed" }],
      [400, "ALREADY_RESOLVED", AlreadyResolvedError, undefined],
      [422, "IDEMPOTENCY_KEY_REUSED", IdempotencyKeyReusedError, undefined],
      [413, "PAYLOAD_TOO_LARGE", PayloadTooLargeError, { limitBytes: 1_048_576 }],
      [429, "RATE_LIMITED", RateLimitedError, undefined],
      [500, "INTERNAL_ERROR", InternalError, undefined],
    ] as const;
    const { client } = await serve(
      {
        "POST /v1/intents": (req) => {
          const [status, code, , details] = cases[Number(jsonOf(req).description)]!;
          return {
            status,
            headers: { "x-request-id": `req_${code}` },
            body: errorBody(code, `message of ${code}`, details),
          };
        },
      },
      { retry: { maxRetries: 0 } },
    );
    for (const [index, [status, code, type, details]] of cases.entries()) {
      const error = await rejection(client.createIntent({ ...invoice, description: String(index) }));
      expect(error, code).toBeInstanceOf(type);
      expect(error, code).toBeInstanceOf(IntendedOpsApiError);
      expect(error).toMatchObject({ code, status, message: `message of ${code}`, requestId: `req_${code}` });
      if (details !== undefined) expect((error as IntendedOpsApiError).details).toEqual(details);
    }
  });

  it("throws a typed error when the error body is not JSON", async () => {
    const { client } = await serve(
      {
        "GET /v1/stats": () => ({ status: 502, body: "<html><h1>502 Bad Gateway</h1></html>" }),
        "GET /v1/agents/ghost": () => ({ status: 404, body: "Not Found" }),
      },
      { retry: { maxRetries: 0 } },
    );
    const gateway = await rejection(client.getStats());
    expect(gateway).toBeInstanceOf(InternalError);
    expect(gateway).toMatchObject({ status: 502, code: "INTERNAL_ERROR" });
    expect((gateway as Error).message).toContain("502");
    await expect(client.getAgent("ghost")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("throws INVALID_RESPONSE when a success body is not the data envelope", async () => {
    const { client } = await serve({
      "GET /v1/stats": () => ({ body: "not json" }),
      "GET /v1/agents": () => ({ body: { items: [] } }),
    });
    await expect(client.getStats()).rejects.toMatchObject({ code: "INVALID_RESPONSE", status: 200 });
    await expect(client.listAgents()).rejects.toMatchObject({ code: "INVALID_RESPONSE" });
  });

  it("throws TimeoutError when the server does not answer within timeoutMs", async () => {
    const { api, client } = await serve({ "GET /v1/stats": () => ({ hang: true }) }, { timeoutMs: 100 });
    const error = await rejection(client.getStats({ maxRetries: 0 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "TIMEOUT", status: 0 });
    expect(api.requests).toHaveLength(1);
  });

  it("retries a timed-out GET and succeeds when the next attempt answers", async () => {
    const { api, client } = await serve(
      { "GET /v1/stats": (_req, call) => (call === 0 ? { hang: true } : { body: { data: { ok: 1 } } }) },
      { timeoutMs: 100 },
    );
    await expect(client.getStats()).resolves.toEqual({ ok: 1 });
    expect(api.requests).toHaveLength(2);
  });

  it("refuses to retry a timed-out POST when it is not idempotent", async () => {
    const { api, client } = await serve(
      { "POST /v1/intents/int_1/complete": () => ({ hang: true }) },
      { timeoutMs: 100 },
    );
    await expect(client.completeIntent("int_1", { result: { sent: true } })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(api.requests).toHaveLength(1);
  });

  it("rejects with the caller's abort reason when the signal aborts mid-request", async () => {
    const { client } = await serve({ "GET /v1/stats": () => ({ hang: true }) });
    const controller = new AbortController();
    const call = client.getStats({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(call);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
  });

  it("rejects with the caller's reason when the signal aborts during a retry wait", async () => {
    const { api, client } = await serve({
      "GET /v1/stats": () => ({
        status: 429,
        headers: { "retry-after": "1" },
        body: errorBody("RATE_LIMITED", "Too many requests"),
      }),
    });
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    const started = performance.now();
    const call = client.getStats({ signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await expect(call).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(900);
    expect(api.requests).toHaveLength(1);
  });

  it("sends nothing when the signal is already aborted", async () => {
    const { api, client } = await serve({ "GET /v1/stats": () => ({ body: { data: {} } }) });
    await expect(client.getStats({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(api.requests).toHaveLength(0);
  });

  it("throws NetworkError when nothing listens on the port", async () => {
    const { api, client } = await serve({});
    const url = api.url;
    await api.close();
    const offline = new IntendedOpsClient({
      apiKey: API_KEY,
      baseUrl: url,
      retry: { maxRetries: 1, baseDelayMs: 1 },
    });
    const error = await rejection(offline.getStats());
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "NETWORK_ERROR", status: 0 });
    expect((error as Error).cause).toBeDefined();
    void client;
  });

  it("refuses to retry a dropped connection when the POST is not idempotent", async () => {
    const { api, client } = await serve({ "POST /v1/approvals/apr_1/reject": () => ({ destroy: true }) });
    await expect(client.rejectIntent("apr_1", "too big")).rejects.toBeInstanceOf(NetworkError);
    expect(api.requests).toHaveLength(1);
  });

  it("retries a dropped connection of createIntent with the same idempotency key", async () => {
    const { api, client } = await serve({
      "POST /v1/intents": (_req, call) =>
        call === 0 ? { destroy: true } : { status: 201, body: { data: created } },
    });
    await expect(client.createIntent(invoice)).resolves.toEqual({ ...created, replayed: false });
    expect(api.requests).toHaveLength(2);
    expect(jsonOf(api.requests[0]).idempotencyKey).toBe(jsonOf(api.requests[1]).idempotencyKey);
  });

  it("resolves an unhealthy status without retrying when /health answers 503", async () => {
    const { api, client } = await serve({
      "GET /health": () => ({ status: 503, body: { data: { status: "unhealthy", timestamp: "t" } } }),
    });
    await expect(client.getHealth()).resolves.toEqual({ status: "unhealthy", timestamp: "t" });
    expect(api.requests).toHaveLength(1);
  });

  it("returns the Prometheus text when calling getMetrics", async () => {
    const text = "# HELP intendedops_intents_submitted_total Total intents submitted\n";
    const { client } = await serve({ "GET /metrics": () => ({ body: text }) });
    await expect(client.getMetrics()).resolves.toBe(text);
  });

  it("returns the raw key set when calling getJwks", async () => {
    const jwks = { keys: [{ kty: "OKP", crv: "Ed25519", x: "abc", kid: "k1" }] };
    const { client } = await serve({ "GET /.well-known/jwks.json": () => ({ body: jwks }) });
    await expect(client.getJwks()).resolves.toEqual(jwks);
  });

  it("returns the array when listIntentions answers with the contract's data array", async () => {
    const intention = { id: "intention_1", label: "customer_support_lookup" };
    const { client } = await serve({
      "GET /v1/intentions": () => ({ body: { data: [intention] } }),
      "GET /v1/intentions/ambient": () => ({ body: { data: { items: [{ id: "amb_1" }], total: 1 } } }),
    });
    await expect(client.listIntentions()).resolves.toEqual([intention]);
    await expect(client.listAmbientClusters()).resolves.toEqual([{ id: "amb_1" }]);
  });

  it("resolves undefined when a delete answers 204", async () => {
    const { client } = await serve({ "DELETE /v1/policies/pol_1": () => ({ status: 204 }) });
    await expect(client.deletePolicy("pol_1")).resolves.toBeUndefined();
  });

  it("encodes ids so a crafted id cannot reach another path", async () => {
    const { api, client } = await serve({
      "*": () => ({ status: 404, body: errorBody("NOT_FOUND", "nope") }),
    });
    await expect(client.getIntent("../agents/x?y=1")).rejects.toBeInstanceOf(NotFoundError);
    expect(api.requests[0]?.path).toBe("/v1/intents/..%2Fagents%2Fx%3Fy%3D1");
  });
});

describe("IntendedOpsClient endpoints", () => {
  const echo: StubHandler = (req) => ({
    body: { data: { method: req.method, path: req.path, query: req.query.toString(), body: req.body } },
  });

  type Call = [
    name: string,
    run: (c: IntendedOpsClient) => Promise<unknown>,
    method: string,
    path: string,
    body?: unknown,
    query?: string,
  ];
  const policy: PolicyInput = {
    name: "Block refunds",
    effect: "block",
    match: { types: ["billing.process_refund"] },
  };
  const intention = { label: "customer_support_lookup", intent_class: "lookup" } as const;
  const calls: Call[] = [
    ["getStats", (c) => c.getStats(), "GET", "/v1/stats"],
    [
      "listIntents",
      (c) => c.listIntents({ page: 2, pageSize: 50, status: "pending", agentId: "billing-agent" }),
      "GET",
      "/v1/intents",
      undefined,
      "page=2&pageSize=50&status=pending&agentId=billing-agent",
    ],
    ["getIntent", (c) => c.getIntent("int_1"), "GET", "/v1/intents/int_1"],
    [
      "completeIntent",
      (c) =>
        c.completeIntent("int_1", { result: { id: "inv_9" }, value: { cents: 9900, category: "revenue" } }),
      "POST",
      "/v1/intents/int_1/complete",
      { result: { id: "inv_9" }, value: { cents: 9900, category: "revenue" } },
    ],
    ["completeIntent (no input)", (c) => c.completeIntent("int_1"), "POST", "/v1/intents/int_1/complete", {}],
    [
      "failIntent",
      (c) => c.failIntent("int_1", { error: "SMTP down" }),
      "POST",
      "/v1/intents/int_1/fail",
      { error: "SMTP down" },
    ],
    ["listAgents", (c) => c.listAgents(), "GET", "/v1/agents"],
    [
      "registerAgent",
      (c) => c.registerAgent({ name: "Billing Agent", domains: ["billing"] }),
      "POST",
      "/v1/agents",
      { name: "Billing Agent", domains: ["billing"] },
    ],
    ["getAgent", (c) => c.getAgent("billing-agent"), "GET", "/v1/agents/billing-agent"],
    ["getAgentMetrics", (c) => c.getAgentMetrics("billing-agent"), "GET", "/v1/agents/billing-agent/metrics"],
    [
      "setAgentTrust",
      (c) => c.setAgentTrust("billing-agent", { tier: "T3", reason: "benchmark" }),
      "PUT",
      "/v1/agents/billing-agent/trust",
      { tier: "T3", reason: "benchmark" },
    ],
    [
      "listApprovals",
      (c) => c.listApprovals({ status: "approved" }),
      "GET",
      "/v1/approvals",
      undefined,
      "status=approved",
    ],
    ["getApproval", (c) => c.getApproval("apr_123"), "GET", "/v1/approvals/apr_123"],
    ["approveIntent", (c) => c.approveIntent("apr_123"), "POST", "/v1/approvals/apr_123/approve"],
    [
      "rejectIntent",
      (c) => c.rejectIntent("apr_123", "Amount exceeds approved limit"),
      "POST",
      "/v1/approvals/apr_123/reject",
      { reason: "Amount exceeds approved limit" },
    ],
    [
      "rejectIntent (no reason)",
      (c) => c.rejectIntent("apr_123"),
      "POST",
      "/v1/approvals/apr_123/reject",
      {},
    ],
    [
      "queryAudit",
      (c) => c.queryAudit({ eventType: "intent.submitted", fromDate: "2024-01-01", toDate: "2024-02-01" }),
      "GET",
      "/v1/audit",
      undefined,
      "eventType=intent.submitted&fromDate=2024-01-01&toDate=2024-02-01",
    ],
    ["verifyAuditChain", (c) => c.verifyAuditChain(), "GET", "/v1/audit/verify"],
    [
      "verifyAuditChain",
      (c) => c.verifyAuditChain({ anchor: { seq: 12, hash: "ab".repeat(32) } }),
      "GET",
      "/v1/audit/verify",
      undefined,
      `anchorSeq=12&anchorHash=${"ab".repeat(32)}`,
    ],
    ["listPolicies", (c) => c.listPolicies(), "GET", "/v1/policies"],
    ["getPolicy", (c) => c.getPolicy("pol_1"), "GET", "/v1/policies/pol_1"],
    ["createPolicy", (c) => c.createPolicy(policy), "POST", "/v1/policies", policy],
    ["updatePolicy", (c) => c.updatePolicy("pol_1", policy), "PUT", "/v1/policies/pol_1", policy],
    ["deletePolicy", (c) => c.deletePolicy("pol_1"), "DELETE", "/v1/policies/pol_1"],
    ["simulatePolicy", (c) => c.simulatePolicy(invoice), "POST", "/v1/policies/simulate", invoice],
    ["listApiKeys", (c) => c.listApiKeys(), "GET", "/v1/api-keys"],
    [
      "createApiKey",
      (c) => c.createApiKey({ name: "ci", scopes: ["read_only"] }),
      "POST",
      "/v1/api-keys",
      { name: "ci", scopes: ["read_only"] },
    ],
    ["revokeApiKey", (c) => c.revokeApiKey("key_1"), "DELETE", "/v1/api-keys/key_1"],
    ["getHealth", (c) => c.getHealth(), "GET", "/health"],
    ["listWebhooks", (c) => c.listWebhooks(), "GET", "/v1/webhooks"],
    [
      "createWebhook",
      (c) =>
        c.createWebhook({ url: "https://example.com/hook", events: ["intent.approved"], description: "ops" }),
      "POST",
      "/v1/webhooks",
      { url: "https://example.com/hook", events: ["intent.approved"], description: "ops" },
    ],
    ["getWebhook", (c) => c.getWebhook("wh_1"), "GET", "/v1/webhooks/wh_1"],
    [
      "updateWebhook",
      (c) => c.updateWebhook("wh_1", { enabled: false }),
      "PATCH",
      "/v1/webhooks/wh_1",
      { enabled: false },
    ],
    ["deleteWebhook", (c) => c.deleteWebhook("wh_1"), "DELETE", "/v1/webhooks/wh_1"],
    ["rotateWebhookSecret", (c) => c.rotateWebhookSecret("wh_1"), "POST", "/v1/webhooks/wh_1/rotate-secret"],
    [
      "listWebhookDeliveries",
      (c) => c.listWebhookDeliveries("wh_1", { page: 2 }),
      "GET",
      "/v1/webhooks/wh_1/deliveries",
      undefined,
      "page=2",
    ],
    [
      "redeliverWebhook",
      (c) => c.redeliverWebhook("dlv_1"),
      "POST",
      "/v1/webhooks/deliveries/dlv_1/redeliver",
    ],
    ["testWebhook", (c) => c.testWebhook("wh_1"), "POST", "/v1/webhooks/wh_1/test"],
    ["getIntention", (c) => c.getIntention("intention_1"), "GET", "/v1/intentions/intention_1"],
    [
      "listAmbientClusters",
      (c) => c.listAmbientClusters({ limit: 10 }),
      "GET",
      "/v1/intentions/ambient",
      undefined,
      "limit=10",
    ],
    ["createIntention", (c) => c.createIntention(intention), "POST", "/v1/intentions", intention],
    [
      "updateIntention",
      (c) => c.updateIntention("intention_1", { ttl_minutes: 10 }),
      "PATCH",
      "/v1/intentions/intention_1",
      { ttl_minutes: 10 },
    ],
    [
      "publishIntention",
      (c) => c.publishIntention("intention_1"),
      "POST",
      "/v1/intentions/intention_1/publish",
    ],
    [
      "archiveIntention",
      (c) => c.archiveIntention("intention_1"),
      "POST",
      "/v1/intentions/intention_1/archive",
    ],
    [
      "generalizeAmbientCluster",
      (c) => c.generalizeAmbientCluster("amb_1"),
      "POST",
      "/v1/intentions/ambient/amb_1/generalize",
    ],
    ["verifyToken", (c) => c.verifyToken("eyJ.x.y"), "POST", "/v1/tokens/verify", { token: "eyJ.x.y" }],
  ];

  it("calls the documented method and path with the right body for every endpoint", async () => {
    const { api, client } = await serve({ "*": echo });
    for (const [name, run, method, path, body, query] of calls) {
      const before = api.requests.length;
      await run(client);
      const request = api.requests[before];
      expect(request, name).toBeDefined();
      expect(`${request?.method} ${request?.path}`, name).toBe(`${method} ${path}`);
      expect(request?.query.toString(), name).toBe(query ?? "");
      expect(request?.headers["x-api-key"], name).toBe(API_KEY);
      if (body === undefined) {
        expect(request?.body, name).toBe("");
        expect(request?.headers["content-type"], name).toBeUndefined();
      } else {
        expect(JSON.parse(request?.body ?? ""), name).toEqual(body);
        expect(request?.headers["content-type"], name).toBe("application/json");
      }
    }
  });
});
