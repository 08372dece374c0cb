import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, SEND_INVOICE } from "../test/support/test-app";
import { generateApiKey } from "./api-key-format";
import { loadConfig } from "./config";
import { type RunningServer, startServer } from "./server";
import { createSubmissionListener, type SubmissionStep } from "./submission-listener";

/**
 * The server answers `POST /v1/intents` from its own Node listener; the Hono app keeps the same
 * route. Every case below goes through both — the real HTTP server and `app.request()` on the
 * same services — and the answers must agree in status, body, headers and log line.
 */
interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | null>;
}

const COMPARED_HEADERS = ["content-type", "ratelimit-policy", "retry-after", "idempotent-replayed"];

/** Values that differ per request by design (ids, times, the remaining count) become placeholders. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, member]) => [
        key,
        key === "intentId" || key === "createdAt" || key === "requestId" ? "<varies>" : normalize(member),
      ]),
    );
  }
  return value;
}

async function read(response: Response): Promise<Answer> {
  const headers: Record<string, string | null> = {};
  for (const name of COMPARED_HEADERS) headers[name] = response.headers.get(name);
  headers["x-request-id present"] = String(response.headers.has("x-request-id"));
  headers["ratelimit present"] = String(response.headers.has("ratelimit"));
  return { status: response.status, body: normalize(await response.json()), headers };
}

describe("POST /v1/intents on the server's own listener", () => {
  let server: RunningServer;
  const lines: Record<string, unknown>[] = [];
  const admin = generateApiKey("acme");
  const keys: Record<string, string> = {};

  const viaServer = (init: RequestInit, path = "/v1/intents") => fetch(`${server.url}${path}`, init);
  const viaApp = (init: RequestInit) => server.app.request("/v1/intents", init);
  const post = (
    key: string | undefined,
    body: string,
    headers: Record<string, string> = {},
  ): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}), ...headers },
    body,
  });

  async function both(init: () => RequestInit): Promise<[Answer, Answer]> {
    return [await read(await viaServer(init())), await read(await viaApp(init()))];
  }

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    server = await startServer(
      loadConfig({ PORT: "0", DATABASE_URL: "file::memory:", INTENDEDOPS_BOOTSTRAP_KEY: admin }),
      { logger: pino({ level: "info", base: undefined }, sink), print: () => {} },
    );
    const call = async (path: string, body: unknown) => {
      const response = await server.app.request(path, post(admin, JSON.stringify(body)));
      expect(response.status).toBe(201);
      return (await response.json()).data;
    };
    await call("/v1/agents", BILLING_AGENT);
    keys.agent = (await call("/v1/api-keys", { name: "agent", scopes: ["agent"] })).key;
    keys.reader = (await call("/v1/api-keys", { name: "reader", scopes: ["read_only"] })).key;
    keys.limited = (
      await call("/v1/api-keys", { name: "limited", scopes: ["agent"], rateLimitPerMinute: 1 })
    ).key;
  });

  afterAll(async () => {
    await server?.stop();
  });

  const submission = (overrides: Record<string, unknown> = {}) =>
    JSON.stringify({ ...SEND_INVOICE, idempotencyKey: undefined, ...overrides });

  it.each([
    ["a new submission", () => post(keys.agent, submission()), 201],
    [
      "a submission authenticated with a Bearer key",
      () => post(undefined, submission(), { authorization: `Bearer ${keys.agent}` }),
      201,
    ],
    ["no key", () => post(undefined, submission()), 401],
    ["an unknown key", () => post(generateApiKey("acme"), submission()), 401],
    [
      "a tenant header of another tenant",
      () => post(keys.agent, submission(), { "x-tenant-id": "other" }),
      401,
    ],
    ["a read-only key", () => post(keys.reader, submission()), 403],
    ["malformed JSON", () => post(keys.agent, "{oops"), 400],
    [
      "a non-JSON content type",
      () => ({
        ...post(keys.agent, "type=x"),
        headers: { "x-api-key": keys.agent ?? "", "content-type": "text/plain" },
      }),
      415,
    ],
    ["an empty body", () => post(keys.agent, ""), 400],
    [
      "a body nested too deeply",
      () => post(keys.agent, `{"params":${"[".repeat(10_000)}${"]".repeat(10_000)}}`),
      400,
    ],
    ["a lone surrogate in a string", () => post(keys.agent, submission({ description: "ls\ud800x" })), 400],
    ["a compressed body", () => post(keys.agent, submission(), { "content-encoding": "gzip" }), 415],
    ["invalid params", () => post(keys.agent, submission({ params: { amount: "lots" } })), 400],
    ["an unknown intent type", () => post(keys.agent, submission({ type: "billing.nope" })), 400],
    ["an unknown agent", () => post(keys.agent, submission({ agentId: "ghost" })), 404],
    [
      "a declared body over the limit",
      () => post(keys.agent, submission(), { "content-length": String(2 * 1024 * 1024) }),
      413,
    ],
  ])("answers %s the same way the app does", async (_case, init, status) => {
    if (status === 413) {
      // fetch will not send a false content-length, so the server side gets a real oversized body.
      const big = JSON.stringify({ ...SEND_INVOICE, description: "x".repeat(1024 * 1024 + 10) });
      const [server413, app413] = [
        await read(await viaServer(post(keys.agent, big))),
        await read(await viaApp(init())),
      ];
      expect(server413).toEqual(app413);
      expect(server413.status).toBe(413);
      return;
    }
    const [fromServer, fromApp] = await both(init);
    expect(fromServer.status).toBe(status);
    expect(fromServer).toEqual(fromApp);
  });

  it("replays an idempotency key with the original decision and the replay header on both paths", async () => {
    const body = submission({ idempotencyKey: "parity-replay" });
    const first = await viaServer(post(keys.agent, body));
    expect(first.status).toBe(201);
    const original = (await first.json()).data;
    const [fromServer, fromApp] = await both(() => post(keys.agent, body));
    expect(fromServer.status).toBe(200);
    expect(fromServer.headers["idempotent-replayed"]).toBe("true");
    expect(fromServer).toEqual(fromApp);
    const replayed = await (await viaServer(post(keys.agent, body))).json();
    expect(replayed.data).toEqual(original);
  });

  it("refuses a key over its rate limit with 429 and Retry-After on both paths", async () => {
    expect((await viaServer(post(keys.limited, submission()))).status).toBe(201);
    const [fromServer, fromApp] = await both(() => post(keys.limited, submission()));
    expect(fromServer.status).toBe(429);
    expect(Number(fromServer.headers["retry-after"])).toBeGreaterThan(0);
    expect(fromServer).toEqual(fromApp);
  });

  it("echoes a well-formed x-request-id and writes the same log line as the app", async () => {
    lines.length = 0;
    const [viaListener, viaHono] = await Promise.all([
      viaServer(post(keys.agent, submission(), { "x-request-id": "parity-listener" })),
      viaApp(post(keys.agent, submission(), { "x-request-id": "parity-app" })),
    ]);
    expect(viaListener.headers.get("x-request-id")).toBe("parity-listener");
    expect(viaHono.headers.get("x-request-id")).toBe("parity-app");
    const logged = (id: string) => {
      const line = lines.find((entry) => entry.requestId === id);
      expect(line).toBeDefined();
      const { time, durationMs, requestId, ...rest } = line as Record<string, unknown>;
      expect(typeof durationMs).toBe("number");
      return rest;
    };
    const listenerLine = logged("parity-listener");
    expect(listenerLine).toEqual(logged("parity-app"));
    expect(listenerLine).toMatchObject({
      method: "POST",
      path: "/v1/intents",
      status: 201,
      tenantId: "acme",
      msg: "request",
    });
  });

  it("leaves every other request to the app when the method, path or query differs", async () => {
    const withQuery = await viaServer(post(keys.agent, submission()), "/v1/intents?dryRun=1");
    expect(withQuery.status).toBe(201);
    const listed = await viaServer({ headers: { "x-api-key": keys.agent ?? "" } });
    expect(listed.status).toBe(200);
    expect((await listed.json()).data.items.length).toBeGreaterThan(0);
    const wrongMethod = await viaServer({ method: "PATCH", headers: { "x-api-key": keys.agent ?? "" } });
    expect(wrongMethod.status).toBe(405);
  });

  it("hands a replaced submission step only an authorized caller's parsed body", async () => {
    // The benchmark's floors (bench/floor-server.ts) replace the governor's step this way.
    const calls: { tenantId: string; body: unknown }[] = [];
    const step: SubmissionStep = async (_services, actor, body) => {
      calls.push({ tenantId: actor.tenantId, body });
      return { status: 202, replayed: true, payload: { data: { stepped: true } } };
    };
    const listener = createSubmissionListener(server.services, step);
    const floor = createServer((req, res) => {
      if (!listener(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => floor.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(floor.address() as AddressInfo).port}/v1/intents`;
    try {
      const accepted = await fetch(url, post(keys.agent, submission()));
      expect(accepted.status).toBe(202);
      expect(accepted.headers.get("idempotent-replayed")).toBe("true");
      expect(await accepted.json()).toEqual({ data: { stepped: true } });
      expect(calls).toEqual([{ tenantId: "acme", body: JSON.parse(submission()) }]);

      expect((await fetch(url, post(undefined, submission()))).status).toBe(401);
      expect((await fetch(url, post(keys.reader, submission()))).status).toBe(403);
      expect((await fetch(url, post(keys.agent, "{oops"))).status).toBe(400);
      expect(calls).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => floor.close(() => resolve()));
    }
  });
});
