import { randomBytes } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { createStore, type KyselyStore } from "@intendedops/storage";
import { sql } from "kysely";
import pino from "pino";
import { operatorActor } from "../../src/admin-audit";
import { issueApiKey } from "../../src/api-key-service";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import type { AppEnv, Services } from "../../src/context";
import { SCOPES, type Scope } from "../../src/scopes";
import { createServices } from "../../src/services";

export type Dialect = "sqlite" | "postgres";

/** The dialects a suite runs on; PostgreSQL must be up (CI starts it), it is never skipped. */
export const DIALECTS: Dialect[] = ["sqlite", "postgres"];

export const PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export const TENANT = "acme";
export const OTHER_TENANT = "globex";

/** A clock tests can move. */
export interface TestClock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function createTestClock(start = Date.parse("2026-03-02T10:00:00.000Z")): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.set = (ms) => {
    now = ms;
  };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is (no JSON encoding). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: OpenAPIHono<AppEnv>;
  services: Services;
  store: KyselyStore;
  clock: TestClock;
  /** One key per scope in TENANT, plus `other` (admin in OTHER_TENANT) and `agent2` (a second agent key). */
  keys: Record<Scope | "other" | "agent2", string>;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** Request and parse `{data}`; fails the test on an error status. */
  // biome-ignore lint/suspicious/noExplicitAny: responses are checked by value in assertions, not by type.
  data<T = any>(method: string, path: string, options?: RequestOptions): Promise<T>;
  close(): Promise<void>;
}

async function openStore(
  dialect: Dialect,
  clock: () => number,
): Promise<{ store: KyselyStore; schema?: string }> {
  if (dialect === "sqlite") return { store: await createStore({ url: "file::memory:", clock }) };
  const schema = `api_test_${randomBytes(6).toString("hex")}`;
  return { store: await createStore({ url: PG_URL, schema, clock, poolSize: 5 }), schema };
}

/** The app over a real store (SQLite in memory, or a fresh PostgreSQL schema), with keys for every scope. */
/** A key an operator made for a test (the CLI's actor in the audit chain); its text. */
export async function issueTestKey(
  store: KyselyStore,
  tenantId: string,
  name: string,
  scopes: Scope[],
  now: number,
): Promise<string> {
  return (await issueApiKey(store, { tenantId, name, scopes }, now, operatorActor(tenantId, "cli"))).key;
}

export async function createTestApp(
  dialect: Dialect = "sqlite",
  env: Record<string, string> = {},
): Promise<TestApp> {
  const clock = createTestClock();
  const { store, schema } = await openStore(dialect, clock);
  const config = loadConfig({ LOG_LEVEL: "silent", KEY_CACHE_TTL_MS: "0", ...env });
  const services = await createServices(config, { store, clock, logger: pino({ level: "silent" }) });
  const app = createApp(services);
  const keys = {} as TestApp["keys"];
  for (const scope of SCOPES) {
    keys[scope] = await issueTestKey(store, TENANT, `${scope} key`, [scope], clock());
  }
  keys.agent2 = await issueTestKey(store, TENANT, "second agent", ["agent"], clock());
  keys.other = await issueTestKey(store, OTHER_TENANT, "other admin", ["admin"], clock());

  const request = (method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? keys.admin : options.key;
    if (key !== null) headers["x-api-key"] = key;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    return Promise.resolve(app.request(path, { method, headers, ...(body === undefined ? {} : { body }) }));
  };

  return {
    app,
    services,
    store,
    clock,
    keys,
    request,
    async data(method, path, options) {
      const response = await request(method, path, options);
      const json = (await response.json()) as { data?: unknown; error?: unknown };
      if (!response.ok) {
        throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
      }
      return json.data as never;
    },
    async close() {
      if (schema) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
      await store.close();
    },
  };
}

/** The guide's agent registration body. */
export const BILLING_AGENT = {
  name: "Billing Agent",
  description: "Handles billing operations",
  domains: ["billing"],
  intentTypes: ["billing.send_invoice", "billing.collect_payment"],
};

/** The guide's intent submission body. */
export const SEND_INVOICE = {
  type: "billing.send_invoice",
  domain: "billing",
  agentId: "billing-agent",
  params: { customerId: "cust_123", amount: 99.99 },
  description: "Send monthly subscription invoice",
  idempotencyKey: "invoice-cust_123-2024-01",
};

let invoicesSubmitted = 0;

/**
 * A fresh invoice from the billing agent (a T0 agent's waits for a human), each for another
 * customer so no two share a body: its intent id and, when it waits, its approval's id.
 */
export async function submitInvoice(
  t: TestApp,
): Promise<{ intentId: string; approvalId: string | undefined }> {
  invoicesSubmitted += 1;
  const { intentId } = await t.data("POST", "/v1/intents", {
    key: t.keys.agent,
    body: {
      ...SEND_INVOICE,
      idempotencyKey: undefined,
      description: undefined,
      params: { customerId: `cust_${invoicesSubmitted}`, amount: 100 + invoicesSubmitted },
    },
  });
  const details = await t.data("GET", `/v1/intents/${intentId}`);
  return { intentId, approvalId: details.approval?.id };
}
