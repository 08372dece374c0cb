import { Writable } from "node:stream";
import { createStore } from "@intendedops/storage";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { operatorActor } from "../../src/admin-audit";
import { issueApiKey } from "../../src/api-key-service";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { createServices } from "../../src/services";

describe("request logging", () => {
  it("writes one JSON line per request with method, path, status, duration, request id, tenant and key", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const store = await createStore({ url: "file::memory:" });
    try {
      const services = await createServices(loadConfig({}), { store, logger: pino({ level: "info" }, sink) });
      const app = createApp(services);
      const { key, record } = await issueApiKey(
        store,
        { tenantId: "acme", name: "k", scopes: ["admin"] },
        Date.now(),
        operatorActor("acme", "cli"),
      );
      await app.request("/v1/stats", { headers: { "x-api-key": key, "x-request-id": "log-1" } });
      await app.request("/v1/stats", { headers: { "x-request-id": "log-2" } });
      const requests = lines.filter((l) => l.msg === "request");
      expect(requests).toHaveLength(2);
      expect(requests[0]).toMatchObject({
        level: 30,
        requestId: "log-1",
        method: "GET",
        path: "/v1/stats",
        status: 200,
        tenantId: "acme",
        keyId: record.id,
      });
      expect(requests[0]?.durationMs).toEqual(expect.any(Number));
      expect(requests[1]).toMatchObject({ requestId: "log-2", status: 401 });
      expect(JSON.stringify(lines)).not.toContain(key);
    } finally {
      await store.close();
    }
  });
});
