import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { createStore, type KyselyStore } from "@intendedops/storage";
import { sql } from "kysely";
import pino from "pino";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import type { AppEnv, Services } from "../src/context";
import type { Scope } from "../src/scopes";
import { createServices, type ServiceOptions } from "../src/services";
import { BILLING_AGENT, type Dialect, issueTestKey, OTHER_TENANT, PG_URL, TENANT } from "./support/test-app";

/** Test support for the webhook suites: a real HTTP receiver on loopback and reference verifiers. */

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact body bytes, as UTF-8 text. */
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Never answer (the sender's timeout must fire). */
  hang?: boolean;
}

export type Responder = (request: ReceivedRequest, index: number) => Reply;

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  respond(responder: Responder): void;
  /** Resolves once `count` requests arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (a fixed `port`, or a free one) answering 200 unless told otherwise. */
export async function startReceiver(port = 0): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let responder: Responder = () => ({ status: 200 });
  let waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      const reply = responder(request, requests.length - 1);
      const ready = waiters.filter((w) => requests.length >= w.count);
      waiters = waiters.filter((w) => requests.length < w.count);
      for (const waiter of ready) waiter.resolve();
      if (reply.hang) return;
      res.writeHead(reply.status, reply.headers ?? {});
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/hooks`,
    port: bound,
    requests,
    respond(next) {
      responder = next;
    },
    waitFor(count, timeoutMs = 10_000) {
      if (requests.length >= count) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`receiver got ${requests.length} of ${count} requests in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(requests);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs` (bounded, never a timing assertion). */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// The reference Standard Webhooks implementation, as the core package's tests use it (the
// workspace installs it there): an independent check of our signatures.
const requireFromCore = createRequire(
  fileURLToPath(new URL("../../../packages/core/package.json", import.meta.url)),
);
export const { Webhook: StandardWebhook } = requireFromCore("standardwebhooks") as {
  Webhook: new (secret: string) => { verify(payload: string, headers: Record<string, string>): unknown };
};

/** Node's request headers as the plain string record verifiers take. */
export function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === "string") out[name] = value;
  }
  return out;
}

/** The app over a real store with the clock of the wall, as the dispatcher runs in production. */
export interface Harness {
  app: OpenAPIHono<AppEnv>;
  services: Services;
  store: KyselyStore;
  /** Admin key of TENANT. */
  admin: string;
  /** Agent key of TENANT. */
  agent: string;
  /** Admin key of OTHER_TENANT. */
  other: string;
  request(method: string, path: string, options?: { key?: string | null; body?: unknown }): Promise<Response>;
  /** Request and return `data`; throws on an error status. */
  // biome-ignore lint/suspicious/noExplicitAny: responses are checked by value in assertions, not by type.
  data<T = any>(method: string, path: string, options?: { key?: string | null; body?: unknown }): Promise<T>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  webhooks?: ServiceOptions["webhooks"];
  /** Reuse an open store (two harnesses on one database); it is not closed by this harness. */
  store?: KyselyStore;
}

/** A retry schedule in milliseconds, so retries happen within a test. */
export const FAST_SCHEDULE = [0, 40, 40, 40];

export async function openHarness(dialect: Dialect, options: HarnessOptions = {}): Promise<Harness> {
  let schema: string | undefined;
  let store = options.store;
  if (!store) {
    if (dialect === "sqlite") store = await createStore({ url: "file::memory:" });
    else {
      schema = `wh_test_${randomBytes(6).toString("hex")}`;
      store = await createStore({ url: PG_URL, schema, poolSize: 5 });
    }
  }
  const config = loadConfig({
    LOG_LEVEL: "silent",
    KEY_CACHE_TTL_MS: "0",
    INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1",
    ...options.env,
  });
  const services = await createServices(config, {
    store,
    logger: pino({ level: "silent" }),
    webhooks: options.webhooks ?? {
      dispatcher: { schedule: FAST_SCHEDULE, random: () => 0.5, timeoutMs: 2000, claimMarginMs: 1000 },
    },
  });
  const app = createApp(services);
  const issue = async (tenantId: string, scopes: Scope[]) =>
    issueTestKey(store, tenantId, `${scopes.join("+")} key`, scopes, Date.now());
  const admin = await issue(TENANT, ["admin"]);
  const agent = await issue(TENANT, ["agent"]);
  const other = await issue(OTHER_TENANT, ["admin"]);
  const request: Harness["request"] = async (method, path, { key = admin, body } = {}) => {
    const headers: Record<string, string> = {};
    if (key !== null) headers["x-api-key"] = key;
    if (body !== undefined) headers["content-type"] = "application/json";
    return app.request(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  };
  const owned = store;
  return {
    app,
    services,
    store: owned,
    admin,
    agent,
    other,
    request,
    async data(method, path, requestOptions) {
      const response = await request(method, path, requestOptions);
      const json = (await response.json()) as { data?: unknown };
      if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
      return json.data as never;
    },
    async close() {
      if (options.store) return;
      if (schema) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(owned.db);
      await owned.close();
    },
  };
}

/** A T0 billing agent's invoice: the guide's example, which waits for a human approval. */
export async function submitPendingInvoice(
  h: Harness,
  customer: string,
): Promise<{ intentId: string; approvalId: string }> {
  const submitted = await h.data("POST", "/v1/intents", {
    key: h.agent,
    body: {
      type: "billing.send_invoice",
      domain: "billing",
      agentId: "billing-agent",
      params: { customerId: customer, amount: 99.99 },
    },
  });
  const details = await h.data("GET", `/v1/intents/${submitted.intentId}`);
  return { intentId: submitted.intentId, approvalId: details.approval.id };
}

/** A SQLite harness with the Billing Agent registered and the outbox drained, and two receivers. */
export interface HungReceiverSetup {
  h: Harness;
  /** Answers nothing: each attempt to it lasts until the dispatcher's timeout. */
  hanging: Receiver;
  other: Receiver;
  close(): Promise<void>;
}

/** The setup of tests where one receiver hangs while another must keep receiving. */
export async function openWithHungReceiver(
  dispatcher: NonNullable<ServiceOptions["webhooks"]>["dispatcher"],
): Promise<HungReceiverSetup> {
  const h = await openHarness("sqlite", { webhooks: { dispatcher } });
  await h.data("POST", "/v1/agents", { body: BILLING_AGENT, key: h.agent });
  await h.services.webhooks.dispatcher.run();
  const hanging = await startReceiver();
  hanging.respond(() => ({ status: 200, hang: true }));
  const other = await startReceiver();
  return {
    h,
    hanging,
    other,
    async close() {
      await hanging.close();
      await other.close();
      await h.close();
    },
  };
}
