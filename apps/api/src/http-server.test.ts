import { once } from "node:events";
import { Agent, request as httpRequest } from "node:http";
import { connect } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { BILLING_AGENT, SEND_INVOICE } from "../test/support/test-app";
import { generateApiKey } from "./api-key-format";
import { loadConfig } from "./config";
import { type RunningServer, startServer } from "./server";

const admin = generateApiKey("acme");
let server: RunningServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(): Promise<RunningServer> {
  server = await startServer(
    loadConfig({ PORT: "0", DATABASE_URL: "file::memory:", INTENDEDOPS_BOOTSTRAP_KEY: admin }),
    { logger: pino({ level: "silent" }), print: () => {} },
  );
  return server;
}

/** Raw bytes to the server, everything it answers until it closes the connection. */
async function exchange(url: string, request: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = "";
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
  });
  // The server may close while the request is still being written; what it answered is the result.
  socket.on("error", () => {});
  socket.write(request);
  await once(socket, "close");
  const [head = "", body = ""] = text.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(
    lines.map((line) => [
      line.slice(0, line.indexOf(":")).toLowerCase(),
      line.slice(line.indexOf(":") + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

describe("the server's HTTP protocol errors", () => {
  it.each([
    [
      "a header section over 16 KB",
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
      /headers are larger than \d+ bytes/,
    ],
    [
      "Content-Length: abc",
      "POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      400,
      /^Malformed HTTP request: /,
    ],
    [
      "Content-Length with Transfer-Encoding",
      "POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400,
      /^Malformed HTTP request: /,
    ],
    [
      "a duplicate Content-Length",
      "POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      400,
      /^Malformed HTTP request: /,
    ],
  ])(
    "answers in the error envelope when a request has %s (regression: bare status, empty body)",
    async (_name, request, status, message) => {
      const { url } = await start();
      const answer = await exchange(url, request);
      expect(answer.status).toBe(status);
      expect(answer.headers["content-type"]).toBe("application/json");
      expect(answer.headers.connection).toBe("close");
      expect(Number(answer.headers["content-length"])).toBe(Buffer.byteLength(answer.body));
      const { error } = JSON.parse(answer.body);
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toMatch(message);
    },
  );
});

describe("the server during shutdown", () => {
  it("answers Connection: close on both listeners once stop() has begun (regression: keep-alive during shutdown)", async () => {
    const { url, app } = await start();
    const headers = { "x-api-key": admin, "content-type": "application/json" };
    const registered = await app.request("/v1/agents", {
      method: "POST",
      headers,
      body: JSON.stringify(BILLING_AGENT),
    });
    expect(registered.status).toBe(201);
    const agent = new Agent({ keepAlive: true });
    const target = new URL(url);
    // Headers and half the body go out now, so the request is in flight when stop() begins.
    const inFlight = (path: string, body: string) => {
      const half = Math.floor(body.length / 2);
      const req = httpRequest({
        agent,
        host: target.hostname,
        port: target.port,
        method: "POST",
        path,
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
      });
      const response = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        });
        req.on("error", reject);
      });
      req.write(body.slice(0, half));
      return { finish: () => req.end(body.slice(half)), response };
    };
    const submission = inFlight("/v1/intents", JSON.stringify(SEND_INVOICE));
    const registration = inFlight("/v1/agents", JSON.stringify({ ...BILLING_AGENT, name: "Late Agent" }));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const stopping = server!.stop();
    submission.finish();
    registration.finish();
    expect(await submission.response).toEqual({ status: 201, connection: "close" });
    expect(await registration.response).toEqual({ status: 201, connection: "close" });
    expect((await stopping).clean).toBe(true);
    agent.destroy();
  });
});
