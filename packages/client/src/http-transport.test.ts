import { describe, expect, it } from "vitest";
import { errorBody, stubClient } from "../test/stub-api-server";
import { InternalError, NetworkError, NotFoundError } from "./api-errors";

const API_KEY = "intendedops_acme_xK9mN2pQ7rS4tU6vW8yZ0aB2";

const serve = stubClient(API_KEY);

describe("request headers", () => {
  it("sends one x-tenant-id when the caller also passes it as X-Tenant-Id", async () => {
    // The real server answers 401 to `x-tenant-id: acme, acme`.
    const { api, client } = await serve(
      { "GET /v1/stats": () => ({ body: { data: {} } }) },
      { tenantId: "acme", headers: { "X-Tenant-Id": "acme" } },
    );
    await client.getStats();
    expect(api.requests[0]?.headers["x-tenant-id"]).toBe("acme");
  });

  it("sends only the client's api key when a header spells X-Api-Key differently", async () => {
    const { api, client } = await serve(
      { "GET /v1/stats": () => ({ body: { data: {} } }) },
      { headers: { "X-Api-Key": "intendedops_acme_stale" } },
    );
    await client.getStats();
    expect(api.requests[0]?.headers["x-api-key"]).toBe(API_KEY);
  });

  it("sends one content-type and one accept when headers spell them in another case", async () => {
    const { api, client } = await serve(
      { "POST /v1/agents": () => ({ status: 201, body: { data: {} } }) },
      { headers: { "Content-Type": "application/json; charset=utf-8", Accept: "application/json" } },
    );
    await client.registerAgent({ name: "Billing Agent", domains: ["billing"] });
    expect(api.requests[0]?.headers["content-type"]).toBe("application/json");
    expect(api.requests[0]?.headers.accept).toBe("application/json");
  });

  it("lets a per-call header replace a client header whatever its case", async () => {
    const { api, client } = await serve(
      { "GET /v1/stats": () => ({ body: { data: {} } }) },
      { headers: { "User-Agent": "billing-bot/1.0" } },
    );
    await client.getStats({ headers: { "user-agent": "billing-bot/2.0", "X-Request-Id": "req-42" } });
    expect(api.requests[0]?.headers["user-agent"]).toBe("billing-bot/2.0");
    expect(api.requests[0]?.headers["x-request-id"]).toBe("req-42");
  });
});

describe("custom fetch", () => {
  it("calls a fetch that needs the global receiver when passed as an option (browsers' window.fetch)", async () => {
    // Browsers throw "Illegal invocation" when fetch is called on any object but the window.
    function strictFetch(this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation");
      return globalThis.fetch(input, init);
    }
    const { client } = await serve(
      { "GET /v1/stats": () => ({ body: { data: { ok: 1 } } }) },
      { fetch: strictFetch as typeof fetch, retry: { maxRetries: 0 } },
    );
    await expect(client.getStats()).resolves.toEqual({ ok: 1 });
  });
});

describe("retried deletes", () => {
  it("resolves when the retry of a delete whose response was lost finds the resource gone", async () => {
    const { api, client } = await serve({
      "DELETE /v1/policies/pol_1": (_req, call) =>
        call === 0
          ? { destroy: true }
          : { status: 404, body: errorBody("NOT_FOUND", "Policy not found: pol_1") },
    });
    await expect(client.deletePolicy("pol_1")).resolves.toBeUndefined();
    expect(api.requests).toHaveLength(2);
  });

  it("resolves when the retry of a delete that got a 5xx finds the resource gone", async () => {
    const { client } = await serve({
      "DELETE /v1/webhooks/wh_1": (_req, call) =>
        call === 0
          ? { status: 502, body: "<html>Bad Gateway</html>" }
          : { status: 404, body: errorBody("NOT_FOUND", "Webhook not found: wh_1") },
    });
    await expect(client.deleteWebhook("wh_1")).resolves.toBeUndefined();
  });

  it("throws NotFoundError when the first attempt of a delete answers 404", async () => {
    const { api, client } = await serve({
      "DELETE /v1/policies/pol_1": () => ({ status: 404, body: errorBody("NOT_FOUND", "Policy not found") }),
    });
    await expect(client.deletePolicy("pol_1")).rejects.toBeInstanceOf(NotFoundError);
    expect(api.requests).toHaveLength(1);
  });

  it("throws NetworkError when every attempt of a delete is lost", async () => {
    const { client } = await serve(
      { "DELETE /v1/policies/pol_1": () => ({ destroy: true }) },
      { retry: { maxRetries: 1, baseDelayMs: 1 } },
    );
    await expect(client.deletePolicy("pol_1")).rejects.toBeInstanceOf(NetworkError);
  });
});

describe("getHealth", () => {
  it("throws InternalError when a proxy answers 503 without the API's body", async () => {
    const { api, client } = await serve({
      "GET /health": () => ({
        status: 503,
        headers: { "content-type": "text/plain" },
        body: "no healthy upstream",
      }),
    });
    const error = await client.getHealth().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InternalError);
    expect(error).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
    expect((error as Error).message).toContain("no healthy upstream");
    expect(api.requests).toHaveLength(1);
  });
});

describe("path ids", () => {
  it("refuses an id of '.' or '..' without sending, since URLs resolve dot segments to another route", async () => {
    // `getAgentMetrics(".")` went to GET /v1/agents/metrics: the agent named "metrics".
    const { api, client } = await serve({ "*": () => ({ body: { data: { id: "metrics" } } }) });
    await expect(client.getAgentMetrics(".")).rejects.toBeInstanceOf(TypeError);
    await expect(client.getIntent("..")).rejects.toBeInstanceOf(TypeError);
    await expect(client.deletePolicy("..")).rejects.toBeInstanceOf(TypeError);
    expect(api.requests).toHaveLength(0);
  });
});

describe("request bodies", () => {
  it("rejects with the TypeError and sends nothing when a body cannot be JSON (regression: NetworkError, retried)", async () => {
    const { api, client } = await serve({
      "POST /v1/intents": () => ({ status: 201, body: { data: {} } }),
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const params of [{ amount: 10n }, cyclic]) {
      const error = await client
        .createIntent({ type: "billing.send_invoice", agentId: "billing-agent", params })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(error).not.toBeInstanceOf(NetworkError);
    }
    expect(api.requests).toHaveLength(0);
  });
});
