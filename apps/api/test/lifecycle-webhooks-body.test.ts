import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpSender } from "../src/webhooks/http-sender";

/** A receiver that answers 200 and then streams an endless body must not keep the sender reading. */
describe("webhook sender and an endless response body", () => {
  let server: Server;
  let url: string;
  let closedAfterMs: number | undefined;
  let bytesSent = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const started = Date.now();
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(64 * 1024, 97);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) bytesSent += chunk.length;
          if (!res.destroyed) res.once("drain", pump);
        };
        res.on("close", () => {
          closedAfterMs = Date.now() - started;
        });
        pump();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("succeeds on the status line and closes the connection instead of draining until the timeout", async () => {
    const send = createHttpSender({ allowPrivate: true });
    const response = await send({ url, body: "{}", headers: {}, timeoutMs: 5_000 });
    expect(response.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(closedAfterMs).toBeDefined();
    expect(closedAfterMs!).toBeLessThan(1_000);
    // A few socket buffers at most, not a second's worth of loopback bandwidth.
    expect(bytesSent).toBeLessThan(32 * 1024 * 1024);
  });
});
