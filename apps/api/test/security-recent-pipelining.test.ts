import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { createHttpServer, type HttpServer, listen } from "../src/http-server";
import { type ServerProcess, spawnServer } from "./support/server-process";
import { BILLING_AGENT } from "./support/test-app";

/**
 * A request Node's parser refuses part-way through its body (a broken chunk) must not have its
 * refusal written in place of the answers to complete requests pipelined before it on the same
 * connection: the client reads answers in order, so it took the 400 for the earlier request's
 * answer although that request was served (a submission recorded, then retried twice).
 */

/** Write `parts` (a pause in ms between them) on one connection; everything read until it closes. */
async function converse(port: number, parts: (string | number)[], timeoutMs = 5_000): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  const closed = new Promise<void>((resolve) => {
    socket.on("close", () => resolve());
  });
  for (const part of parts) {
    if (typeof part === "number") await new Promise((r) => setTimeout(r, part));
    else socket.write(part);
  }
  await Promise.race([closed, new Promise((r) => setTimeout(r, timeoutMs))]);
  socket.destroy();
  return received;
}

/** The status codes of the answers in `text`, in order. */
const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

const BROKEN_CHUNKED = "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n";

describe("a broken body pipelined after complete requests (node server)", () => {
  let http: HttpServer;
  let port: number;

  beforeAll(async () => {
    // Answers each request 150 ms after its body ended, writing the head first and the body 100 ms later.
    http = createHttpServer((req, res) => {
      req.resume();
      req.on("end", () =>
        setTimeout(() => {
          res.writeHead(201, {
            "content-type": "text/plain",
            "content-length": String(`ok ${req.url}`.length),
          });
          setTimeout(() => res.end(`ok ${req.url}`), 100);
        }, 50),
      );
    });
    await listen(http.server, { host: "127.0.0.1", port: 0 });
    http.open();
    port = (http.server.address() as { port: number }).port;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        http.server.closeAllConnections();
        http.server.close(() => resolve());
      }),
  );

  it("answers the complete request first, then refuses the broken one", async () => {
    const text = await converse(port, [
      `POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}${BROKEN_CHUNKED}`,
    ]);
    expect(statuses(text)).toEqual([201, 400]);
    expect(text).toContain("ok /a");
    expect(text).toContain('"code":"VALIDATION_ERROR"');
  });

  it("lets the answer in progress finish when the broken chunk arrives while it is written", async () => {
    const text = await converse(port, [
      `POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`,
      // After the head of /a's answer went out (50 ms), before its body (another 100 ms).
      90,
      BROKEN_CHUNKED,
    ]);
    expect(statuses(text)).toEqual([201, 400]);
    expect(text).toContain("ok /a");
  });
});

describe("a broken body pipelined after a submission (server process, SQLite)", () => {
  let server: ServerProcess;
  let dir: string;
  const admin = generateApiKey("acme");

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "intendedops-pipeline-"));
    server = await spawnServer({
      env: { DATABASE_URL: `file:${join(dir, "api.db")}`, INTENDEDOPS_BOOTSTRAP_KEY: admin },
    });
    const agent = await fetch(`${server.url}/v1/agents`, {
      method: "POST",
      headers: { "x-api-key": admin, "content-type": "application/json" },
      body: JSON.stringify(BILLING_AGENT),
    });
    expect(agent.status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(["/v1/intents", "/v1/intents?via=app"])(
    "sends the recorded submission's 201 before the refusal (%s)",
    async (path) => {
      const requestId = `pipe-${randomBytes(6).toString("hex")}`;
      const body = JSON.stringify({
        type: "billing.send_invoice",
        agentId: "billing-agent",
        params: { customerId: "cust_pipe", amount: 10 },
        idempotencyKey: requestId,
      });
      const submission =
        `POST ${path} HTTP/1.1\r\nHost: x\r\nx-api-key: ${admin}\r\nContent-Type: application/json\r\n` +
        `x-request-id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      const broken =
        `POST /v1/intents HTTP/1.1\r\nHost: x\r\nx-api-key: ${admin}\r\nContent-Type: application/json\r\n` +
        "Transfer-Encoding: chunked\r\n\r\nZZZ\r\n";
      const text = await converse(server.port, [submission + broken]);
      const answers = statuses(text);
      // The first answer is the submission's own: its id and the recorded intent.
      expect(answers[0]).toBe(201);
      expect(text.split("\r\n\r\n")[0]).toContain(`x-request-id: ${requestId}`);
      expect(answers.at(-1)).toBe(400);
      expect(text).toContain('"code":"VALIDATION_ERROR"');
    },
  );
});
