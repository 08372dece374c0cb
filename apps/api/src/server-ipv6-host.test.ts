import { connect } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT, SEND_INVOICE } from "../test/support/test-app";
import { generateApiKey } from "./api-key-format";
import { loadConfig } from "./config";
import { type RunningServer, startServer } from "./server";

/**
 * With HOST an IPv6 literal (config accepts one), a request without a Host value (HTTP/1.0 without
 * Host, or an empty Host, both allowed by malformedRequest) must be served like any other.
 * Regression: the submission listener answered 201, but every route of the Hono app (here
 * `/v1/intents?x=1`) a bare text/plain 400 with no envelope, no x-request-id and no log line:
 * @hono/node-server fell back to `hostname: config.host`, and `new URL("http://::1/…")` throws.
 */
function send(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "::1");
    let out = "";
    socket.on("data", (chunk) => {
      out += chunk.toString("latin1");
    });
    socket.on("end", () => resolve(out));
    socket.on("error", reject);
    socket.write(raw);
  });
}

describe("POST /v1/intents without a Host value on a server bound to an IPv6 address", () => {
  let server: RunningServer;
  const admin = generateApiKey("acme");
  const body = JSON.stringify({ ...SEND_INVOICE, idempotencyKey: undefined });

  beforeAll(async () => {
    server = await startServer(
      loadConfig({ PORT: "0", HOST: "::1", DATABASE_URL: "file::memory:", INTENDEDOPS_BOOTSTRAP_KEY: admin }),
      { logger: pino({ level: "silent" }), print: () => {} },
    );
    const agent = await server.app.request("/v1/agents", {
      method: "POST",
      headers: { "x-api-key": admin, "content-type": "application/json" },
      body: JSON.stringify(BILLING_AGENT),
    });
    expect(agent.status).toBe(201);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const request = (target: string, hostLine: string) =>
    `POST ${target} HTTP/1.0\r\n${hostLine}x-api-key: ${admin}\r\nx-request-id: rv-1\r\n` +
    `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it.each([
    ["HTTP/1.0 without Host", ""],
    ["an empty Host", "Host:\r\n"],
  ])("answers %s the same on the listener and the app path", async (_name, hostLine) => {
    const listener = await send(server.port, request("/v1/intents", hostLine));
    const app = await send(server.port, request("/v1/intents?x=1", hostLine));
    const status = (raw: string) => raw.split("\r\n")[0];
    expect(status(listener)).toBe("HTTP/1.1 201 Created");
    expect(status(app)).toBe(status(listener));
    expect(app).toMatch(/x-request-id: rv-1/i);
  });

  it("answers an HTTP/1.0 health check without Host (as some load balancers send it)", async () => {
    const raw = await send(server.port, "GET /health HTTP/1.0\r\n\r\n");
    expect(raw.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
    expect(raw).toMatch(/"status":"healthy"/);
  });
});
