import { IntendedOpsError } from "@intendedops/core";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, createTestClock, SEND_INVOICE } from "../test/support/test-app";
import { generateApiKey } from "./api-key-format";
import { loadConfig } from "./config";
import { type RunningServer, startServer } from "./server";

/**
 * `POST /v1/intents` is answered by the submission listener, `/v1/intents?x=1` and every other
 * route by the app: one key's requests count into one budget with the same headers on both, and
 * a failed key lookup (503) still carries them (regression: it went out without).
 */
describe("the submission listener and the app share one rate-limit budget", () => {
  let server: RunningServer;
  const clock = createTestClock(Date.parse("2026-03-02T10:00:15.250Z"));
  const admin = generateApiKey("acme");
  let limited = "";
  let agent = "";

  beforeAll(async () => {
    server = await startServer(
      loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_URL: "file::memory:",
        INTENDEDOPS_BOOTSTRAP_KEY: admin,
        RATE_LIMIT_PER_MINUTE: "5",
        LOG_LEVEL: "silent",
      }),
      { logger: pino({ level: "silent" }), print: () => {}, clock },
    );
    const call = async (path: string, body: unknown) => {
      const r = await server.app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": admin },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(201);
      return (await r.json()).data;
    };
    await call("/v1/agents", BILLING_AGENT);
    limited = (await call("/v1/api-keys", { name: "l", scopes: ["agent"], rateLimitPerMinute: 4 })).key;
    agent = (await call("/v1/api-keys", { name: "a", scopes: ["agent"] })).key;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const post = (
    key: string | undefined,
    path = "/v1/intents",
    body = JSON.stringify({ ...SEND_INVOICE, idempotencyKey: undefined }),
  ) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}) },
      body,
    });
  const show = (r: Response) => [
    r.status,
    r.headers.get("ratelimit-policy"),
    r.headers.get("ratelimit"),
    r.headers.get("retry-after"),
  ];

  it("counts fast-path and app-path requests of one key into one budget with identical headers", async () => {
    const seen = [];
    seen.push(show(await post(limited)));
    seen.push(show(await post(limited, "/v1/intents?x=1")));
    seen.push(show(await fetch(`${server.url}/v1/stats`, { headers: { "x-api-key": limited } })));
    seen.push(show(await post(limited)));
    seen.push(show(await post(limited)));
    seen.push(show(await post(limited, "/v1/intents?x=1")));
    expect(seen).toEqual([
      [201, '"default";q=4;w=60', '"default";r=3;t=45', null],
      [201, '"default";q=4;w=60', '"default";r=2;t=45', null],
      [200, '"default";q=4;w=60', '"default";r=1;t=45', null],
      [201, '"default";q=4;w=60', '"default";r=0;t=45', null],
      [429, '"default";q=4;w=60', '"default";r=0;t=45', "45"],
      [429, '"default";q=4;w=60', '"default";r=0;t=45', "45"],
    ]);
  });

  it("unauthenticated and error answers on the fast path carry headers counted against the address", async () => {
    const seen = [];
    seen.push(show(await post(undefined)));
    seen.push(show(await post(undefined, "/v1/intents?x=1")));
    seen.push(show(await post(agent, "/v1/intents", "{oops")));
    seen.push(
      show(
        await post(
          agent,
          "/v1/intents",
          JSON.stringify({ ...SEND_INVOICE, agentId: "ghost", idempotencyKey: undefined }),
        ),
      ),
    );
    expect(seen[0]?.[2]).toBe('"default";r=4;t=45');
    expect(seen[1]?.[2]).toBe('"default";r=3;t=45');
    expect(seen[2]?.slice(0, 3)).toEqual([400, '"default";q=5;w=60', '"default";r=4;t=45']);
    expect(seen[3]?.slice(0, 3)).toEqual([404, '"default";q=5;w=60', '"default";r=3;t=45']);
  });

  it("a 503 from the key lookup on the fast path still carries both headers", async () => {
    const original = server.services.keys.resolve;
    server.services.keys.resolve = async () => {
      throw new IntendedOpsError("SERVICE_UNAVAILABLE", "db busy");
    };
    try {
      const fast = await post(agent);
      const viaApp = await post(agent, "/v1/intents?x=1");
      const health = await fetch(`${server.url}/health`, { headers: { "x-api-key": agent } });
      expect(fast.status).toBe(503);
      expect(fast.headers.get("ratelimit")).not.toBeNull();
      expect(viaApp.headers.get("ratelimit")).not.toBeNull();
      expect(health.headers.get("ratelimit")).not.toBeNull();
    } finally {
      server.services.keys.resolve = original;
    }
  });

  it("resets at the next minute on the fast path", async () => {
    clock.set(Date.parse("2026-03-02T10:01:00.000Z"));
    const r = await post(limited);
    expect(show(r)).toEqual([201, '"default";q=4;w=60', '"default";r=3;t=60', null]);
  });
});
