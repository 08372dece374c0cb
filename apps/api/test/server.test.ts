import { createStore } from "@intendedops/storage";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { loadConfig } from "../src/config";
import { startServer } from "../src/server";
import { BILLING_AGENT, createTestClock, SEND_INVOICE } from "./support/test-app";

describe("startServer", () => {
  it("expires overdue approvals in the background and closes the store when stopped", async () => {
    const clock = createTestClock();
    const store = await createStore({ url: "file::memory:", clock });
    const admin = generateApiKey("acme");
    const approverKey = generateApiKey("acme");
    const printed: string[] = [];
    const server = await startServer(
      loadConfig({ PORT: "0", JOB_INTERVAL_MS: "100", INTENDEDOPS_BOOTSTRAP_KEY: `${admin},${approverKey}` }),
      { store, clock, logger: pino({ level: "silent" }), print: (line) => printed.push(line) },
    );
    try {
      expect(printed).toEqual([]);
      const call = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { "x-api-key": admin, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return (await response.json()).data;
      };
      await call("POST", "/v1/agents", BILLING_AGENT);
      const { intentId } = await call("POST", "/v1/intents", SEND_INVOICE);
      const intent = await call("GET", `/v1/intents/${intentId}`);
      clock.set(Date.parse(intent.approval.expiresAt) + 1);
      await vi.waitFor(
        async () => expect((await call("GET", `/v1/intents/${intentId}`)).status).toBe("expired"),
        {
          timeout: 5000,
          interval: 50,
        },
      );
      expect((await call("GET", `/v1/approvals/${intent.approval.id}`)).status).toBe("expired");
    } finally {
      await server.stop();
    }
    expect(await store.ping()).toBe(false);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});
