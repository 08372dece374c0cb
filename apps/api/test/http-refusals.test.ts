import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { createApp } from "../src/app";
import { bootstrapKeys } from "../src/bootstrap";
import { loadConfig } from "../src/config";
import type { Services } from "../src/context";
import { type HttpServer, listen } from "../src/http-server";
import { createApiServer } from "../src/server";
import { createServices } from "../src/services";
import { BILLING_AGENT } from "./support/test-app";

/**
 * How the server refuses HTTP it cannot serve, over real sockets: every refusal made before a
 * route sees the request (by Node's parser, by the check in front of both listeners, CONNECT)
 * writes exactly one `request refused` line, and a request with more than one Host is refused
 * (RFC 9112 §3.2) the same way on the submission listener (`POST /v1/intents`) and the Hono app.
 */

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The answers in `text`; each refusal and answer here carries Content-Length. */
function parseAnswers(text: string): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  for (;;) {
    const end = text.indexOf("\r\n\r\n", at);
    if (end === -1) return answers;
    const [statusLine = "", ...lines] = text.slice(at, end).split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers["content-length"] ?? 0);
    if (text.length < end + 4 + length) return answers;
    answers.push({
      status: Number(statusLine.split(" ")[1]),
      headers,
      body: text.slice(end + 4, end + 4 + length),
    });
    at = end + 4 + length;
  }
}

/**
 * Write `parts` (a number is a pause in ms) on one connection; the answers read until it closes,
 * or until `answers` arrived, or `timeoutMs` passed.
 */
async function converse(
  port: number,
  parts: (string | number)[],
  options: { answers?: number; timeoutMs?: number } = {},
): Promise<{ answers: Answer[]; closed: boolean }> {
  const socket = connect(port, "127.0.0.1");
  // The server may close while we are still writing: what it answered is the result.
  socket.on("error", () => undefined);
  let text = "";
  let closed = false;
  const done = new Promise<void>((resolve) => {
    setTimeout(resolve, options.timeoutMs ?? 5_000);
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (options.answers !== undefined && parseAnswers(text).length >= options.answers) resolve();
    });
    socket.on("close", () => {
      closed = true;
      resolve();
    });
  });
  for (const part of parts) {
    if (typeof part === "number") await new Promise((r) => setTimeout(r, part));
    else if (!socket.destroyed) socket.write(part, "latin1");
  }
  await done;
  socket.destroy();
  return { answers: parseAnswers(text), closed };
}

/** The error envelope with `code`, closing the connection; its message. */
function expectRefusal(answer: Answer | undefined, status: number, code = "VALIDATION_ERROR"): string {
  expect(answer?.status).toBe(status);
  expect(answer?.headers["content-type"]).toBe("application/json");
  expect(answer?.headers.connection).toBe("close");
  const parsed = JSON.parse(answer!.body);
  expect(Object.keys(parsed)).toEqual(["error"]);
  expect(parsed.error.code).toBe(code);
  return parsed.error.message;
}

describe("protocol refusals of the server", () => {
  const admin = generateApiKey("acme");
  const lines: Record<string, unknown>[] = [];
  let services: Services;
  let http: HttpServer;
  let port: number;
  let serial = 0;
  const rid = (label: string) => `hr-${label}-${++serial}`;

  /** The lines logged since `mark` (a length of `lines`) with message `msg`. */
  const since = (mark: number, msg: string) => lines.slice(mark).filter((line) => line.msg === msg);

  const submission = () =>
    JSON.stringify({
      type: "billing.send_invoice",
      agentId: "billing-agent",
      params: { customerId: "cust_1", amount: 10 },
      idempotencyKey: `hr-${randomBytes(8).toString("hex")}`,
    });

  /** How many intents the tenant has: a refused submission must not add one. */
  const intentsRecorded = async () => {
    const listed = await fetch(`http://127.0.0.1:${port}/v1/intents?pageSize=1`, {
      headers: { "x-api-key": admin },
    });
    return (await listed.json()).data.total as number;
  };

  beforeAll(async () => {
    const config = loadConfig({ PORT: "0", DATABASE_URL: "file::memory:", INTENDEDOPS_BOOTSTRAP_KEY: admin });
    // Only the fields of the lines themselves: a line with anything else in it fails toEqual.
    const logger = pino(
      { level: "info", base: undefined, timestamp: false },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    services = await createServices(config, { logger });
    await bootstrapKeys(services.store, config.bootstrapKeys, services.clock());
    http = createApiServer(createApp(services), config, services);
    // Stalled requests are refused after 300 ms instead of Node's 60 s. Node checks them every
    // `connectionsCheckingInterval` (a constructor option, read again when the server listens).
    http.server.headersTimeout = 300;
    http.server.requestTimeout = 2_000;
    (http.server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = 100;
    await listen(http.server, config);
    http.open();
    port = (http.server.address() as { port: number }).port;
    const agent = await fetch(`http://127.0.0.1:${port}/v1/agents`, {
      method: "POST",
      headers: { "x-api-key": admin, "content-type": "application/json" },
      body: JSON.stringify(BILLING_AGENT),
    });
    expect(agent.status).toBe(201);
  });

  afterAll(async () => {
    http?.server.closeAllConnections();
    await new Promise((resolve) => http?.server.close(resolve));
    await services?.store.close();
  });

  describe("the refusal's log line", () => {
    it.each([
      {
        name: "a header section over 16 KiB (431)",
        bytes: () => `GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(20_000)}\r\n\r\n`,
        status: 431,
        // Read from the refused bytes: only when the chunk Node refused starts with the request line.
        line: { method: "GET", path: "/health" },
        lineIfWhole: true,
      },
      {
        name: "an invalid Content-Length (Node's parser)",
        bytes: () => "POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        status: 400,
        line: { method: "POST", path: "/v1/agents" },
      },
      {
        name: "a header line without a colon, the query kept out of the line (Node's parser)",
        bytes: () => "GET /health?token=s3cret HTTP/1.1\r\nHost: x\r\nbad header s3cret\r\n\r\n",
        status: 400,
        line: { method: "GET", path: "/health" },
      },
      {
        name: "bytes that are not HTTP (Node's parser)",
        bytes: () => "NOT HTTP AT ALL\r\n\r\n",
        status: 400,
      },
      {
        name: "a Host that is not a host (malformedRequest)",
        bytes: (id: string) => `GET /v1/agents?x=1 HTTP/1.1\r\nHost: a b\r\nx-request-id: ${id}\r\n\r\n`,
        status: 400,
        line: { method: "GET", path: "/v1/agents" },
        echoesId: true,
      },
      {
        name: "HTTP/1.1 without Host (malformedRequest)",
        bytes: (id: string) =>
          `POST /v1/intents HTTP/1.1\r\nx-request-id: ${id}\r\nContent-Length: 0\r\n\r\n`,
        status: 400,
        line: { method: "POST", path: "/v1/intents" },
        echoesId: true,
      },
      {
        name: "two Host headers",
        bytes: (id: string) =>
          `POST /v1/intents HTTP/1.1\r\nHost: a\r\nHost: b\r\nx-request-id: ${id}\r\n\r\n`,
        status: 400,
        line: { method: "POST", path: "/v1/intents" },
        echoesId: true,
      },
      {
        name: "CONNECT (Node dropped the connection without an answer)",
        bytes: (id: string) =>
          `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nx-request-id: ${id}\r\n\r\n`,
        status: 400,
        line: { method: "CONNECT", path: "example.com:443" },
        echoesId: true,
      },
    ])("is written once for $name, with the fields of a request line and the reason", async (refusal) => {
      const id = rid("line");
      const mark = lines.length;
      const { answers, closed } = await converse(port, [refusal.bytes(id)]);
      expect(closed).toBe(true);
      expect(answers).toHaveLength(1);
      const reason = expectRefusal(answers[0], refusal.status);
      const requestId = answers[0]?.headers["x-request-id"];
      // A refusal before the headers were read has a fresh id, in the answer as in the log line.
      expect(requestId).toEqual(refusal.echoesId ? id : expect.stringMatching(/^req_[0-9A-Z]{26}$/));
      const refused = since(mark, "request refused");
      expect(refused).toHaveLength(1);
      expect(refused[0]).toEqual({
        level: 40,
        msg: "request refused",
        requestId,
        ...(refusal.lineIfWhole && refused[0]?.method === undefined ? {} : refusal.line),
        status: refusal.status,
        durationMs: expect.any(Number),
        reason,
        remoteAddress: "127.0.0.1",
      });
      // Refused before any route: no request line besides it.
      expect(since(mark, "request")).toEqual([]);
    });

    it("is written once for a request that stalls before its headers end (408)", async () => {
      const mark = lines.length;
      const { answers, closed } = await converse(port, ["GET /health HTTP/1.1\r\nHost: x\r\n"], {
        timeoutMs: 3_000,
      });
      expect(closed).toBe(true);
      const reason = expectRefusal(answers[0], 408);
      expect(since(mark, "request refused")).toEqual([
        {
          level: 40,
          msg: "request refused",
          requestId: answers[0]?.headers["x-request-id"],
          status: 408,
          durationMs: expect.any(Number),
          reason,
          remoteAddress: "127.0.0.1",
        },
      ]);
    });

    it("is written after the lines of requests served before it on the connection, and a broken body is its request's line only", async () => {
      const served = rid("served");
      let mark = lines.length;
      const pipelined = await converse(port, [
        `GET /health HTTP/1.1\r\nHost: x\r\nx-request-id: ${served}\r\n\r\nNOT HTTP AT ALL\r\n\r\n`,
      ]);
      expect(pipelined.answers.map((a) => a.status)).toEqual([200, 400]);
      expect(since(mark, "request").map((line) => [line.requestId, line.status])).toEqual([[served, 200]]);
      expect(since(mark, "request refused").map((line) => [line.status, line.method])).toEqual([
        [400, undefined],
      ]);

      // Node's parser refuses a chunk inside the body the app is reading: the app's line tells it.
      const broken = rid("broken");
      mark = lines.length;
      await converse(port, [
        `POST /v1/agents HTTP/1.1\r\nHost: x\r\nx-api-key: ${admin}\r\nx-request-id: ${broken}\r\n` +
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\nZZZ\r\n',
      ]);
      await new Promise((r) => setTimeout(r, 100));
      expect(lines.slice(mark).map((line) => [line.msg, line.requestId, line.status])).toEqual([
        ["request", broken, 400],
      ]);
    });

    it("is written once per connection however many refused requests or garbage it carries (regression: no log flooding)", async () => {
      const duplicate = "GET /v1/agents HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n";
      let mark = lines.length;
      const pipelined = await converse(port, [duplicate.repeat(200)]);
      expect(pipelined.answers).toHaveLength(1);
      expect(pipelined.closed).toBe(true);
      expect(lines.slice(mark).map((line) => line.msg)).toEqual(["request refused"]);

      mark = lines.length;
      const garbage = await converse(
        port,
        Array.from({ length: 20 }, (_, i) => (i % 2 ? 5 : "\x01garbage\r\n\r\n")),
      );
      expect(garbage.answers).toHaveLength(1);
      expect(garbage.closed).toBe(true);
      expect(lines.slice(mark).map((line) => line.msg)).toEqual(["request refused"]);
    });
  });

  describe("more than one Host header (RFC 9112 §3.2)", () => {
    const headers = (id: string) => `x-api-key: ${admin}\r\nx-request-id: ${id}\r\n`;
    const targets = {
      "POST /v1/intents (the submission listener)": (hosts: string, id: string, version = "1.1") => {
        const body = submission();
        return (
          `POST /v1/intents HTTP/${version}\r\n${hosts}${headers(id)}Content-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
        );
      },
      "GET /v1/agents (the Hono app)": (hosts: string, id: string, version = "1.1") =>
        `GET /v1/agents HTTP/${version}\r\n${hosts}${headers(id)}\r\n`,
    };

    it.each([
      ["Host: a, Host: b", "Host: a\r\nHost: b\r\n", "1.1"],
      ["the same Host twice", "Host: localhost\r\nHost: localhost\r\n", "1.1"],
      ["Host and host", "Host: localhost\r\nhost: evil.example\r\n", "1.1"],
      ["HOST apart from host", "HOST: localhost\r\nx-other: 1\r\nhost: localhost\r\n", "1.1"],
      ["an empty Host and another", "Host:\r\nHost: localhost\r\n", "1.1"],
      ["two Hosts on HTTP/1.0", "Host: a\r\nHost: b\r\n", "1.0"],
    ])(
      "refuses %s with 400 in the envelope on both paths alike, and serves the same request with one Host (regression: served)",
      async (_name, hosts, version) => {
        const refused: Answer[] = [];
        for (const [target, make] of Object.entries(targets)) {
          const single = await converse(port, [make("Host: localhost\r\n", rid("one"), version)], {
            answers: 1,
          });
          expect(single.answers[0]?.status, target).toBe(target.startsWith("POST") ? 201 : 200);

          const recorded = await intentsRecorded();
          const id = rid("dup");
          const { answers, closed } = await converse(port, [make(hosts, id, version)]);
          expect(closed, target).toBe(true);
          expect(answers, target).toHaveLength(1);
          expect(expectRefusal(answers[0], 400)).toBe("Malformed HTTP request: more than one Host header");
          expect(answers[0]?.headers["x-request-id"]).toBe(id);
          expect(await intentsRecorded()).toBe(recorded);
          refused.push(answers[0]!);
        }
        const [listener, app] = refused.map(({ status, headers, body }) => ({
          status,
          contentType: headers["content-type"],
          connection: headers.connection,
          body,
        }));
        expect(listener).toEqual(app);
      },
    );
  });

  describe("a request pipelined behind a refused one", () => {
    it("is not served, since the connection closes before its answer (regression: recorded, never answered)", async () => {
      const recorded = await intentsRecorded();
      const body = submission();
      const behind =
        `POST /v1/intents HTTP/1.1\r\nHost: localhost\r\nx-api-key: ${admin}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      const mark = lines.length;
      const { answers } = await converse(port, [`GET /v1/agents HTTP/1.1\r\nHost: a b\r\n\r\n${behind}`]);
      expect(answers.map((a) => a.status)).toEqual([400]);
      expect(lines.slice(mark).map((line) => line.msg)).toEqual(["request refused"]);
      expect(await intentsRecorded()).toBe(recorded);
    });
  });
});
