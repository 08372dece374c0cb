import { randomBytes } from "node:crypto";
import {
  type Actor,
  type Agent,
  type Approval,
  type Catalog,
  createCatalog,
  defineDomain,
  defineIntentType,
  type Governor,
  type Intent,
  type Intention,
  newId,
  type Policy,
  type RiskLevel,
  type TrustChange,
  type ValueRecord,
} from "@intendedops/core";
import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { z } from "zod";
import { createStore, type StoreOptions } from "./create-store";
import type { KyselyStore } from "./kysely-store";
import { migrationProvider } from "./migrations/index";
import type { ApiKeyRecord } from "./repos/api-key-repo";
import type { NewWebhookDelivery } from "./webhooks/webhook-delivery-repo";
import type { WebhookEndpointRecord } from "./webhooks/webhook-endpoint-repo";

/** Test support: the dialects every storage test runs on, and valid domain objects to store. */

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestStore {
  store: KyselyStore;
  /** Options that open another store on the same database (PostgreSQL schema). */
  sameDatabase?: StoreOptions;
  /** Closes the store and, on PostgreSQL, drops its schema. */
  dispose(): Promise<void>;
}

export const randomSuffix = (): string => randomBytes(5).toString("hex");

/** A fresh PostgreSQL schema per call; fails (never skips) when PostgreSQL is down. */
export async function openPostgresTestStore(options: StoreOptions = {}): Promise<TestStore> {
  const schema = `t_${randomSuffix()}`;
  const store = await createStore({ url: POSTGRES_URL, schema, ...options });
  return {
    store,
    sameDatabase: { url: POSTGRES_URL, schema },
    async dispose() {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
      await store.close();
    },
  };
}

export async function openSqliteTestStore(options: StoreOptions = {}): Promise<TestStore> {
  const store = await createStore({ url: "file::memory:", ...options });
  return { store, dispose: () => store.close() };
}

export const DIALECTS: [string, (options?: StoreOptions) => Promise<TestStore>][] = [
  ["sqlite", openSqliteTestStore],
  ["postgres", openPostgresTestStore],
];

/**
 * A store for one describe block that logs every statement it runs (`slowQueryMs: 0`), with a new
 * tenant per call of `newTenant`; `statements` is emptied before each test.
 */
export function statementLoggedStore(open: (options?: StoreOptions) => Promise<TestStore>) {
  const statements: string[] = [];
  const record = (entry: { sql?: string }) => {
    if (entry.sql) statements.push(entry.sql);
  };
  let ctx: TestStore | undefined;
  beforeAll(async () => {
    ctx = await open({ logger: { debug: record, warn: record }, slowQueryMs: 0 });
  });
  afterAll(() => ctx?.dispose());
  beforeEach(() => {
    statements.length = 0;
  });
  const opened = (): KyselyStore => {
    if (!ctx) throw new Error("statementLoggedStore: the store opens in beforeAll");
    return ctx.store;
  };
  return {
    statements,
    get store(): KyselyStore {
      return opened();
    },
    async newTenant(prefix: string): Promise<string> {
      const tenantId = `${prefix}_${randomSuffix()}`;
      await opened().tenants.ensure(tenantId, tenantId);
      return tenantId;
    },
  };
}

/**
 * A Kysely migrator over a test store opened with `migrate: false`, for migration tests that
 * step to an older schema, write rows as an older version would, then migrate on.
 */
export function testMigrator(dialect: string, ctx: TestStore): Migrator {
  const schema = ctx.sameDatabase?.schema;
  return new Migrator({
    db: ctx.store.db,
    provider: migrationProvider(
      dialect === "postgres" ? { json: "jsonb", timestamp: "text" } : { json: "text", timestamp: "text" },
    ),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

export function makeAgent(tenantId: string, id: string, overrides: Partial<Agent> = {}): Agent {
  return {
    id,
    tenantId,
    name: `Agent ${id}`,
    description: null,
    domains: ["billing"],
    intentTypes: ["billing.send_invoice", "billing.*"],
    status: "active",
    trustTier: "T0",
    trustScore: 100,
    tierSince: at(0),
    recentOutcomes: ["success", "failure"],
    failureStreak: 0,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function makeIntent(
  tenantId: string,
  id: string,
  agentId: string,
  overrides: Partial<Intent> = {},
): Intent {
  return {
    id,
    tenantId,
    agentId,
    type: "billing.send_invoice",
    domain: "billing",
    params: { amount: 1250.5, customer: { id: "cust_1", tier: "gold" }, tags: ["a", "ü"], note: null },
    description: "Send invoice",
    justification: null,
    idempotencyKey: null,
    status: "pending",
    riskLevel: "medium",
    decision: {
      outcome: "require_approval",
      reasons: ["Amount above threshold"],
      riskLevel: "medium",
      trustTier: "T0",
      matchedPolicies: ["pol_1"],
      shadow: [],
      approval: { approvers: 1 },
      intention: "ambient",
      trace: [
        { rule: "pol_1", kind: "policy", matched: true, effect: "require_approval", why: "amount > 1000" },
      ],
      evaluatedAt: at(1),
    },
    intention: "ambient",
    dataElements: [{ dataSourceId: "crm", path: "customers.email" }],
    submittedBy: "key_1",
    error: null,
    valueCents: null,
    valueCategory: null,
    createdAt: at(1),
    updatedAt: at(1),
    completedAt: null,
    ...overrides,
  };
}

export function makeApproval(
  tenantId: string,
  id: string,
  intentId: string,
  overrides: Partial<Approval> = {},
): Approval {
  return {
    id,
    tenantId,
    intentId,
    status: "pending",
    reasons: ["Amount above threshold"],
    requiredApprovals: 2,
    votes: [{ by: "key_2", byName: null, at: at(2) }],
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    rejectionReason: null,
    requestedAt: at(1),
    expiresAt: at(3600),
    ...overrides,
  };
}

export function makePolicy(tenantId: string, id: string, overrides: Partial<Policy> = {}): Policy {
  return {
    id,
    tenantId,
    name: "Large invoices need approval",
    enabled: true,
    mode: "enforce",
    effect: "require_approval",
    match: { types: ["billing.*"], params: { all: [{ field: "amount", op: "gt", value: 1000 }] } },
    approval: { approvers: 2 },
    version: 1,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function makeIntention(
  tenantId: string,
  id: string,
  label: string,
  overrides: Partial<Intention> = {},
): Intention {
  return {
    id,
    tenant_id: tenantId,
    label,
    display_name: label,
    description: null,
    intent_class: "reporting",
    status: "active",
    approval_required: false,
    ttl_minutes: 5,
    intent_types: ["billing.*"],
    data_elements: [{ data_source_id: "crm", path: "customers" }],
    created_at: at(0),
    updated_at: at(0),
    ...overrides,
  };
}

export function makeTrustChange(tenantId: string, id: string, agentId: string, second: number): TrustChange {
  return {
    id,
    tenantId,
    agentId,
    fromTier: "T0",
    toTier: "T1",
    fromScore: 100,
    toScore: 210 + second,
    cause: "completion",
    reason: "Completed",
    intentId: null,
    at: at(second),
  };
}

export function makeValueRecord(
  tenantId: string,
  id: string,
  intentId: string,
  agentId: string,
  overrides: Partial<ValueRecord> = {},
): ValueRecord {
  return {
    id,
    tenantId,
    intentId,
    agentId,
    domain: "billing",
    type: "billing.send_invoice",
    cents: 2500,
    category: "revenue",
    recordedAt: at(5),
    ...overrides,
  };
}

export function makeApiKey(
  tenantId: string,
  id: string,
  overrides: Partial<ApiKeyRecord> = {},
): ApiKeyRecord {
  return {
    id,
    tenantId,
    name: "ci",
    scopes: ["intents:write", "intents:read"],
    keyHash: randomBytes(32).toString("hex"),
    keyPrefix: `intendedops_${tenantId}_ab12`,
    rateLimitPerMinute: null,
    createdAt: at(0),
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** An ISO timestamp `second` seconds into 2026 (fixtures use a fixed clock). */
export const isoAt = at;

/** An enabled webhook endpoint of `tenantId`, subscribed to two intent events. */
export function makeEndpoint(
  tenantId: string,
  overrides: Partial<WebhookEndpointRecord> = {},
): WebhookEndpointRecord {
  return {
    id: newId("webhook"),
    tenantId,
    url: "https://hooks.example.com/intendedops",
    description: "ops",
    events: ["intent.submitted", "intent.approved"],
    secret: "whsec_c2VjcmV0LWJ5dGVzLWZvci10ZXN0aW5nLW9ubHk=",
    previousSecret: null,
    previousSecretExpiresAt: null,
    disabledAt: null,
    disabledReason: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

/** A pending delivery of `endpoint` that was never attempted, due at second 1 unless overridden. */
export function makeDelivery(
  endpoint: WebhookEndpointRecord,
  overrides: Partial<NewWebhookDelivery> = {},
): NewWebhookDelivery {
  const eventId = overrides.eventId ?? newId("webhookEvent");
  return {
    id: newId("delivery"),
    tenantId: endpoint.tenantId,
    endpointId: endpoint.id,
    eventId,
    event: "intent.submitted",
    body: `{"id":"${eventId}","event":"intent.submitted"}`,
    createdAt: at(1),
    nextAttemptAt: at(1),
    ...overrides,
  };
}

/** Index names of the store's own tables (SQLite: sqlite_master; PostgreSQL: the schema's pg_indexes). */
export async function indexNames(store: KyselyStore): Promise<string[]> {
  const { rows } =
    store.dialect === "sqlite"
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(store.db)
      : await sql<{ name: string }>`
          select indexname as name from pg_indexes where schemaname = current_schema()`.execute(store.db);
  return rows.map((row) => row.name).sort();
}

/**
 * A catalog of one intent type, `billing.send_invoice` (`amount`, and `customerId` when given),
 * at `defaultRisk`, worth $12.50: enough for the governor's lifecycle over a real store.
 */
export function invoiceCatalog(defaultRisk: RiskLevel): Catalog {
  return createCatalog([
    defineDomain({
      name: "billing",
      description: "Invoices",
      types: {
        send_invoice: defineIntentType({
          name: "billing.send_invoice",
          description: "Generate and send invoice",
          valueCategory: "efficiency",
          intentClass: "write",
          defaultRisk,
          params: z.object({ customerId: z.string().min(1).optional(), amount: z.number().positive() }),
          estimateValue: () => 1250,
        }),
      },
    }),
  ]);
}

/** The body of a `billing.send_invoice` submission of the Billing Agent (invoiceCatalog). */
export const invoiceBody = (n = 1, amount = 99.99) => ({
  type: "billing.send_invoice",
  domain: "billing",
  agentId: "billing-agent",
  params: { customerId: `cust_${n}`, amount },
});

/** A key of `tenantId` named `name` (id `key_<name>`), as the governor's actor. */
export const keyActor = (tenantId: string, name: string): Actor => ({
  tenantId,
  id: `key_${name}`,
  name,
  kind: "key",
});

/**
 * A new tenant with the Billing Agent registered (declaring `billing.*`) by the key `key_agent`,
 * for governor tests over a real store; `agentKey` is that key.
 */
export async function billingTenant(governor: Governor): Promise<{ tenantId: string; agentKey: Actor }> {
  const tenantId = `tenant-${randomSuffix()}`;
  const agentKey = keyActor(tenantId, "agent");
  await governor.registerAgent(agentKey, {
    name: "Billing Agent",
    domains: ["billing"],
    intentTypes: ["billing.*"],
  });
  return { tenantId, agentKey };
}

/** A promise a test settles by hand: whatever awaits `promise` goes on once `resolve` is called. */
export function manualSignal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/**
 * PostgreSQL: holds `first` (a transaction that signals `ready` once it has done its work, then
 * waits to commit) open while `second` starts, and answers whether `second` had to wait for the
 * turn `name` (DialectAdapter.takeTurn) before it could finish, with both results. It polls
 * pg_locks for a waiter on that turn until `second` settles, then lets `first` commit.
 */
export async function whileFirstHoldsItsTurn<A, B>(
  store: KyselyStore,
  name: string,
  first: (ready: () => void, mayCommit: Promise<void>) => Promise<A>,
  second: () => Promise<B>,
): Promise<{ secondWaited: boolean; first: A; second: B }> {
  const mayCommit = manualSignal();
  const ready = manualSignal();
  const firstResult = first(ready.resolve, mayCommit.promise);
  await ready.promise;
  let settled = false;
  const secondResult = second().finally(() => {
    settled = true;
  });
  let secondWaited = false;
  for (const started = Date.now(); !settled && !secondWaited; ) {
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_locks
      where locktype = 'advisory' and not granted
        and classid = hashtext(current_schema())::oid and objid = hashtext(${name})::oid`.execute(store.db);
    secondWaited = (rows[0]?.waiting ?? 0) > 0;
    if (Date.now() - started > 10_000) throw new Error(`nothing waited for the turn ${name} within 10 s`);
    if (!secondWaited) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  mayCommit.resolve();
  return { secondWaited, first: await firstResult, second: await secondResult };
}
