import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStore } from "@intendedops/storage";
import { sql } from "kysely";
import pg from "pg";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { loadConfig } from "../src/config";
import { startServer } from "../src/server";
import { BILLING_AGENT, createTestClock, PG_URL, SEND_INVOICE } from "./support/test-app";

describe("startServer", () => {
  it("warns at start when secrets would be stored unencrypted, and not when a key is set", async () => {
    const warnings = async (env: Record<string, string>) => {
      const lines: { level: number; msg: string }[] = [];
      const sink = { write: (line: string) => lines.push(JSON.parse(line)) };
      const server = await startServer(loadConfig({ PORT: "0", DATABASE_URL: "file::memory:", ...env }), {
        logger: pino({ level: "info" }, sink),
        print: () => {},
      });
      await server.stop();
      return lines.filter((l) => l.level === 40 && l.msg.includes("INTENDEDOPS_SECRET_KEY"));
    };
    expect(await warnings({})).toHaveLength(1);
    expect(await warnings({ INTENDEDOPS_SECRET_KEY: "k".repeat(40) })).toHaveLength(0);
  });

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

/** A fresh PostgreSQL schema per test, as test/support/test-app.ts does. */
const freshSchema = () => `api_test_${randomBytes(6).toString("hex")}`;

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** A TCP proxy to PostgreSQL that can stop forwarding bytes, the way a database that hangs looks. */
async function startFreezableProxy(target: URL) {
  const sockets = new Set<Socket>();
  let frozen = false;
  const proxy = createTcpServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on("data", (chunk) => {
        if (!frozen) to.write(chunk);
      });
      from.on("error", () => to.destroy());
      from.on("close", () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String((proxy.address() as AddressInfo).port);
  return {
    url: url.toString(),
    freeze() {
      frozen = true;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

describe("startServer on PostgreSQL", () => {
  const silent = pino({ level: "silent" });

  it("resolves stop() soon after the shutdown timeout when PostgreSQL stops answering mid-request (regression: shutdown waited on the hung pool)", async () => {
    const proxy = await startFreezableProxy(new URL(PG_URL));
    const schema = freshSchema();
    const admin = generateApiKey("acme");
    const timeoutMs = 500;
    try {
      const server = await startServer(
        loadConfig({
          PORT: "0",
          DATABASE_URL: proxy.url,
          SHUTDOWN_TIMEOUT_MS: String(timeoutMs),
          INTENDEDOPS_BOOTSTRAP_KEY: admin,
        }),
        { schema, logger: silent, print: () => {} },
      );
      proxy.freeze();
      const hung = fetch(`${server.url}/v1/stats`, { headers: { "x-api-key": admin } }).then(
        (response) => response.status,
        () => "cut",
      );
      // Let the request reach the database; stop() must not treat it as an idle connection.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      const outcome = await server.stop();
      // The budget, the close grace for jobs and the database, and room for a loaded machine.
      expect(Date.now() - started).toBeLessThan(timeoutMs + 1000 + 2000);
      expect(outcome.clean).toBe(false);
      expect(outcome.unfinished).toContain("database");
      expect(await hung).toBe("cut");
    } finally {
      await proxy.close();
      await dropSchema(schema);
    }
  }, 10_000);

  it("answers /health 200 while transactions hold every pooled connection (regression: the ping queued behind the pool)", async () => {
    const schema = freshSchema();
    const server = await startServer(
      loadConfig({
        PORT: "0",
        DATABASE_URL: PG_URL,
        DATABASE_POOL_SIZE: "2",
        INTENDEDOPS_BOOTSTRAP_KEY: generateApiKey("acme"),
      }),
      { schema, logger: silent, print: () => {} },
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const { store } = server.services;
      let holding = 0;
      const holders = [1, 2].map(() =>
        store.transaction(async (tx) => {
          await sql`select 1`.execute(tx.db);
          holding += 1;
          await gate;
        }),
      );
      await vi.waitFor(() => expect(holding).toBe(2));
      let queuedAnswered = false;
      const queued = sql`select 1`.execute(store.db).then(() => {
        queuedAnswered = true;
      });
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect((await health.json()).data.status).toBe("healthy");
      // The pool really was exhausted while /health answered.
      expect(queuedAnswered).toBe(false);
      release();
      await Promise.all([...holders, queued]);
    } finally {
      release();
      await server.stop();
      await dropSchema(schema);
    }
  });
});

describe("startServer on a port it cannot bind", () => {
  it("generates no admin key, names HOST and PORT, and the next start prints the key once (regression: key printed above the crash)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-listen-"));
    const url = `file:${join(dir, "first.db")}`;
    const blocker = createTcpServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as AddressInfo).port;
    const printed: string[] = [];
    const options = { logger: pino({ level: "silent" }), print: (line: string) => printed.push(line) };
    try {
      await expect(
        startServer(loadConfig({ PORT: String(taken), HOST: "127.0.0.1", DATABASE_URL: url }), options),
      ).rejects.toThrow(`Cannot listen on HOST=127.0.0.1 PORT=${taken}: the port is already in use`);
      expect(printed).toEqual([]);
      const store = await createStore({ url });
      try {
        expect(await store.tenants.list()).toEqual([]);
      } finally {
        await store.close();
      }

      const server = await startServer(loadConfig({ PORT: "0", DATABASE_URL: url }), options);
      await server.stop();
      expect(printed).toEqual([
        expect.stringMatching(/^Admin API key \(shown once, store it now\): intendedops_default_\w+$/),
      ]);
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
