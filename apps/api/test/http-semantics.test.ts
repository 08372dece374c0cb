import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { loadConfig } from "../src/config";
import { type RunningServer, startServer } from "../src/server";
import { type ServerProcess, spawnServer } from "./support/server-process";
import { BILLING_AGENT, createTestClock, PG_URL } from "./support/test-app";

/**
 * HTTP semantics of the real server over real sockets. `POST /v1/intents` is answered by the
 * server's own Node listener (src/submission-listener.ts); the same request with a query string
 * falls through to the Hono app. Every case that can reach both runs on both paths, and their
 * answers must agree: any divergence is a defect.
 */

const MiB = 1024 * 1024;
const PATHS = { listener: "/v1/intents", app: "/v1/intents?via=app" } as const;
type Via = keyof typeof PATHS;
const BOTH: Via[] = ["listener", "app"];

// ---------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client: bytes out, parsed answers back.

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Exchange {
  answers: Answer[];
  /** The server closed the connection before the exchange ended. */
  closed: boolean;
}

/** Bytes to write, a pause in milliseconds, or a pause that starts once the first answer arrived. */
type Part = string | Buffer | number | { afterAnswer: number };

/** Complete answers at the front of `buffer`; `head` answers have no body. 1xx answers are listed too. */
function parseAnswers(buffer: Buffer, head: boolean, closed: boolean): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n", at);
    if (end === -1) break;
    const [statusLine = "", ...lines] = buffer.subarray(at, end).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const status = Number(statusLine.split(" ")[1]);
    let next = end + 4;
    let body: Buffer = Buffer.alloc(0);
    if (status >= 200 && !head) {
      if (headers["transfer-encoding"]?.includes("chunked")) {
        const chunks: Buffer[] = [];
        let complete = false;
        for (;;) {
          const lineEnd = buffer.indexOf("\r\n", next);
          if (lineEnd === -1) break;
          const size = Number.parseInt(buffer.subarray(next, lineEnd).toString("latin1"), 16);
          if (buffer.length < lineEnd + 2 + size + 2) break;
          chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
          next = lineEnd + 2 + size + 2;
          if (size === 0) {
            complete = true;
            break;
          }
        }
        if (!complete) break;
        body = Buffer.concat(chunks);
      } else if (headers["content-length"] !== undefined) {
        const length = Number(headers["content-length"]);
        if (buffer.length < next + length) break;
        body = buffer.subarray(next, next + length);
        next += length;
      } else {
        if (!closed) break;
        body = buffer.subarray(next);
        next = buffer.length;
      }
    }
    answers.push({ status, headers, body: body.toString("utf8") });
    at = next;
  }
  return answers;
}

/**
 * Write `parts` on one connection and collect the answers: until `answers` final (non-1xx) answers
 * arrived, or, with `untilClose`, until the server closes (or `timeoutMs` passes).
 */
async function exchange(
  port: number,
  parts: Part[],
  options: { answers?: number; untilClose?: boolean; head?: boolean; timeoutMs?: number } = {},
): Promise<Exchange> {
  const socket = connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  let received = Buffer.alloc(0);
  let closed = false;
  const finals = () => parseAnswers(received, options.head ?? false, closed).filter((a) => a.status >= 200);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, options.timeoutMs ?? 5_000);
    const check = () => {
      if (closed || (!options.untilClose && finals().length >= (options.answers ?? 1))) {
        clearTimeout(timer);
        resolve();
      }
    };
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      check();
    });
    // A reset after the server's answer (it closed while we were still writing) still ends the exchange.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      closed = true;
      check();
    });
    void (async () => {
      for (const part of parts) {
        if (typeof part === "number") await new Promise((r) => setTimeout(r, part));
        else if (Buffer.isBuffer(part) || typeof part === "string") {
          if (!socket.destroyed) socket.write(part);
        } else {
          while (finals().length === 0 && !closed) await new Promise((r) => setTimeout(r, 10));
          await new Promise((r) => setTimeout(r, part.afterAnswer));
        }
      }
    })();
  });
  socket.destroy();
  return { answers: parseAnswers(received, options.head ?? false, closed), closed };
}

interface RequestSpec {
  headers?: Record<string, string | number | undefined>;
  body?: string | Buffer;
  /** Send the body as chunks of this size, with `Transfer-Encoding: chunked` and no Content-Length. */
  chunked?: number;
  version?: "1.0" | "1.1";
}

/** Request bytes exactly as given: headers are written as listed (a header set to undefined is left out). */
function request(method: string, target: string, spec: RequestSpec = {}): Buffer {
  const headers: Record<string, string | number | undefined> = { Host: "localhost", ...spec.headers };
  let body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body);
  if (spec.chunked !== undefined) {
    headers["Transfer-Encoding"] = "chunked";
    const pieces: Buffer[] = [];
    for (let i = 0; i < body.length; i += spec.chunked) {
      const piece = body.subarray(i, i + spec.chunked);
      pieces.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n"));
    }
    pieces.push(Buffer.from("0\r\n\r\n"));
    body = Buffer.concat(pieces);
  } else if (spec.body !== undefined && !("Content-Length" in headers)) {
    headers["Content-Length"] = body.length;
  }
  let head = `${method} ${target} HTTP/${spec.version ?? "1.1"}\r\n`;
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), body]);
}

function json(answer: Answer | undefined): {
  data?: Record<string, unknown>;
  error?: Record<string, unknown>;
} {
  expect(answer, "an answer").toBeDefined();
  return JSON.parse(answer!.body);
}

/** What must agree between the two paths: everything but ids, times and the remaining budget. */
function comparable(answer: Answer | undefined) {
  expect(answer, "an answer").toBeDefined();
  const { status, headers, body } = answer!;
  let payload: unknown = body;
  try {
    const parsed = JSON.parse(body);
    payload = parsed.error ?? { data: Object.keys(parsed.data ?? {}).sort() };
  } catch {
    // Not JSON: compared as text (and then fails the envelope checks).
  }
  return {
    status,
    contentType: headers["content-type"],
    payload,
    requestId: headers["x-request-id"] !== undefined,
    rateLimitPolicy: headers["ratelimit-policy"],
    rateLimit: /^"default";r=\d+;t=\d+$/.test(headers.ratelimit ?? ""),
    retryAfter: headers["retry-after"],
    allow: headers.allow,
    connection: headers.connection,
  };
}

/** The error envelope: `{"error":{"code","message","details"?}}` as JSON, nothing else. */
function expectEnvelope(answer: Answer | undefined, status: number, code: string): Record<string, unknown> {
  expect(answer?.status).toBe(status);
  expect(answer?.headers["content-type"]).toMatch(/^application\/json/);
  const parsed = json(answer);
  expect(Object.keys(parsed)).toEqual(["error"]);
  expect(parsed.error).toMatchObject({ code, message: expect.any(String) });
  return parsed.error!;
}

// ---------------------------------------------------------------------------------------------

describe("HTTP semantics of the server process (SQLite)", () => {
  let server: ServerProcess;
  let dir: string;
  const admin = generateApiKey("acme");
  let agentKey: string;
  let port: number;
  let serial = 0;

  const rid = (label: string) => `hs-${label}-${++serial}`;
  const submission = (overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      type: "billing.send_invoice",
      agentId: "billing-agent",
      params: { customerId: "cust_1", amount: 10 },
      idempotencyKey: `hs-${randomBytes(8).toString("hex")}`,
      ...overrides,
    });
  const post = (via: Via, spec: RequestSpec & { key?: string | null; type?: string | null } = {}) =>
    request("POST", PATHS[via], {
      ...spec,
      headers: {
        "x-api-key": spec.key === null ? undefined : (spec.key ?? agentKey),
        "Content-Type": spec.type === null ? undefined : (spec.type ?? "application/json"),
        ...spec.headers,
      },
    });
  const once = async (bytes: Buffer, options: Parameters<typeof exchange>[2] = {}) =>
    (await exchange(port, [bytes], options)).answers.find((a) => a.status >= 200);

  /** The request log lines written so far, by request id. */
  function logLines(requestId: string): Record<string, unknown>[] {
    return server
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter(
        (line) => line.requestId === requestId && (line.msg === "request" || line.msg === "request failed"),
      );
  }
  /** Wait for the asynchronous log destination; then exactly one line must exist for the id. */
  async function oneLogLine(requestId: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 40 && logLines(requestId).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100));
    const lines = logLines(requestId);
    expect(lines, `log lines of ${requestId}`).toHaveLength(1);
    return lines[0]!;
  }

  async function createKey(body: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${server.url}/v1/api-keys`, {
      method: "POST",
      headers: { "x-api-key": admin, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()).data.key;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "intendedops-http-"));
    server = await spawnServer({
      env: {
        DATABASE_URL: `file:${join(dir, "api.db")}`,
        INTENDEDOPS_BOOTSTRAP_KEY: admin,
        LOG_LEVEL: "info",
      },
    });
    port = server.port;
    const agent = await fetch(`${server.url}/v1/agents`, {
      method: "POST",
      headers: { "x-api-key": admin, "content-type": "application/json" },
      body: JSON.stringify(BILLING_AGENT),
    });
    expect(agent.status).toBe(201);
    agentKey = await createKey({ name: "http agent", scopes: ["agent", "policy_write"] });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("request bodies, on both paths of POST /v1/intents", () => {
    it.each([
      ["application/json; charset=utf-8", 201],
      ["APPLICATION/JSON", 201],
      ["application/vnd.api+json", 201],
      // Parameters are ignored (api.md): JSON is UTF-8 whatever the label says.
      ["application/json;charset=latin1", 201],
      ["application/json ; charset=UTF-8", 201],
      ["text/plain", 415],
      ["application/jsonx", 415],
      ["application/x-www-form-urlencoded", 415],
      [null, 415],
    ])("Content-Type %s answers %i the same way", async (type, status) => {
      const [listener, app] = await Promise.all(
        BOTH.map((via) => once(post(via, { type, body: submission() }))),
      );
      expect(listener?.status).toBe(status);
      expect(comparable(listener)).toEqual(comparable(app));
      if (status === 415) expectEnvelope(listener, 415, "UNSUPPORTED_MEDIA_TYPE");
    });

    const cases: [string, () => RequestSpec, number, string?][] = [
      ["a chunked body without Content-Length", () => ({ body: submission(), chunked: 16 }), 201],
      [
        "exactly 1 MiB (refused by validation, not by size)",
        () => ({ body: exactly(MiB) }),
        400,
        "VALIDATION_ERROR",
      ],
      ["exactly 1 MiB, chunked", () => ({ body: exactly(MiB), chunked: 64 * 1024 }), 400, "VALIDATION_ERROR"],
      ["1 MiB + 1 with Content-Length", () => ({ body: exactly(MiB + 1) }), 413, "PAYLOAD_TOO_LARGE"],
      [
        "1 MiB + 1, chunked",
        () => ({ body: exactly(MiB + 1), chunked: 64 * 1024 }),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      [
        "a declared length over the limit and no body yet",
        () => ({ headers: { "Content-Length": MiB + 1 } }),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      [
        "a gzip body",
        () => ({ body: gzipSync(submission()), headers: { "Content-Encoding": "gzip" } }),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "a UTF-8 BOM before the JSON",
        () => ({ body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(submission())]) }),
        201,
      ],
      ["an empty body", () => ({ body: "" }), 400, "VALIDATION_ERROR"],
      ["no body at all", () => ({}), 400, "VALIDATION_ERROR"],
      ["whitespace only", () => ({ body: "  \n" }), 400, "VALIDATION_ERROR"],
      ["malformed JSON", () => ({ body: "{oops" }), 400, "VALIDATION_ERROR"],
      [
        "bytes that are not UTF-8",
        () => ({ body: Buffer.from([0x7b, 0xff, 0x7d]) }),
        400,
        "VALIDATION_ERROR",
      ],
      ["Expect: 100-continue", () => ({ body: submission(), headers: { Expect: "100-continue" } }), 201],
      [
        "an x-tenant-id of another tenant",
        () => ({ body: submission(), headers: { "x-tenant-id": "globex" } }),
        401,
        "UNAUTHORIZED",
      ],
    ];
    it.each(cases)("%s answers the same way on both paths", async (_name, spec, status, code) => {
      const [listener, app] = await Promise.all(
        BOTH.map((via) =>
          once(post(via, { ...spec(), headers: { Connection: "close", ...spec().headers } })),
        ),
      );
      expect(listener?.status).toBe(status);
      expect(comparable(listener)).toEqual(comparable(app));
      if (code) expectEnvelope(listener, status, code);
    });

    it.each([
      [
        "/v1/agents",
        () => JSON.stringify({ ...BILLING_AGENT, name: `Agent ${randomBytes(4).toString("hex")}` }),
      ],
      [
        "/v1/policies",
        () =>
          JSON.stringify({
            name: `p-${randomBytes(4).toString("hex")}`,
            mode: "shadow",
            effect: "allow",
            match: {},
          }),
      ],
    ])("POST %s takes the same content types and refuses the same bodies", async (path, body) => {
      const send = (spec: RequestSpec & { type?: string | null }) =>
        once(
          request("POST", path, {
            ...spec,
            headers: {
              "x-api-key": agentKey,
              "Content-Type": spec.type === null ? undefined : (spec.type ?? "application/json"),
              ...spec.headers,
            },
          }),
        );
      for (const type of [
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/vnd.api+json",
      ]) {
        expect((await send({ type, body: body() }))?.status, type).toBe(201);
      }
      expect((await send({ body: body(), chunked: 7 }))?.status).toBe(201);
      expectEnvelope(await send({ type: "text/plain", body: body() }), 415, "UNSUPPORTED_MEDIA_TYPE");
      expectEnvelope(await send({ type: null, body: body() }), 415, "UNSUPPORTED_MEDIA_TYPE");
      expectEnvelope(await send({ body: exactly(MiB + 1) }), 413, "PAYLOAD_TOO_LARGE");
      expectEnvelope(await send({ body: exactly(MiB + 1), chunked: 65536 }), 413, "PAYLOAD_TOO_LARGE");
      expectEnvelope(
        await send({ body: gzipSync(body()), headers: { "Content-Encoding": "gzip" } }),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      );
      expectEnvelope(await send({ body: "{oops" }), 400, "VALIDATION_ERROR");
    });

    it("GET /v1/intents ignores a body and its content type", async () => {
      const answer = await once(
        request("GET", "/v1/intents?pageSize=1", {
          headers: { "x-api-key": agentKey, "Content-Type": "text/plain" },
          body: "not json",
        }),
      );
      expect(answer?.status).toBe(200);
      expect(json(answer).data).toMatchObject({ pageSize: 1 });
    });
  });

  /** A valid submission of exactly `size` bytes (its description is far too long for the schema). */
  function exactly(size: number): string {
    const base = JSON.parse(submission({ description: "" }));
    base.description = "x".repeat(size - Buffer.byteLength(JSON.stringify(base)));
    const text = JSON.stringify(base);
    expect(Buffer.byteLength(text)).toBe(size);
    return text;
  }

  describe("connections", () => {
    it.each(BOTH)("stays usable after 400, 401, 413 and 415 answers on the %s path", async (via) => {
      const next = request("GET", "/v1/intents?pageSize=1", { headers: { "x-api-key": agentKey } });
      const firsts: [Buffer, number][] = [
        [post(via, { body: "{oops" }), 400],
        [post(via, { key: null, body: submission() }), 401],
        [post(via, { key: null, body: exactly(MiB + 1) }), 401],
        [post(via, { body: exactly(MiB + 1) }), 413],
        [post(via, { body: exactly(MiB + 1), chunked: 65536 }), 413],
        [post(via, { type: "text/plain", body: "hello" }), 415],
      ];
      for (const [first, status] of firsts) {
        const { answers, closed } = await exchange(port, [first, 50, next], { answers: 2 });
        expect(answers.map((a) => a.status)).toEqual([status, 200]);
        expect(closed).toBe(false);
      }
    });

    it.each(BOTH)(
      "delivers the answer to a request whose Content-Length is shorter than its body, then refuses the rest (%s path; regression: only the 400 arrived though the intent was recorded)",
      async (via) => {
        for (const close of [false, true]) {
          const id = rid("short");
          const body = submission();
          const { answers } = await exchange(
            port,
            [
              post(via, {
                body: `${body}xxxxx`,
                headers: {
                  "Content-Length": Buffer.byteLength(body),
                  "x-request-id": id,
                  Connection: close ? "close" : undefined,
                },
              }),
            ],
            { untilClose: true },
          );
          expect(answers[0]?.status).toBe(201);
          expect(answers[0]?.headers["x-request-id"]).toBe(id);
          const intentId = json(answers[0]).data?.intentId;
          // The logged outcome is the one the client got.
          expect(await oneLogLine(id)).toMatchObject({ status: 201, path: "/v1/intents" });
          if (close) {
            // The client asked to close: the trailing bytes are dropped with the connection.
            expect(answers).toHaveLength(1);
          } else {
            expect(answers).toHaveLength(2);
            expectEnvelope(answers[1], 400, "VALIDATION_ERROR");
            expect(answers[1]?.headers.connection).toBe("close");
          }
          const stored = await fetch(`${server.url}/v1/intents/${intentId}`, {
            headers: { "x-api-key": agentKey },
          });
          expect(stored.status).toBe(200);
        }
      },
    );

    it("answers pipelined requests in order, across both paths, then the refusal of garbage after them (regression: the garbage's 400 replaced the answers still being served)", async () => {
      const ids = Array.from({ length: 6 }, () => rid("pipe"));
      const bytes = Buffer.concat([
        post("listener", { body: submission(), headers: { "x-request-id": ids[0] } }),
        post("app", { body: "{bad", headers: { "x-request-id": ids[1] } }),
        post("listener", { body: exactly(MiB + 1), headers: { "x-request-id": ids[2] } }),
        request("GET", "/health", { headers: { "x-request-id": ids[3] } }),
        post("app", { body: submission(), headers: { "x-request-id": ids[4] } }),
        post("listener", { type: "text/plain", body: "x", headers: { "x-request-id": ids[5] } }),
        Buffer.from("NOT HTTP AT ALL\r\n\r\n"),
      ]);
      const { answers, closed } = await exchange(port, [bytes], { untilClose: true });
      expect(closed).toBe(true);
      expect(answers.map((a) => [a.status, a.headers["x-request-id"]])).toEqual([
        [201, ids[0]],
        [400, ids[1]],
        [413, ids[2]],
        [200, ids[3]],
        [201, ids[4]],
        [415, ids[5]],
        // The garbage sent no id to echo: the refusal carries a fresh one.
        [400, expect.stringMatching(/^req_/)],
      ]);
      expectEnvelope(answers[6], 400, "VALIDATION_ERROR");
      for (const id of ids) await oneLogLine(id);
    });

    it.each([
      [
        "401 before the body was read",
        (via: Via) => post(via, { key: null, headers: { "Content-Length": 200_000 } }),
        401,
      ],
      [
        "413 from the declared length",
        (via: Via) => post(via, { headers: { "Content-Length": MiB + 1 } }),
        413,
      ],
    ])(
      "treats a body still arriving after a %s the same way on both paths (regression: the listener read it without limit and kept the connection)",
      async (_name, head, status) => {
        const outcomes = [];
        for (const via of BOTH) {
          // Half the body, the answer, a pause longer than the drain window, the rest and another request.
          const { answers, closed } = await exchange(
            port,
            [
              head(via),
              "x".repeat(100_000),
              { afterAnswer: 1_000 },
              "x".repeat(100_000),
              request("GET", "/health"),
            ],
            { untilClose: true, timeoutMs: 4_000 },
          );
          outcomes.push({ statuses: answers.map((a) => a.status), closed });
        }
        expect(outcomes[0]).toEqual(outcomes[1]);
        expect(outcomes[0]).toEqual({ statuses: [status], closed: true });
      },
    );

    it.each(BOTH)("logs a request whose client went away mid-body once, as a 400 (%s path)", async (via) => {
      const id = rid("abort");
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => undefined);
      socket.write(post(via, { headers: { "Content-Length": 500, "x-request-id": id } }));
      socket.write('{"type":"billing.send_invoice",');
      await new Promise((r) => setTimeout(r, 150));
      socket.destroy();
      expect(await oneLogLine(id)).toMatchObject({ status: 400, method: "POST", path: "/v1/intents" });
    });

    it.each(BOTH)(
      "logs a refused oversized body once, as a 413 with the request id (%s path)",
      async (via) => {
        const id = rid("big");
        const answer = await once(post(via, { body: exactly(MiB + 1), headers: { "x-request-id": id } }));
        expect(answer?.headers["x-request-id"]).toBe(id);
        expect(await oneLogLine(id)).toMatchObject({ status: 413, tenantId: "acme" });
      },
    );
  });

  describe("request line and Host", () => {
    it.each([
      [
        "no Host on HTTP/1.1",
        (path: string) =>
          post(path === PATHS.listener ? "listener" : "app", { headers: { Host: undefined } }),
        "Host header missing",
      ],
      [
        "Host: a b",
        (path: string) => request("POST", path, { headers: { Host: "a b" }, body: "{}" }),
        "invalid Host header",
      ],
      [
        "Host: u@h",
        (path: string) => request("POST", path, { headers: { Host: "u@h" }, body: "{}" }),
        "invalid Host header",
      ],
      [
        "Host: a/b",
        (path: string) => request("POST", path, { headers: { Host: "a/b" }, body: "{}" }),
        "invalid Host header",
      ],
    ])(
      "refuses %s with 400 in the envelope on both paths (regression: a bare 400, and the listener served it)",
      async (_name, make, message) => {
        for (const path of Object.values(PATHS)) {
          const id = rid("host");
          const bytes = make(path);
          const withId = Buffer.from(
            bytes.toString("latin1").replace("\r\n", `\r\nx-request-id: ${id}\r\nx-api-key: ${agentKey}\r\n`),
            "latin1",
          );
          const answer = await once(withId);
          const error = expectEnvelope(answer, 400, "VALIDATION_ERROR");
          expect(error.message).toBe(`Malformed HTTP request: ${message}`);
          expect(answer?.headers.connection).toBe("close");
          expect(answer?.headers["x-request-id"]).toBe(id);
        }
      },
    );

    it("serves an HTTP/1.0 request without Host, and an empty Host, on both paths", async () => {
      for (const via of BOTH) {
        expect(
          (await once(post(via, { body: submission(), headers: { Host: undefined }, version: "1.0" })))
            ?.status,
        ).toBe(201);
        expect((await once(post(via, { body: submission(), headers: { Host: "" } })))?.status).toBe(201);
      }
    });

    it.each(["LOCALHOST:3000", "Example.COM", "[::1]:8080", "example.com."])(
      "serves Host: %s on both paths (regression: the app path refused an upper-case host with a port with an empty 400)",
      async (host) => {
        for (const via of BOTH) {
          const answer = await once(post(via, { body: submission(), headers: { Host: host } }));
          expect(answer?.status, `${via} ${host}`).toBe(201);
        }
      },
    );

    it("refuses OPTIONS * and a bad absolute URL in the envelope (regression: an empty text/plain 400)", async () => {
      const star = await once(request("OPTIONS", "*"));
      expect(expectEnvelope(star, 400, "VALIDATION_ERROR").message).toMatch(/^Malformed HTTP request: /);
      const absolute = await once(request("GET", "http://[::1/health"));
      expectEnvelope(absolute, 400, "VALIDATION_ERROR");
      // A good absolute URL is served like its path.
      expect((await once(request("GET", "http://localhost/health")))?.status).toBe(200);
    });

    it("serves a request with an Expect it does not know on both paths (regression: Node's bare 417)", async () => {
      const [listener, app] = await Promise.all(
        BOTH.map((via) => once(post(via, { body: submission(), headers: { Expect: "something-else" } }))),
      );
      expect(listener?.status).toBe(201);
      expect(comparable(listener)).toEqual(comparable(app));
      const health = await once(request("GET", "/health", { headers: { Expect: "nonsense" } }));
      expect(health?.status).toBe(200);
    });

    it("sends 100 Continue before reading a body the client holds back", async () => {
      for (const via of BOTH) {
        const body = submission();
        const { answers } = await exchange(
          port,
          [
            post(via, { headers: { Expect: "100-continue", "Content-Length": Buffer.byteLength(body) } }),
            200,
            body,
          ],
          { answers: 1 },
        );
        expect(answers.map((a) => a.status)).toEqual([100, 201]);
      }
    });

    it.each([
      ["POST", "/v1/intents/", 404],
      ["GET", "/v1/intents/", 404],
      ["POST", "//v1/intents", 404],
      ["POST", "/v1//intents", 404],
      ["POST", "/v1/INTENTS", 404],
      ["POST", "/v1/intents%2F", 404],
      ["GET", "/nope", 404],
      ["PATCH", "/v1/intents", 405],
      ["DELETE", "/v1/intents", 405],
      ["OPTIONS", "/v1/intents", 405],
      ["OPTIONS", "/v1/agents", 405],
      ["OPTIONS", "/health", 405],
      ["TRACE", "/v1/intents", 405],
      ["POST", "/health", 405],
    ])("%s %s answers %i in the envelope with the rate-limit headers", async (method, path, status) => {
      const answer = await once(
        request(method, path, {
          headers: { "x-api-key": agentKey, "Content-Type": "application/json" },
          body: method === "GET" || method === "TRACE" ? undefined : submission(),
        }),
      );
      expectEnvelope(answer, status, status === 404 ? "NOT_FOUND" : "METHOD_NOT_ALLOWED");
      expect(answer?.headers["ratelimit-policy"]).toBe('"default";q=1000;w=60');
      expect(answer?.headers.ratelimit).toMatch(/^"default";r=\d+;t=\d+$/);
      expect(answer?.headers["x-request-id"]).toMatch(/^req_/);
      if (status === 405) expect(answer?.headers.allow).toMatch(/GET, HEAD/);
    });

    it("serves a percent-encoded path like its plain form", async () => {
      const submitted = await once(
        request("POST", "/v1/%69ntents", {
          headers: { "x-api-key": agentKey, "Content-Type": "application/json" },
          body: submission(),
        }),
      );
      expect(submitted?.status).toBe(201);
      const listed = await once(request("GET", "/v1/%61gents", { headers: { "x-api-key": agentKey } }));
      expect(listed?.status).toBe(200);
    });

    it.each([
      ["/health", 200],
      ["/metrics", 200],
      ["/v1/intents", 200],
      ["/v1/agents", 200],
      ["/v1/intents/int_01HN4X7KQZ8Y1A2B3C4D5E6F7G", 404],
      ["/nope", 404],
    ])("HEAD %s answers %i without a body, with the headers of GET", async (path, status) => {
      const { answers } = await exchange(
        port,
        [
          request("HEAD", path, { headers: { "x-api-key": agentKey, "x-request-id": "head-check" } }),
          request("GET", "/health"),
        ],
        { answers: 2, head: true },
      );
      expect(answers[0]?.status).toBe(status);
      expect(answers[0]?.body).toBe("");
      expect(answers[0]?.headers["x-request-id"]).toBe("head-check");
      expect(answers[0]?.headers["ratelimit-policy"]).toBe('"default";q=1000;w=60');
      // The connection carries on: the HEAD answer had no body to misread.
      expect(answers[1]?.status).toBe(200);
    });
  });

  describe("x-request-id", () => {
    it.each([
      ["a well-formed id", "ok-id_1.2:3@x", true],
      ["128 characters", "a".repeat(128), true],
      ["129 characters", "a".repeat(129), false],
      ["a space inside", "bad id", false],
      ["a tab inside", "x\ty", false],
      ["a comma", "a,b", false],
      ["UTF-8 bytes", Buffer.from("caf\u00e9", "utf8").toString("latin1"), false],
      ["an empty value", "", false],
    ])("%s is echoed only when well formed, on both paths", async (_name, id, echoed) => {
      for (const via of BOTH) {
        // One id per path, of the same shape, so each log line is found alone.
        const sent = echoed ? `${via[0]}${id.slice(1)}` : id;
        const answer = await once(post(via, { body: submission(), headers: { "x-request-id": sent } }));
        expect(answer?.status).toBe(201);
        const header = answer?.headers["x-request-id"];
        if (echoed) expect(header).toBe(sent);
        else expect(header).toMatch(/^req_[0-9A-Z]{26}$/);
        expect((await oneLogLine(header!)).requestId).toBe(header);
      }
    });

    it("refuses a control character in a header in the envelope", async () => {
      for (const via of BOTH) {
        const answer = await once(post(via, { body: submission(), headers: { "x-request-id": "x\u0001y" } }));
        expectEnvelope(answer, 400, "VALIDATION_ERROR");
        expect(answer?.headers.connection).toBe("close");
      }
    });

    it("takes header values up to the 16 KiB section and refuses past it with 431 in the envelope", async () => {
      for (const via of BOTH) {
        const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x-h${i}`, "v"]));
        expect(
          (await once(post(via, { body: submission(), headers: { "x-long": "a".repeat(15_000) } })))?.status,
        ).toBe(201);
        expect((await once(post(via, { body: submission(), headers: many })))?.status).toBe(201);
        const answer = await once(
          post(via, { body: submission(), headers: { "x-long": "a".repeat(17_000) } }),
        );
        expectEnvelope(answer, 431, "VALIDATION_ERROR");
      }
    });
  });

  describe("rate limit", () => {
    it("spends exactly one per request on both paths, on 4xx too, refuses with 429 and Retry-After, and never counts GET /health or /metrics", async () => {
      const key = await createKey({ name: "five", scopes: ["agent"], rateLimitPerMinute: 5 });
      const headers = { "x-api-key": key, "Content-Type": "application/json" };
      const steps: [Buffer, number][] = [
        [request("POST", PATHS.listener, { headers, body: submission() }), 201],
        [request("POST", PATHS.app, { headers, body: submission() }), 201],
        [request("GET", "/health", { headers }), 200],
        [request("GET", "/metrics", { headers }), 200],
        [request("POST", PATHS.listener, { headers, body: "{oops" }), 400],
        [request("GET", "/nope", { headers }), 404],
        [request("PATCH", PATHS.listener, { headers, body: "{}" }), 405],
        [request("POST", PATHS.listener, { headers, body: submission() }), 429],
        [request("POST", PATHS.app, { headers, body: submission() }), 429],
        [request("GET", "/v1/intents", { headers }), 429],
        [request("GET", "/nope", { headers }), 429],
        [request("POST", "/health", { headers }), 429],
        [request("GET", "/health", { headers }), 200],
        [request("HEAD", "/metrics", { headers }), 200],
      ];
      const remaining: number[] = [];
      for (const [bytes, status] of steps) {
        const before = Date.now();
        const head = bytes.toString("latin1").startsWith("HEAD");
        const answer = (await exchange(port, [bytes], { head })).answers[0];
        const after = Date.now();
        expect(answer?.status).toBe(status);
        expect(answer?.headers["ratelimit-policy"]).toBe('"default";q=5;w=60');
        const [, r, t] = /^"default";r=(\d+);t=(\d+)$/.exec(answer?.headers.ratelimit ?? "") ?? [];
        remaining.push(Number(r));
        // t: whole seconds to the next UTC minute, when the window resets.
        const toMinute = (ms: number) => Math.ceil((60_000 - (ms % 60_000)) / 1000);
        const bounds = [toMinute(before), toMinute(after)];
        if (bounds[1]! <= bounds[0]!) {
          expect(Number(t)).toBeGreaterThanOrEqual(bounds[1]!);
          expect(Number(t)).toBeLessThanOrEqual(bounds[0]!);
        }
        if (status === 429) {
          expectEnvelope(answer, 429, "RATE_LIMITED");
          expect(answer?.headers["retry-after"]).toBe(t);
        } else expect(answer?.headers["retry-after"]).toBeUndefined();
      }
      // A minute boundary inside this test would refill the budget; then only the shape is checked.
      if (remaining[0] === 4) expect(remaining).toEqual([4, 3, 3, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    });

    it("lets exactly the limit through when requests race, across both paths", async () => {
      const key = await createKey({ name: "ten", scopes: ["agent"], rateLimitPerMinute: 10 });
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          once(
            post(i % 2 ? "listener" : "app", { key, body: submission(), headers: { Connection: "close" } }),
          ),
        ),
      );
      const passed = answers.filter((a) => a?.status !== 429);
      // A window that rolled over during the burst lets up to twice the limit through.
      expect(passed.length === 10 || (passed.length > 10 && passed.length <= 20)).toBe(true);
      if (passed.length === 10) {
        expect(passed.map((a) => a?.status)).toEqual(Array(10).fill(201));
        const left = passed
          .map((a) => Number(/r=(\d+)/.exec(a?.headers.ratelimit ?? "")?.[1]))
          .sort((x, y) => x - y);
        expect(left).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
      for (const refused of answers.filter((a) => a?.status === 429))
        expectEnvelope(refused, 429, "RATE_LIMITED");
    });

    it("counts requests without a valid key, on both paths, against the client address", async () => {
      const answers = [];
      for (const via of BOTH) answers.push(await once(post(via, { key: null, body: submission() })));
      answers.push(await once(post("listener", { key: generateApiKey("acme"), body: submission() })));
      const left = answers.map((a) => Number(/r=(\d+)/.exec(a?.headers.ratelimit ?? "")?.[1]));
      for (const answer of answers) expectEnvelope(answer, 401, "UNAUTHORIZED");
      if (left[0]! >= 2) expect(left).toEqual([left[0], left[0]! - 1, left[0]! - 2]);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("the fixed window on a server with a controlled clock", () => {
  let running: RunningServer;
  const admin = generateApiKey("acme");
  const clock = createTestClock(Date.parse("2026-03-02T10:00:58.500Z"));

  beforeAll(async () => {
    running = await startServer(
      loadConfig({ PORT: "0", DATABASE_URL: "file::memory:", INTENDEDOPS_BOOTSTRAP_KEY: admin }),
      { clock, logger: pino({ level: "silent" }), print: () => {} },
    );
  });
  afterAll(async () => {
    await running?.stop();
  });

  it("resets at the start of each UTC minute on both paths, with t and Retry-After counting down to it", async () => {
    const headers = { "x-api-key": admin, "content-type": "application/json" };
    expect(
      (
        await fetch(`${running.url}/v1/agents`, {
          method: "POST",
          headers,
          body: JSON.stringify(BILLING_AGENT),
        })
      ).status,
    ).toBe(201);
    const created = await fetch(`${running.url}/v1/api-keys`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "two", scopes: ["agent"], rateLimitPerMinute: 2 }),
    });
    const key = (await created.json()).data.key as string;
    const submit = async (via: Via) => {
      const response = await fetch(`${running.url}${PATHS[via]}`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({
          type: "billing.send_invoice",
          agentId: "billing-agent",
          params: { customerId: "c", amount: 1 },
        }),
      });
      await response.arrayBuffer();
      return [response.status, response.headers.get("ratelimit"), response.headers.get("retry-after")];
    };
    // 10:00:58.500: 1.5 s to the minute, so t = 2.
    expect(await submit("listener")).toEqual([201, '"default";r=1;t=2', null]);
    expect(await submit("app")).toEqual([201, '"default";r=0;t=2', null]);
    expect(await submit("listener")).toEqual([429, '"default";r=0;t=2', "2"]);
    clock.set(Date.parse("2026-03-02T10:00:59.999Z"));
    expect(await submit("app")).toEqual([429, '"default";r=0;t=1', "1"]);
    expect(await submit("listener")).toEqual([429, '"default";r=0;t=1', "1"]);
    clock.set(Date.parse("2026-03-02T10:01:00.000Z"));
    expect(await submit("app")).toEqual([201, '"default";r=1;t=60', null]);
    expect(await submit("listener")).toEqual([201, '"default";r=0;t=60', null]);
    expect(await submit("app")).toEqual([429, '"default";r=0;t=60', "60"]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("an unexpected failure on PostgreSQL, on both paths", () => {
  const schema = `http_semantics_${randomBytes(4).toString("hex")}`;
  const db = new pg.Client({ connectionString: PG_URL });
  let server: ServerProcess;
  const admin = generateApiKey("acme");

  beforeAll(async () => {
    await db.connect();
    await db.query(`create schema ${schema}`);
    const url = new URL(PG_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    server = await spawnServer({ env: { DATABASE_URL: url.toString(), INTENDEDOPS_BOOTSTRAP_KEY: admin } });
  });
  afterAll(async () => {
    await server?.stop();
    await db.query(`drop schema if exists ${schema} cascade`);
    await db.end();
  });

  it("answers 500 INTERNAL_ERROR with the request id and no stack, and logs one failed request line and the error", async () => {
    const headers = { "x-api-key": admin, "content-type": "application/json" };
    const agent = await fetch(`${server.url}/v1/agents`, {
      method: "POST",
      headers,
      body: JSON.stringify(BILLING_AGENT),
    });
    expect(agent.status).toBe(201);
    // The store's insert now names a column the table no longer has: a fault, not the client's doing.
    await db.query(`alter table ${schema}.intents rename column params to params_renamed`);
    try {
      for (const via of BOTH) {
        const id = `hs-500-${via}`;
        const answer = await once(
          server.port,
          request("POST", PATHS[via], {
            headers: { ...headers, "x-request-id": id },
            body: JSON.stringify({
              type: "billing.send_invoice",
              agentId: "billing-agent",
              params: { customerId: "c", amount: 1 },
            }),
          }),
        );
        expect(json(answer)).toEqual({
          error: { code: "INTERNAL_ERROR", message: "Internal server error", details: { requestId: id } },
        });
        expect(answer?.status).toBe(500);
        expect(answer?.headers["x-request-id"]).toBe(id);
        expect(answer?.body).not.toMatch(/params|stack|\bat /);
        await new Promise((r) => setTimeout(r, 200));
        const lines = server
          .stdout()
          .split("\n")
          .filter((line) => line.includes(`"${id}"`))
          .map((line) => JSON.parse(line));
        expect(lines.filter((l) => l.msg === "request failed")).toEqual([
          expect.objectContaining({ level: 50, status: 500, requestId: id, path: "/v1/intents" }),
        ]);
        expect(lines.filter((l) => l.msg === "unhandled error")).toEqual([
          expect.objectContaining({
            requestId: id,
            err: expect.objectContaining({ stack: expect.any(String) }),
          }),
        ]);
      }
    } finally {
      await db.query(`alter table ${schema}.intents rename column params_renamed to params`);
    }
  });

  async function once(port: number, bytes: Buffer) {
    return (await exchange(port, [bytes])).answers.find((a) => a.status >= 200);
  }
});
