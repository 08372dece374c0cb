import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { isIntendedOpsError } from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { nodeHeader } from "../node-request";
import { readNodeJsonBody } from "./body";

/** Serve one request, send it `raw` bytes and then cut the connection; resolves with what the read did. */
async function readCutRequest(raw: string): Promise<unknown> {
  let settle: (outcome: unknown) => void = () => undefined;
  const outcome = new Promise<unknown>((resolve) => {
    settle = resolve;
  });
  const server = createServer((req: IncomingMessage) => {
    readNodeJsonBody(req, (name) => nodeHeader(req.headers, name), 1024 * 1024).then(
      (body) => settle({ body }),
      (error: unknown) => settle({ error }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  socket.write(raw);
  setTimeout(() => socket.destroy(), 50);
  try {
    return await outcome;
  } finally {
    server.close();
  }
}

describe("readNodeJsonBody", () => {
  it("refuses a body the client stopped sending with VALIDATION_ERROR, not a fault", async () => {
    const result = (await readCutRequest(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"nam\r\n',
    )) as { error?: unknown };
    expect(isIntendedOpsError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: "VALIDATION_ERROR", status: 400 });
  });

  it("refuses a body cut short of its Content-Length the same way", async () => {
    const result = (await readCutRequest(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{"name":',
    )) as { error?: unknown };
    expect(result.error).toMatchObject({ code: "VALIDATION_ERROR", status: 400 });
  });
});
