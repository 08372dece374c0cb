import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBillingAgent } from "@intendedops/billing-agent";
import {
  type Agent,
  type AgentMetrics,
  AgentNotFoundError,
  AlreadyResolvedError,
  type AmbientCluster,
  type ApiKey,
  type ApprovalDecisionResult,
  type ApprovalItem,
  type AuditEvent,
  type AuditVerification,
  ConflictError,
  type CreatedApiKey,
  type CreateIntentResult,
  ForbiddenError,
  type Health,
  IdempotencyKeyReusedError,
  IntendedOpsApiError,
  IntendedOpsClient,
  type IntendedOpsClientOptions,
  type Intent,
  type Intention,
  InternalError,
  InvalidStateError,
  type JSONWebKeySet,
  type ListResult,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  type Policy,
  RateLimitedError,
  remoteGovernance,
  type SimulationResult,
  type Stats,
  TimeoutError,
  type TokenError,
  type TokenVerification,
  UnauthorizedError,
  ValidationError,
  type Webhook,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookWithSecret,
} from "@intendedops/client";
import {
  AGENT_STATUSES,
  APPROVAL_STATUSES,
  HandlerFailedError,
  INTENT_CLASSES,
  INTENT_STATUSES,
  INTENTION_STATUSES,
  IntentAlreadyHandledError,
  IntentBlockedError,
  IntentExpiredError,
  IntentRejectedError,
  OUTCOMES,
  PolicyMatchSchema,
  RISK_LEVELS,
  TRUST_CHANGE_CAUSES,
  TRUST_TIERS,
  VALUE_CATEGORIES,
} from "@intendedops/core";
import { createStore } from "@intendedops/storage";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { generateApiKey } from "../src/api-key-format";
import { SCOPES } from "../src/scopes";
import { TOKEN_ERRORS } from "../src/tokens/index";
import { type ServerProcess, spawnServer } from "./support/server-process";
import { PG_URL } from "./support/test-app";

/**
 * Does @intendedops/client's TypeScript surface tell the truth about the server? Every client
 * method is called against the real server process (`intendedops serve`, from source) on SQLite and
 * on PostgreSQL, and each answer is checked against the method's declared return type.
 *
 * The check is a zod "mirror" of each declared type, strict (a field the server sends that the type
 * does not declare is an error, as is `null` where the type says absent, or the reverse). The
 * compile-time assertions below (`sameType`) make each mirror exactly the client's type, so when the
 * type changes and the mirror does not, `tsc` fails rather than this test silently checking
 * something else.
 */

// ---------------------------------------------------------------------------------------------
// The client's return types, mirrored at runtime

/** Deep structural form, so an interface and the equivalent object type compare equal. */
type Norm<T> = T extends readonly (infer U)[]
  ? Norm<U>[]
  : T extends (...args: never[]) => unknown
    ? T
    : T extends object
      ? { [K in keyof T]: Norm<T[K]> }
      : T;
/** Exact equality: the same keys, the same optionality, the same value types. */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
function sameType<Declared, Mirror>(
  ..._proof: Equal<Norm<Declared>, Norm<Mirror>> extends true ? [] : ["the mirror is not the declared type"]
): void {}

/** ISO 8601 UTC as the API writes it (`2024-01-15T10:30:00.000Z`); the type says `string`. */
const iso = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s, "not an ISO 8601 UTC time");
const int = z.number().int();
const strings = z.array(z.string());

const IntentStatus = z.enum(INTENT_STATUSES);
const RiskLevel = z.enum(RISK_LEVELS);
const TrustTier = z.enum(TRUST_TIERS);
const Outcome = z.enum(OUTCOMES);
const ValueCategory = z.enum(VALUE_CATEGORIES);
const DataElement = z.strictObject({ data_source_id: z.string(), path: z.string() });
const ApprovalSettings = z.strictObject({ approvers: int, expiresInSeconds: int.optional() });

const HealthShape = z.strictObject({ status: z.enum(["healthy", "unhealthy"]), timestamp: iso });
sameType<Health, z.output<typeof HealthShape>>();

const StatsShape = z.strictObject({
  intentsToday: int,
  pendingApprovals: int,
  activeAgents: int,
  valueGenerated: z.number(),
});
sameType<Stats, z.output<typeof StatsShape>>();

const DecisionSummaryShape = z.strictObject({
  outcome: Outcome,
  reasons: strings,
  riskLevel: RiskLevel,
  trustTier: TrustTier,
  intention: z.string().optional(),
});
const CreateIntentResultShape = z.strictObject({
  intentId: z.string(),
  status: IntentStatus,
  createdAt: iso,
  decision: DecisionSummaryShape,
  replayed: z.boolean(),
});
sameType<CreateIntentResult, z.output<typeof CreateIntentResultShape>>();

const TraceEntryShape = z.strictObject({
  rule: z.string(),
  kind: z.enum(["declaration", "agent_status", "policy", "intention", "matrix", "critical_guard"]),
  matched: z.boolean(),
  effect: Outcome.optional(),
  mode: z.enum(["enforce", "shadow"]).optional(),
  why: z.string(),
});
const DecisionShape = DecisionSummaryShape.extend({
  matchedPolicies: strings,
  shadow: z.array(z.strictObject({ policyId: z.string(), effect: Outcome })),
  trace: z.array(TraceEntryShape),
  approval: ApprovalSettings.optional(),
  evaluatedAt: iso.optional(),
});

const ApprovalShape = z.strictObject({
  id: z.string(),
  tenantId: z.string(),
  intentId: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  reasons: strings,
  requiredApprovals: int,
  votes: z.array(z.strictObject({ by: z.string(), byName: z.string().nullable(), at: iso })),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: iso.nullable(),
  rejectionReason: z.string().nullable(),
  requestedAt: iso,
  expiresAt: iso.nullable(),
});

const AuditEventShape = z.strictObject({
  id: z.string(),
  tenantId: z.string(),
  seq: int,
  eventType: z.string(),
  actor: z.string(),
  agentId: z.string().nullable(),
  intentId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  timestamp: iso,
  prevHash: z.string(),
  hash: z.string(),
  leafHash: z.string(),
});
sameType<AuditEvent, z.output<typeof AuditEventShape>>();

const IntentShape = z.strictObject({
  id: z.string(),
  tenantId: z.string(),
  type: z.string(),
  domain: z.string(),
  agentId: z.string(),
  status: IntentStatus,
  params: z.record(z.string(), z.unknown()),
  description: z.string().nullable(),
  justification: z.string().nullable(),
  riskLevel: RiskLevel,
  decision: DecisionShape,
  intention: z.string(),
  dataElements: z.array(z.strictObject({ dataSourceId: z.string(), path: z.string() })),
  idempotencyKey: z.string().nullable(),
  submittedBy: z.string(),
  result: z.unknown().optional(),
  error: z.string().nullable(),
  valueCents: int.nullable(),
  valueCategory: ValueCategory.nullable(),
  intentToken: z.string().nullable().optional(),
  createdAt: iso,
  updatedAt: iso,
  completedAt: iso.nullable(),
  approval: ApprovalShape.nullable().optional(),
  history: z.array(AuditEventShape).optional(),
});
sameType<Intent, z.output<typeof IntentShape>>();

const IntentSummaryShape = IntentShape.pick({
  id: true,
  type: true,
  domain: true,
  agentId: true,
  status: true,
  riskLevel: true,
  params: true,
  description: true,
  justification: true,
  submittedBy: true,
  createdAt: true,
});
const ApprovalItemShape = ApprovalShape.extend({ intent: IntentSummaryShape.nullable() });
sameType<ApprovalItem, z.output<typeof ApprovalItemShape>>();
const ApprovalDecisionShape = ApprovalShape.extend({ intent: IntentShape });
sameType<ApprovalDecisionResult, z.output<typeof ApprovalDecisionShape>>();

const AgentShape = z.strictObject({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  domains: strings,
  intentTypes: strings,
  status: z.enum(AGENT_STATUSES),
  trustTier: TrustTier,
  trustScore: int,
  tierSince: iso,
  recentOutcomes: z.array(z.enum(["success", "failure"])),
  failureStreak: int,
  createdAt: iso,
  updatedAt: iso,
});
sameType<Agent, z.output<typeof AgentShape>>();

const AgentMetricsShape = z.strictObject({
  agentId: z.string(),
  intents: z.strictObject({ total: int, byStatus: z.partialRecord(IntentStatus, int) }),
  successRate: z.number().nullable(),
  trustScore: int,
  trustTier: TrustTier,
  tierName: z.string(),
  valueByCategory: z.partialRecord(ValueCategory, int),
  valueGeneratedCents: int,
  recentTrustChanges: z.array(
    z.strictObject({
      id: z.string(),
      tenantId: z.string(),
      agentId: z.string(),
      fromTier: TrustTier,
      toTier: TrustTier,
      fromScore: int,
      toScore: int,
      cause: z.enum(TRUST_CHANGE_CAUSES),
      reason: z.string(),
      intentId: z.string().nullable(),
      at: iso,
    }),
  ),
});
sameType<AgentMetrics, z.output<typeof AgentMetricsShape>>();

const AuditVerificationShape = z.strictObject({
  valid: z.boolean(),
  eventCount: int,
  firstInvalidSeq: int.optional(),
  headHash: z.string().optional(),
});
sameType<AuditVerification, z.output<typeof AuditVerificationShape>>();

const PolicyShape = z.strictObject({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  description: z.string().optional(),
  enabled: z.boolean(),
  mode: z.enum(["enforce", "shadow"]),
  effect: Outcome,
  match: PolicyMatchSchema,
  approval: ApprovalSettings.optional(),
  reason: z.string().optional(),
  version: int,
  createdAt: iso,
  updatedAt: iso,
});
sameType<Policy, z.output<typeof PolicyShape>>();

const SimulationShape = z.strictObject({ decision: DecisionShape, riskLevel: RiskLevel });
sameType<SimulationResult, z.output<typeof SimulationShape>>();

const ApiKeyShape = z.strictObject({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  keyPrefix: z.string(),
  rateLimitPerMinute: int.nullable(),
  createdAt: iso,
  lastUsedAt: iso.nullable(),
  revokedAt: iso.nullable(),
});
sameType<ApiKey, z.output<typeof ApiKeyShape>>();
const CreatedApiKeyShape = ApiKeyShape.extend({ key: z.string() });
sameType<CreatedApiKey, z.output<typeof CreatedApiKeyShape>>();

/** `WebhookEvent` is open (`string & {}`): any string conforms. */
const EventName = z.custom<WebhookEvent>((v) => typeof v === "string", "not a string");
const WebhookShape = z.strictObject({
  id: z.string(),
  url: z.string(),
  events: z.array(EventName),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabledAt: iso.nullable(),
  disabledReason: z.string().nullable(),
  previousSecretExpiresAt: iso.nullable(),
  createdAt: iso,
  updatedAt: iso,
});
sameType<Webhook, z.output<typeof WebhookShape>>();
const WebhookWithSecretShape = WebhookShape.extend({ secret: z.string() });
sameType<WebhookWithSecret, z.output<typeof WebhookWithSecretShape>>();

const WebhookDeliveryShape = z.strictObject({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  event: EventName,
  status: z.enum(["pending", "succeeded", "failed"]),
  nextAttemptAt: iso.nullable(),
  lastStatusCode: int.nullable(),
  lastError: z.string().nullable(),
  payload: z.string(),
  createdAt: iso,
  completedAt: iso.nullable(),
  attempts: z.array(
    z.strictObject({
      attempt: int,
      attemptedAt: iso,
      statusCode: int.nullable(),
      latencyMs: int,
      error: z.string().nullable(),
    }),
  ),
});
sameType<WebhookDelivery, z.output<typeof WebhookDeliveryShape>>();

const IntentionShape = z.strictObject({
  id: z.string(),
  label: z.string(),
  display_name: z.string(),
  description: z.string().nullable(),
  intent_class: z.enum(INTENT_CLASSES),
  status: z.enum(INTENTION_STATUSES),
  approval_required: z.boolean(),
  ttl_minutes: int,
  intent_types: strings,
  data_elements: z.array(DataElement),
  created_at: iso,
  updated_at: iso,
});
sameType<Intention, z.output<typeof IntentionShape>>();

const AmbientClusterShape = z.strictObject({
  id: z.string(),
  domain: z.string(),
  intent_type: z.string(),
  data_elements: z.array(DataElement),
  count: int,
  agents: strings,
  first_seen_at: iso,
  last_seen_at: iso,
  covered_by: z.string().nullable(),
  suggested: z.strictObject({
    label: z.string(),
    display_name: z.string(),
    description: z.string(),
    intent_class: z.enum(INTENT_CLASSES),
    intent_types: strings,
    data_elements: z.array(DataElement),
  }),
});
sameType<AmbientCluster, z.output<typeof AmbientClusterShape>>();

/** `TokenError` is open too; the server's own list is checked separately. */
const TokenErrorName = z.custom<TokenError>((v) => typeof v === "string", "not a string");
const TokenVerificationShape = z.discriminatedUnion("valid", [
  z.strictObject({
    valid: z.literal(true),
    claims: z.looseObject({
      iss: z.string(),
      sub: z.string(),
      tenant: z.string(),
      jti: z.string(),
      iat: int,
      exp: int,
      purp: z.strictObject({ label: z.string(), data_elements: z.array(DataElement) }),
    }),
  }),
  z.strictObject({ valid: z.literal(false), error: TokenErrorName, message: z.string() }),
]);
sameType<TokenVerification, z.output<typeof TokenVerificationShape>>();

/** jose's JWK type lists every parameter of every key type; the runtime check is the OKP public key. */
const JwkShape = z.strictObject({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string(),
  kid: z.string(),
  alg: z.literal("EdDSA"),
  use: z.literal("sig"),
});
const JwksShape = z.strictObject({ keys: z.array(JwkShape).min(1) });
const jwksConforms = (value: JSONWebKeySet) => value; // the declared type accepts the checked shape:
jwksConforms({} as z.output<typeof JwksShape>);

const pageOf = <S extends z.ZodType>(item: S) =>
  z.strictObject({ items: z.array(item), total: int, page: int, pageSize: int });
const IntentPage = pageOf(IntentShape);
sameType<ListResult<Intent>, z.output<typeof IntentPage>>();
const AgentPage = pageOf(AgentShape);
sameType<ListResult<Agent>, z.output<typeof AgentPage>>();
const ApprovalPage = pageOf(ApprovalItemShape);
sameType<ListResult<ApprovalItem>, z.output<typeof ApprovalPage>>();
const AuditPage = pageOf(AuditEventShape);
sameType<ListResult<AuditEvent>, z.output<typeof AuditPage>>();
const PolicyPage = pageOf(PolicyShape);
sameType<ListResult<Policy>, z.output<typeof PolicyPage>>();
const ApiKeyPage = pageOf(ApiKeyShape);
sameType<ListResult<ApiKey>, z.output<typeof ApiKeyPage>>();
const WebhookPage = pageOf(WebhookShape);
sameType<ListResult<Webhook>, z.output<typeof WebhookPage>>();
const DeliveryPage = pageOf(WebhookDeliveryShape);
sameType<ListResult<WebhookDelivery>, z.output<typeof DeliveryPage>>();
const Intentions = z.array(IntentionShape);
const AmbientClusters = z.array(AmbientClusterShape);
const Nothing = z.undefined();
const PrometheusText = z.string().regex(/^# HELP intendedops_/);

/** Every method of the client, so a method added later without a conformance check fails the test. */
const CLIENT_METHODS = Object.getOwnPropertyNames(IntendedOpsClient.prototype)
  .filter((name) => name !== "constructor")
  .sort();

// ---------------------------------------------------------------------------------------------
// The server, its database, and a webhook receiver

type Dialect = "sqlite" | "postgres";

const TENANTS = ["shapes", "errors", "retries", "agents", "requests"] as const;
type Tenant = (typeof TENANTS)[number];

interface Database {
  url: string;
  drop(): Promise<void>;
  /** Runs SQL on the server's PostgreSQL schema (undefined on SQLite). */
  sql?: (statement: string) => Promise<void>;
}

async function openDatabase(dialect: Dialect, dir: string): Promise<Database> {
  if (dialect === "sqlite") return { url: `file:${join(dir, "client.db")}`, drop: async () => {} };
  const schema = `client_conformance_${randomBytes(4).toString("hex")}`;
  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`create schema ${schema}`);
  await db.query(`set search_path to ${schema}`);
  const url = new URL(PG_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    sql: async (statement) => {
      await db.query(statement);
    },
    drop: async () => {
      await db.query(`drop schema if exists ${schema} cascade`);
      await db.end();
    },
  };
}

/** A delivery as the receiver got it. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: `/gone` answers 410 (the server then disables the endpoint), any other path 200. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(req.url === "/gone" ? 410 : 200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs DDL on the server's own database through a store of the test's (SQLite file or PG schema). */
async function storeSql(database: Database): Promise<(statement: string) => Promise<void>> {
  if (database.sql) return database.sql;
  return async (statement) => {
    const store = await createStore({ url: database.url });
    try {
      await sql.raw(statement).execute(store.db);
    } finally {
      await store.close();
    }
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns something other than undefined (fails after `timeoutMs`). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("eventually: timed out");
    await sleep(25);
  }
}

/**
 * Calls `call` until it rejects (at most three times) and rejects with that: at one request a minute,
 * the second call is refused unless the limiter's window turned in between, and then the third is.
 */
async function untilRefused(call: () => Promise<unknown>): Promise<never> {
  for (let i = 0; i < 3; i++) await call();
  throw new Error("three calls were all answered");
}

/** Catches what a call rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject");
}

const BILLING = { name: "Billing Agent", domains: ["billing"] };
const invoice = (customerId: string, amount = 99.99) => ({
  type: "billing.send_invoice",
  agentId: "billing-agent",
  params: { customerId, amount },
});

describe.each(["sqlite", "postgres"] as const)(
  "@intendedops/client against the real server on %s",
  (dialect) => {
    let dir: string;
    let database: Database;
    let server: ServerProcess;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    const adminKeys = Object.fromEntries(TENANTS.map((t) => [t, generateApiKey(t)])) as Record<
      Tenant,
      string
    >;

    const client = (apiKey: string, options: Partial<IntendedOpsClientOptions> = {}) =>
      new IntendedOpsClient({ apiKey, baseUrl: server.url, retry: { baseDelayMs: 1 }, ...options });
    const admin = (tenant: Tenant, options: Partial<IntendedOpsClientOptions> = {}) =>
      client(adminKeys[tenant], options);
    /** A new key of `scopes` in `tenant`, and a client for it. */
    const keyed = async (tenant: Tenant, name: string, scopes: CreatedApiKey["scopes"]) =>
      client((await admin(tenant).createApiKey({ name, scopes })).key);

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "intendedops-client-"));
      database = await openDatabase(dialect, dir);
      receiver = await startReceiver();
      server = await spawnServer({
        env: {
          DATABASE_URL: database.url,
          INTENDEDOPS_BOOTSTRAP_KEY: Object.values(adminKeys).join(","),
          INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1",
          JOB_INTERVAL_MS: "100",
          LOG_LEVEL: "silent",
        },
      });
    }, 60_000);

    afterAll(async () => {
      await server?.stop("SIGKILL");
      await receiver?.close();
      await database?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("every client method's answer has exactly its declared type", async () => {
      const problems: string[] = [];
      const checked = new Set<string>();
      /** Records every way `value` differs from `shape`, under the method's name. */
      const conform = <S extends z.ZodType>(method: string, shape: S, value: unknown): z.output<S> => {
        checked.add(method);
        const result = shape.safeParse(value);
        for (const issue of result.error?.issues ?? []) {
          problems.push(`${method}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
        }
        return value as z.output<S>;
      };

      const c = admin("shapes");
      conform("getHealth", HealthShape, await c.getHealth());
      conform("getMetrics", PrometheusText, await c.getMetrics());
      conform("getStats", StatsShape, await c.getStats());
      conform("getJwks", JwksShape, await c.getJwks());

      // API keys: one with its own limit (a number, not null), one revoked (revokedAt set).
      const agentKey = conform(
        "createApiKey",
        CreatedApiKeyShape,
        await c.createApiKey({ name: "agent", scopes: ["agent"], rateLimitPerMinute: 500 }),
      );
      const approverKey = await c.createApiKey({ name: "approver one", scopes: ["approver"] });
      const approver2Key = await c.createApiKey({ name: "approver two", scopes: ["approver"] });
      const doomed = await c.createApiKey({ name: "doomed", scopes: ["read_only"] });
      conform("revokeApiKey", Nothing, await c.revokeApiKey(doomed.id));
      const agent = client(agentKey.key);
      const approver = client(approverKey.key);
      const approver2 = client(approver2Key.key);

      conform(
        "registerAgent",
        AgentShape,
        await c.registerAgent({ ...BILLING, description: "Invoices", intentTypes: [] }),
      );
      await c.registerAgent({ name: "Spare Agent", domains: ["billing"] });

      // Policies: one with every optional field, one in shadow mode, one that blocks, one that allows.
      const twoApprovers = conform(
        "createPolicy",
        PolicyShape,
        await c.createPolicy({
          name: "Credits need two",
          description: "Two humans sign off credits",
          effect: "require_approval",
          match: { types: ["billing.apply_credit"], params: { field: "amount", op: "gt", value: 0 } },
          approval: { approvers: 2, expiresInSeconds: 3600 },
          reason: "Credits are reviewed twice",
        }),
      );
      const shadow = await c.createPolicy({
        name: "Would block invoices",
        mode: "shadow",
        effect: "block",
        match: { types: ["billing.send_invoice"] },
      });
      await c.createPolicy({
        name: "No cancellations",
        effect: "block",
        match: { types: ["billing.cancel_*"] },
      });
      await c.createPolicy({
        name: "Statements are fine",
        effect: "allow",
        match: { types: ["billing.generate_statement"] },
      });
      const scratch = await c.createPolicy({
        name: "Scratch",
        effect: "allow",
        match: { agentIds: ["none"] },
      });
      conform("getPolicy", PolicyShape, await c.getPolicy(twoApprovers.id));
      const { id: _id, tenantId: _t, version: _v, createdAt: _c, updatedAt: _u, ...shadowBody } = shadow;
      conform("updatePolicy", PolicyShape, await c.updatePolicy(shadow.id, shadowBody));
      conform("deletePolicy", Nothing, await c.deletePolicy(scratch.id));
      conform("listPolicies", PolicyPage, await c.listPolicies());

      // An intention, so an approved intent carries a token and ambient traffic has a cluster.
      const statements = conform(
        "createIntention",
        IntentionShape,
        await c.createIntention({
          label: "monthly_statements",
          intent_class: "reporting",
          intent_types: ["billing.generate_statement"],
          data_elements: [{ data_source_id: "ledger", path: "Statement.Total" }],
        }),
      );
      conform(
        "updateIntention",
        IntentionShape,
        await c.updateIntention(statements.id, { description: "Statements", ttl_minutes: 15 }),
      );
      conform("publishIntention", IntentionShape, await c.publishIntention(statements.id));
      const draft = await c.createIntention({ label: "to_archive", intent_class: "other" });
      conform("archiveIntention", IntentionShape, await c.archiveIntention(draft.id));
      conform("getIntention", IntentionShape, await c.getIntention(statements.id));
      conform("listIntentions", Intentions, await c.listIntentions());

      // Intents: pending then approved and completed; pending then rejected; blocked; two approvers
      // then failed; approved under an intention (with its token); an idempotent replay.
      const pending = conform(
        "createIntent",
        CreateIntentResultShape,
        await agent.createIntent(invoice("c1")),
      );
      const rejected = await agent.createIntent({
        ...invoice("c2"),
        justification: "Quarterly",
        description: "Q",
      });
      const blocked = await agent.createIntent({
        type: "billing.cancel_subscription",
        agentId: "billing-agent",
        params: { subscriptionId: "sub_1" },
      });
      expect(blocked.status).toBe("blocked");
      const credit = await agent.createIntent({
        type: "billing.apply_credit",
        agentId: "billing-agent",
        params: { customerId: "c3", amount: 5, reason: "Goodwill" },
      });
      expect(credit.status).toBe("pending");
      const tokened = await agent.createIntent({
        type: "billing.generate_statement",
        agentId: "billing-agent",
        params: { customerId: "c4", periodStart: "2024-01-01", periodEnd: "2024-01-31" },
        intention: "monthly_statements",
        dataElements: [{ dataSourceId: "ledger", path: "Statement.Total" }],
      });
      expect(tokened.status).toBe("approved");
      const keyed1 = { ...invoice("c5"), idempotencyKey: `replay-${dialect}` };
      expect((await agent.createIntent(keyed1)).replayed).toBe(false);
      const replay = conform("createIntent", CreateIntentResultShape, await agent.createIntent(keyed1));
      expect(replay.replayed).toBe(true);

      const approvals = conform("listApprovals", ApprovalPage, await approver.listApprovals());
      conform("listApprovals", ApprovalPage, await approver.listApprovals({ status: "all", pageSize: 100 }));
      const approvalOf = (intentId: string) => {
        const found = approvals.items.find((a) => a.intentId === intentId);
        if (!found) throw new Error(`no approval for ${intentId}`);
        return found.id;
      };
      conform("getApproval", ApprovalItemShape, await approver.getApproval(approvalOf(pending.intentId)));
      conform(
        "approveIntent",
        ApprovalDecisionShape,
        await approver.approveIntent(approvalOf(pending.intentId)),
      );
      conform(
        "completeIntent",
        IntentShape,
        await agent.completeIntent(pending.intentId, {
          result: { invoiceId: "inv_1", sent: true },
          value: { cents: 1250, category: "revenue" },
        }),
      );
      conform(
        "rejectIntent",
        ApprovalDecisionShape,
        await approver.rejectIntent(approvalOf(rejected.intentId), "Not this month"),
      );
      conform(
        "approveIntent",
        ApprovalDecisionShape,
        await approver.approveIntent(approvalOf(credit.intentId)),
      );
      conform(
        "approveIntent",
        ApprovalDecisionShape,
        await approver2.approveIntent(approvalOf(credit.intentId)),
      );
      conform(
        "failIntent",
        IntentShape,
        await agent.failIntent(credit.intentId, { error: "Ledger offline" }),
      );
      conform("completeIntent", IntentShape, await agent.completeIntent(tokened.intentId));

      for (const { intentId } of [pending, rejected, blocked, credit, tokened, replay]) {
        conform("getIntent", IntentShape, await c.getIntent(intentId));
      }
      conform("getApproval", ApprovalItemShape, await c.getApproval(approvalOf(credit.intentId)));
      conform("listIntents", IntentPage, await c.listIntents({ pageSize: 100 }));

      const token = (await c.getIntent(tokened.intentId)).intentToken;
      expect(token).toEqual(expect.any(String));
      const valid = conform("verifyToken", TokenVerificationShape, await c.verifyToken(token ?? ""));
      expect(valid.valid).toBe(true);
      const invalid = conform("verifyToken", TokenVerificationShape, await c.verifyToken("not.a.token"));
      expect(invalid).toMatchObject({ valid: false, error: expect.any(String) });
      if (!invalid.valid) expect(TOKEN_ERRORS).toContain(invalid.error);

      // Agents after the outcomes: trust changes, value by category, a success rate.
      conform("getAgent", AgentShape, await c.getAgent("billing-agent"));
      conform("getAgentMetrics", AgentMetricsShape, await c.getAgentMetrics("billing-agent"));
      conform(
        "setAgentTrust",
        AgentShape,
        await c.setAgentTrust("billing-agent", { tier: "T2", reason: "Reviewed" }),
      );
      conform("listAgents", AgentPage, await c.listAgents());
      conform(
        "simulatePolicy",
        SimulationShape,
        await c.simulatePolicy({ ...invoice("c6"), agent: { trustTier: "T4" } }),
      );
      conform(
        "simulatePolicy",
        SimulationShape,
        await c.simulatePolicy({
          type: "billing.apply_credit",
          agentId: "billing-agent",
          params: { customerId: "c", amount: 1, reason: "r" },
        }),
      );

      // Ambient traffic (the invoices matched no intention): clusters, one generalized.
      const clusters = conform("listAmbientClusters", AmbientClusters, await c.listAmbientClusters());
      const cluster = clusters[0];
      if (!cluster) throw new Error("no ambient cluster");
      conform("generalizeAmbientCluster", IntentionShape, await c.generalizeAmbientCluster(cluster.id));
      await c.publishIntention((await c.listIntentions()).find((i) => i.status === "draft")?.id ?? "");
      conform("listAmbientClusters", AmbientClusters, await c.listAmbientClusters({ limit: 5 }));

      // Webhooks: delivered, redelivered, rotated, one that answers 410 and one nobody listens to.
      const hook = conform(
        "createWebhook",
        WebhookWithSecretShape,
        await c.createWebhook({ url: `${receiver.url}/ok`, events: ["intent.approved"] }),
      );
      conform("getWebhook", WebhookShape, await c.getWebhook(hook.id));
      conform(
        "updateWebhook",
        WebhookShape,
        await c.updateWebhook(hook.id, { events: ["*"], description: "All events" }),
      );
      conform("rotateWebhookSecret", WebhookWithSecretShape, await c.rotateWebhookSecret(hook.id));
      const ping = conform("testWebhook", WebhookDeliveryShape, await c.testWebhook(hook.id));
      conform("redeliverWebhook", WebhookDeliveryShape, await c.redeliverWebhook(ping.id));
      const gone = await c.createWebhook({ url: `${receiver.url}/gone`, events: ["*"] });
      conform("testWebhook", WebhookDeliveryShape, await c.testWebhook(gone.id));
      const deaf = await c.createWebhook({ url: "http://127.0.0.1:9/nobody", events: ["*"] });
      conform("testWebhook", WebhookDeliveryShape, await c.testWebhook(deaf.id));
      conform("getWebhook", WebhookShape, await c.getWebhook(gone.id));
      conform("listWebhooks", WebhookPage, await c.listWebhooks());
      conform("listWebhookDeliveries", DeliveryPage, await c.listWebhookDeliveries(hook.id));
      conform("listWebhookDeliveries", DeliveryPage, await c.listWebhookDeliveries(deaf.id, { pageSize: 1 }));
      // An event the deaf endpoint subscribes to: a delivery that waits for its next attempt.
      await c.registerAgent({ name: "Late Agent", domains: ["billing"] });
      const waiting = await eventually(async () => {
        const { items } = await c.listWebhookDeliveries(deaf.id);
        return items.find((d) => d.status === "pending" && d.attempts.length > 0);
      });
      expect(waiting.nextAttemptAt).toEqual(expect.any(String));
      conform("listWebhookDeliveries", WebhookDeliveryShape, waiting);
      conform("deleteWebhook", Nothing, await c.deleteWebhook(deaf.id));

      conform("listApiKeys", ApiKeyPage, await c.listApiKeys());
      conform("queryAudit", AuditPage, await c.queryAudit({ pageSize: 100 }));
      const chain = conform("verifyAuditChain", AuditVerificationShape, await c.verifyAuditChain());
      conform(
        "verifyAuditChain",
        AuditVerificationShape,
        await c.verifyAuditChain({ anchor: { seq: chain.eventCount, hash: chain.headHash ?? "" } }),
      );
      conform(
        "verifyAuditChain",
        AuditVerificationShape,
        await c.verifyAuditChain({ anchor: { seq: 1, hash: "0".repeat(64) } }),
      );
      conform("getStats", StatsShape, await c.getStats());

      expect(problems).toEqual([]);
      expect([...checked].sort()).toEqual(CLIENT_METHODS);
    });

    it("maps each error code the server sends to its documented class, with status, code, details and requestId", async () => {
      const c = admin("errors");
      await c.registerAgent(BILLING);
      const agent = await keyed("errors", "agent", ["agent"]);
      const approver = await keyed("errors", "approver", ["approver"]);
      const reader = await keyed("errors", "reader", ["read_only"]);
      const limited = client(
        (await c.createApiKey({ name: "limited", scopes: ["read_only"], rateLimitPerMinute: 1 })).key,
      );
      const pending = await agent.createIntent(invoice("c1"));
      const approvalId = (await approver.listApprovals()).items[0]?.id ?? "";
      await approver.approveIntent(approvalId);
      const other = await agent.createIntent(invoice("c2"));
      await limited.getStats();
      // An intent the admin key submits: that key may not approve it.
      const own = await c.createIntent(invoice("c-own"));
      const ownApprovalId =
        (await c.listApprovals()).items.find((a) => a.intentId === own.intentId)?.id ?? "";
      // Two approvers needed: the first vote leaves it pending, the same key voting again is a conflict.
      await c.createPolicy({
        name: "Credits need two",
        effect: "require_approval",
        match: { types: ["billing.apply_credit"] },
        approval: { approvers: 2 },
      });
      const credit = await agent.createIntent({
        type: "billing.apply_credit",
        agentId: "billing-agent",
        params: { customerId: "c", amount: 1, reason: "r" },
      });
      const twoVoteApprovalId =
        (await c.listApprovals()).items.find((a) => a.intentId === credit.intentId)?.id ?? "";
      await approver.approveIntent(twoVoteApprovalId);
      const revoked = await c.createApiKey({ name: "soon revoked", scopes: ["read_only"] });
      await client(revoked.key).getStats();

      /** The request id each call sends, so the error's `requestId` can be checked to be this call's. */
      let n = 0;
      const rid = () => ({ headers: { "x-request-id": `conformance-${dialect}-${++n}` } });
      const cases: {
        name: string;
        call: (options: ReturnType<typeof rid>) => Promise<unknown>;
        type: new (...args: never[]) => IntendedOpsApiError;
        status: number;
        code: string;
        details?: unknown;
      }[] = [
        {
          name: "400 VALIDATION_ERROR",
          call: (o) => agent.createIntent({ type: "not a type", agentId: "billing-agent" }, o),
          type: ValidationError,
          status: 400,
          code: "VALIDATION_ERROR",
          details: [{ path: ["type"], message: "Intent type must look like domain.action" }],
        },
        {
          name: "401 UNAUTHORIZED (unknown key)",
          call: (o) => client(generateApiKey("errors")).getStats(o),
          type: UnauthorizedError,
          status: 401,
          code: "UNAUTHORIZED",
        },
        {
          name: "401 UNAUTHORIZED (tenantId not the key's)",
          call: (o) => admin("errors", { tenantId: "shapes" }).getStats(o),
          type: UnauthorizedError,
          status: 401,
          code: "UNAUTHORIZED",
        },
        {
          name: "403 FORBIDDEN (scope)",
          call: (o) => reader.createPolicy({ name: "x", effect: "block" }, o),
          type: ForbiddenError,
          status: 403,
          code: "FORBIDDEN",
          details: { required: "policy_write", scopes: ["read_only"] },
        },
        {
          name: "403 FORBIDDEN (separation of duties)",
          call: (o) => c.approveIntent(ownApprovalId, o),
          type: ForbiddenError,
          status: 403,
          code: "FORBIDDEN",
        },
        {
          name: "401 UNAUTHORIZED (revoked key, at once)",
          call: async (o) => {
            await c.revokeApiKey(revoked.id);
            return client(revoked.key).getStats(o);
          },
          type: UnauthorizedError,
          status: 401,
          code: "UNAUTHORIZED",
        },
        {
          name: "409 CONFLICT (this key already voted)",
          call: (o) => approver.approveIntent(twoVoteApprovalId, o),
          type: ConflictError,
          status: 409,
          code: "CONFLICT",
        },
        {
          name: "404 NOT_FOUND",
          call: (o) => c.getIntent("int_missing", o),
          type: NotFoundError,
          status: 404,
          code: "NOT_FOUND",
        },
        {
          name: "404 AGENT_NOT_FOUND",
          call: (o) => agent.createIntent({ ...invoice("c"), agentId: "ghost" }, o),
          type: AgentNotFoundError,
          status: 404,
          code: "AGENT_NOT_FOUND",
        },
        {
          name: "409 CONFLICT",
          call: (o) => c.registerAgent(BILLING, o),
          type: ConflictError,
          status: 409,
          code: "CONFLICT",
        },
        {
          name: "409 INVALID_STATE",
          call: (o) => agent.completeIntent(other.intentId, {}, o),
          type: InvalidStateError,
          status: 409,
          code: "INVALID_STATE",
        },
        {
          name: "409 INVALID_STATE (an intention no longer a draft)",
          call: async (o) => {
            const label = await c.createIntention({ label: "published", intent_class: "other" });
            await c.publishIntention(label.id);
            return c.updateIntention(label.id, { ttl_minutes: 9 }, o);
          },
          type: InvalidStateError,
          status: 409,
          code: "INVALID_STATE",
        },
        {
          name: "400 ALREADY_RESOLVED",
          call: (o) => approver.approveIntent(approvalId, o),
          type: AlreadyResolvedError,
          status: 400,
          code: "ALREADY_RESOLVED",
        },
        {
          name: "422 IDEMPOTENCY_KEY_REUSED",
          call: async (o) => {
            await agent.createIntent({ ...invoice("c3"), idempotencyKey: "reused" });
            return agent.createIntent({ ...invoice("c4"), idempotencyKey: "reused" }, o);
          },
          type: IdempotencyKeyReusedError,
          status: 422,
          code: "IDEMPOTENCY_KEY_REUSED",
          details: { idempotencyKey: "reused", intentId: expect.any(String) },
        },
        {
          name: "429 RATE_LIMITED",
          call: (o) => untilRefused(() => limited.getStats({ ...o, maxRetries: 0 })),
          type: RateLimitedError,
          status: 429,
          code: "RATE_LIMITED",
        },
        {
          name: "413 PAYLOAD_TOO_LARGE",
          call: (o) => agent.createIntent({ ...invoice("c5"), description: "x".repeat(1_100_000) }, o),
          type: PayloadTooLargeError,
          status: 413,
          code: "PAYLOAD_TOO_LARGE",
        },
      ];
      for (const { name, call, type, status, code, details } of cases) {
        const options = rid();
        const error = await rejection(call(options));
        expect(error, name).toBeInstanceOf(type);
        expect(error, name).toBeInstanceOf(IntendedOpsApiError);
        const apiError = error as IntendedOpsApiError;
        expect(apiError.name, name).toBe(type.name);
        expect({ status: apiError.status, code: apiError.code }, name).toEqual({ status, code });
        expect(apiError.requestId, name).toBe(options.headers["x-request-id"]);
        expect(apiError.message, name).toEqual(expect.any(String));
        if (details !== undefined) expect(apiError.details, name).toEqual(details);
      }
      const limitedError = (await rejection(
        untilRefused(() => limited.getStats({ maxRetries: 0 })),
      )) as RateLimitedError;
      expect(limitedError.retryAfterSeconds).toBeGreaterThan(0);
      expect(limitedError.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(pending.status).toBe("pending");
    });

    it("a 5xx is an InternalError: idempotent calls are retried, other POSTs are not", async () => {
      const c = admin("errors");
      const agent = await keyed("errors", "agent for 500s", ["agent"]);
      const { intentId } = await agent.createIntent(invoice("c6"));
      const counted = (base: IntendedOpsClient["baseUrl"], key: string) => {
        const calls: string[] = [];
        const counting = new IntendedOpsClient({
          apiKey: key,
          baseUrl: base,
          retry: { maxRetries: 2, baseDelayMs: 1 },
          fetch: (input, init) => {
            calls.push(`${init?.method} ${new URL(String(input)).pathname}`);
            return fetch(input, init);
          },
        });
        return { counting, calls };
      };
      const key = (await c.createApiKey({ name: "500s", scopes: ["admin"] })).key;
      // A column the store's statements name disappears: every read or write of an intent is a fault.
      const ddl = await storeSql(database);
      await ddl("alter table intents rename column params to params_renamed");
      try {
        const get = counted(server.url, key);
        const error = (await rejection(
          get.counting.getIntent(intentId, { headers: { "x-request-id": "five-hundred" } }),
        )) as InternalError;
        expect(error).toBeInstanceOf(InternalError);
        expect({ status: error.status, code: error.code, requestId: error.requestId }).toEqual({
          status: 500,
          code: "INTERNAL_ERROR",
          requestId: "five-hundred",
        });
        expect(error.details).toEqual({ requestId: "five-hundred" });
        expect(get.calls).toEqual(Array(3).fill(`GET /v1/intents/${intentId}`));

        const submit = counted(server.url, key);
        expect(await rejection(submit.counting.createIntent(invoice("c7")))).toBeInstanceOf(InternalError);
        expect(submit.calls).toEqual(Array(3).fill("POST /v1/intents"));

        const complete = counted(server.url, key);
        expect(await rejection(complete.counting.completeIntent(intentId))).toBeInstanceOf(InternalError);
        expect(complete.calls).toEqual([`POST /v1/intents/${intentId}/complete`]);
      } finally {
        await ddl("alter table intents rename column params_renamed to params");
      }
      expect((await c.getIntent(intentId)).status).toBe("pending");
    });

    describe("retries", () => {
      /**
       * A client whose fetch sends every request to the real server; `lose(n)` says what the client
       * sees of attempt n instead of the answer: "drop" (the server acted, the answer was lost),
       * "race" (the request is on its way when the client gives up), "slow" (the answer comes after
       * the client's timeout), "502" (a proxy's error page after the server acted) or "busy" (a
       * proxy's 503 with `Retry-After: 30`, the server never reached).
       */
      function lossy(
        key: string,
        lose: (attempt: number, method: string) => "drop" | "race" | "slow" | "502" | "busy" | undefined,
        options: Partial<IntendedOpsClientOptions> = {},
      ) {
        const calls: string[] = [];
        const lossyFetch: typeof fetch = async (input, init) => {
          const method = init?.method ?? "GET";
          calls.push(`${method} ${new URL(String(input)).pathname}`);
          const fate = lose(calls.length - 1, method);
          const real = () => fetch(input, init);
          switch (fate) {
            case "drop":
              await (await real()).text();
              throw new TypeError("fetch failed", { cause: new Error("socket hang up") });
            case "race":
              void real().catch(() => undefined);
              throw new TypeError("fetch failed", { cause: new Error("ECONNRESET") });
            case "502":
              await (await real()).text();
              return new Response("<html><body>502 Bad Gateway</body></html>", { status: 502 });
            case "busy":
              return new Response("busy", { status: 503, headers: { "retry-after": "30" } });
            case "slow": {
              const answer = await real();
              await new Promise((_resolve, reject) => {
                const signal = init?.signal;
                signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
              });
              return answer;
            }
            default:
              return real();
          }
        };
        return { client: client(key, { fetch: lossyFetch, ...options }), calls };
      }
      const first = (attempt: number) => attempt === 0;
      let agentKey: string;
      let c: IntendedOpsClient;
      beforeAll(async () => {
        c = admin("retries");
        await c.registerAgent(BILLING);
        agentKey = (await c.createApiKey({ name: "agent", scopes: ["agent"] })).key;
      });
      const intentsOf = async (customerId: string) =>
        (await c.listIntents({ pageSize: 100 })).items.filter((i) => i.params.customerId === customerId);

      it.each(["drop", "race", "slow", "502"] as const)(
        "a createIntent whose first attempt ends in %s is retried with the same key and creates one intent",
        async (fate) => {
          const customerId = `retried-${fate}`;
          const { client: lossyAgent, calls } = lossy(agentKey, (n) => (first(n) ? fate : undefined), {
            timeoutMs: 300,
          });
          const result = await lossyAgent.createIntent(invoice(customerId));
          expect(calls).toEqual(["POST /v1/intents", "POST /v1/intents"]);
          const stored = await eventually(async () => {
            const found = await intentsOf(customerId);
            // "race": the first attempt may still be on its way; wait until both have been answered.
            return found.length >= 1 ? found : undefined;
          });
          await sleep(fate === "race" ? 200 : 0);
          expect(await intentsOf(customerId)).toHaveLength(1);
          expect(result.intentId).toBe(stored[0]?.id);
          expect(stored[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
          // The server replayed its first answer (or, in a race, answered the second attempt first).
          if (fate !== "race") expect(result.replayed).toBe(true);
          const submitted = await c.queryAudit({ eventType: "intent.submitted", intentId: result.intentId });
          expect(submitted.total).toBe(1);
        },
      );

      it("a body JSON cannot hold is the caller's TypeError: nothing is sent, nothing retried", async () => {
        const { client: counting, calls } = lossy(agentKey, () => undefined);
        const error = await rejection(
          counting.createIntent({ ...invoice("bigint"), params: { amount: 10n } }),
        );
        expect(error).toBeInstanceOf(TypeError);
        expect(error).not.toBeInstanceOf(IntendedOpsApiError);
        expect(calls).toEqual([]);
      });

      it("two separate createIntent calls with the same body make two intents (one key per call)", async () => {
        const agent = client(agentKey);
        const a = await agent.createIntent(invoice("twice"));
        const b = await agent.createIntent(invoice("twice"));
        expect(a.intentId).not.toBe(b.intentId);
        expect([a.replayed, b.replayed]).toEqual([false, false]);
      });

      it("a caller's idempotencyKey survives a restart: the replay answers the first intent and decision, with its status now", async () => {
        const agent = client(agentKey);
        const body = { ...invoice("restart"), idempotencyKey: `invoice-restart-${dialect}` };
        const firstAnswer = await agent.createIntent(body);
        const approver = await keyed("retries", "approver for restart", ["approver"]);
        const approval = (await approver.listApprovals()).items.find(
          (a) => a.intentId === firstAnswer.intentId,
        );
        await approver.rejectIntent(approval?.id ?? "", "no");
        const again = await client(agentKey).createIntent(body);
        // The original intent and decision, with the status it has now (not "pending" as first decided).
        expect(again).toEqual({ ...firstAnswer, replayed: true, status: "rejected" });
      });

      it("other POSTs and PATCH are not retried after a lost answer or a 5xx; the first attempt's work stands", async () => {
        const { client: lossyAgent, calls } = lossy(agentKey, () => "drop");
        const pending = await client(agentKey).createIntent(invoice("no-retry"));
        const approverKey = (await c.createApiKey({ name: "approver", scopes: ["approver"] })).key;
        const approvalId =
          (await client(approverKey).listApprovals()).items.find((a) => a.intentId === pending.intentId)
            ?.id ?? "";
        const lossyApprover = lossy(approverKey, () => "drop");
        expect(await rejection(lossyApprover.client.approveIntent(approvalId))).toBeInstanceOf(NetworkError);
        expect(lossyApprover.calls).toHaveLength(1);
        // The approval happened: repeating it is what the documentation warns about.
        expect(await rejection(client(approverKey).approveIntent(approvalId))).toBeInstanceOf(
          AlreadyResolvedError,
        );
        expect(await rejection(lossyAgent.completeIntent(pending.intentId))).toBeInstanceOf(NetworkError);
        expect(calls).toHaveLength(1);
        expect((await c.getIntent(pending.intentId)).status).toBe("completed");

        const gateway = lossy(adminKeys.retries, () => "502");
        const error = await rejection(
          gateway.client.registerAgent({ name: "Gateway Agent", domains: ["billing"] }),
        );
        expect(error).toBeInstanceOf(InternalError);
        expect((error as InternalError).status).toBe(502);
        expect(gateway.calls).toHaveLength(1);
        expect((await c.getAgent("gateway-agent")).name).toBe("Gateway Agent");
        const hook = await c.createWebhook({ url: `${receiver.url}/ok`, events: ["*"] });
        expect(await rejection(gateway.client.updateWebhook(hook.id, { enabled: false }))).toBeInstanceOf(
          InternalError,
        );
        expect(gateway.calls).toHaveLength(2);
      });

      it("a retried DELETE that then finds nothing resolves; a retried PUT does not apply twice", async () => {
        const dropFirst = lossy(adminKeys.retries, (n) => (first(n % 2) ? "drop" : undefined));
        const hook = await c.createWebhook({ url: `${receiver.url}/ok`, events: ["*"] });
        expect(await dropFirst.client.deleteWebhook(hook.id)).toBeUndefined();
        expect(await rejection(c.getWebhook(hook.id))).toBeInstanceOf(NotFoundError);
        const policy = await c.createPolicy({ name: "Temp", effect: "allow", match: { agentIds: ["x"] } });
        expect(await dropFirst.client.deletePolicy(policy.id)).toBeUndefined();
        const key = await c.createApiKey({ name: "temp", scopes: ["read_only"] });
        expect(await dropFirst.client.revokeApiKey(key.id)).toBeUndefined();
        expect(dropFirst.calls).toHaveLength(6);
        expect(await rejection(c.deletePolicy(policy.id))).toBeInstanceOf(NotFoundError);

        const kept = await c.createPolicy({ name: "Kept", effect: "allow", match: { agentIds: ["y"] } });
        const updated = await dropFirst.client.updatePolicy(kept.id, { name: "Kept v2", effect: "allow" });
        expect(updated.version).toBe(2);
        const updates = await c.queryAudit({ eventType: "policy.updated" });
        expect(updates.items.filter((e) => e.data.policyId === kept.id)).toHaveLength(1);

        const trusted = await dropFirst.client.setAgentTrust("billing-agent", { tier: "T2", reason: "r" });
        expect(trusted.trustTier).toBe("T2");
        const overrides = await c.queryAudit({
          eventType: "agent.trust.overridden",
          agentId: "billing-agent",
        });
        expect(overrides.items.map((e) => e.data.unchanged ?? false)).toEqual([false, true]);
      });

      it("429: RateLimitedError with retryAfterSeconds; a Retry-After over maxDelayMs is not waited for", async () => {
        const limitedKey = (
          await c.createApiKey({ name: "one a minute", scopes: ["read_only"], rateLimitPerMinute: 1 })
        ).key;
        const { client: limited, calls } = lossy(limitedKey, () => undefined, {
          retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 0 },
        });
        let answered = 0;
        const started = Date.now();
        const error = (await rejection(
          untilRefused(async () => {
            await limited.getStats();
            answered++;
          }),
        )) as RateLimitedError;
        expect(error).toBeInstanceOf(RateLimitedError);
        expect(error.retryAfterSeconds).toBeGreaterThan(0);
        // The refused call was tried once: its Retry-After is over maxDelayMs, so it is not retried.
        expect(calls).toHaveLength(answered + 1);
        expect(Date.now() - started).toBeLessThan(2_000);
      });

      it("timeoutMs bounds each attempt (TimeoutError once retries are spent); an AbortSignal rejects with its reason", async () => {
        const slow = lossy(agentKey, () => "slow", {
          timeoutMs: 100,
          retry: { maxRetries: 1, baseDelayMs: 1 },
        });
        const timedOut = await rejection(slow.client.getStats());
        expect(timedOut).toBeInstanceOf(TimeoutError);
        expect(timedOut).toBeInstanceOf(NetworkError);
        expect(timedOut).toMatchObject({ code: "TIMEOUT", status: 0 });
        expect(slow.calls).toHaveLength(2);

        const perCall = lossy(agentKey, () => "slow");
        expect(await rejection(perCall.client.getStats({ timeoutMs: 50, maxRetries: 0 }))).toBeInstanceOf(
          TimeoutError,
        );
        expect(perCall.calls).toHaveLength(1);

        const reason = new Error("caller gave up");
        const aborted = AbortSignal.abort(reason);
        expect(await rejection(client(agentKey).getStats({ signal: aborted }))).toBe(reason);

        const controller = new AbortController();
        const hanging = lossy(agentKey, () => "slow", { timeoutMs: 0 });
        const call = hanging.client.createIntent(invoice("aborted"), { signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        const abortError = await rejection(call);
        expect(abortError).toBeInstanceOf(DOMException);
        expect((abortError as DOMException).name).toBe("AbortError");
        expect(hanging.calls).toHaveLength(1);

        // An abort during the wait between retries ends the wait at once.
        const backoff = lossy(agentKey, () => "busy", { retry: { maxRetries: 3, maxDelayMs: 60_000 } });
        const waiting = new AbortController();
        const started = Date.now();
        const during = backoff.client.getStats({ signal: waiting.signal });
        setTimeout(() => waiting.abort(reason), 100);
        expect(await rejection(during)).toBe(reason);
        expect(Date.now() - started).toBeLessThan(5_000);
      });
    });

    describe("the request side: what the client sends is what the server reads", () => {
      let c: IntendedOpsClient;
      let agent: IntendedOpsClient;
      let approver: IntendedOpsClient;
      const ids = { invoice: "", rejected: "", statement: "", rejectedApproval: "" };
      beforeAll(async () => {
        c = admin("requests");
        await c.registerAgent(BILLING);
        await c.registerAgent({ id: "ops-bot", name: "Ops", domains: ["billing", "support"] });
        agent = await keyed("requests", "agent", ["agent"]);
        approver = await keyed("requests", "approver", ["approver"]);
        await c.createPolicy({
          name: "Statements are fine",
          effect: "allow",
          match: { types: ["billing.generate_statement"] },
        });
        ids.invoice = (await agent.createIntent(invoice("r1"))).intentId;
        ids.rejected = (await agent.createIntent(invoice("r2"))).intentId;
        ids.statement = (
          await agent.createIntent({
            type: "billing.generate_statement",
            domain: "billing",
            agentId: "ops-bot",
            params: { customerId: "r3", periodStart: "2024-02-01", periodEnd: "2024-02-29" },
            description: "February",
            justification: "Month end",
          })
        ).intentId;
        const approvals = (await approver.listApprovals()).items;
        const rejectedApproval = approvals.find((a) => a.intentId === ids.rejected)?.id ?? "";
        await approver.rejectIntent(rejectedApproval);
        ids.rejectedApproval = rejectedApproval;
      });

      it("listIntents: status, agentId, type and domain each filter; page and pageSize page", async () => {
        const only = async (query: Parameters<IntendedOpsClient["listIntents"]>[0]) =>
          (await c.listIntents(query)).items.map((i) => i.id).sort();
        expect(await only({ status: "rejected" })).toEqual([ids.rejected]);
        expect(await only({ agentId: "ops-bot" })).toEqual([ids.statement]);
        expect(await only({ type: "billing.send_invoice" })).toEqual([ids.invoice, ids.rejected].sort());
        expect(await only({ domain: "support" })).toEqual([]);
        const second = await c.listIntents({ page: 2, pageSize: 1 });
        expect(second).toMatchObject({ total: 3, page: 2, pageSize: 1 });
        expect(second.items).toHaveLength(1);
        expect(second.items[0]?.id).not.toBe((await c.listIntents({ page: 1, pageSize: 1 })).items[0]?.id);
      });

      it("every other list method pages with page and pageSize", async () => {
        await c.createPolicy({ name: "p1", effect: "allow", match: { agentIds: ["a"] } });
        const hook = await c.createWebhook({ url: `${receiver.url}/paged`, events: ["*"] });
        await c.createWebhook({ url: `${receiver.url}/paged2`, events: ["*"] });
        await c.testWebhook(hook.id);
        await c.testWebhook(hook.id);
        const lists: [
          string,
          (q: { page: number; pageSize: number }) => Promise<ListResult<{ id: string }>>,
        ][] = [
          ["listAgents", (q) => c.listAgents(q)],
          ["listPolicies", (q) => c.listPolicies(q)],
          ["listApiKeys", (q) => c.listApiKeys(q)],
          ["listWebhooks", (q) => c.listWebhooks(q)],
          ["listWebhookDeliveries", (q) => c.listWebhookDeliveries(hook.id, q)],
          ["listApprovals", (q) => c.listApprovals({ ...q, status: "all" })],
          ["queryAudit", (q) => c.queryAudit(q)],
        ];
        for (const [name, list] of lists) {
          const [one, two] = [await list({ page: 1, pageSize: 1 }), await list({ page: 2, pageSize: 1 })];
          expect({ name, page: two.page, pageSize: two.pageSize, items: two.items.length }).toEqual({
            name,
            page: 2,
            pageSize: 1,
            items: 1,
          });
          expect(two.total, name).toBeGreaterThanOrEqual(2);
          expect(two.items[0]?.id, name).not.toBe(one.items[0]?.id);
        }
        expect(await c.listAmbientClusters({ limit: 1 })).toHaveLength(1);
        expect((await c.listAmbientClusters()).length).toBeGreaterThan(1);
      });

      it("listApprovals: pending by default; status selects; queryAudit: every filter narrows", async () => {
        expect((await c.listApprovals()).items.map((a) => a.intentId)).toEqual([ids.invoice]);
        expect((await c.listApprovals({ status: "rejected" })).items.map((a) => a.id)).toEqual([
          ids.rejectedApproval,
        ]);
        expect((await c.listApprovals({ status: "all" })).total).toBe(2);

        const events = (await c.queryAudit({ pageSize: 100 })).items;
        const byType = await c.queryAudit({ eventType: "intent.rejected" });
        expect(byType.items.map((e) => e.intentId)).toEqual([ids.rejected]);
        const byAgent = await c.queryAudit({ agentId: "ops-bot", pageSize: 100 });
        expect(byAgent.items.length).toBeGreaterThan(0);
        expect(byAgent.items.every((e) => e.agentId === "ops-bot")).toBe(true);
        const byIntent = await c.queryAudit({ intentId: ids.statement });
        expect(byIntent.items.every((e) => e.intentId === ids.statement)).toBe(true);
        expect(byIntent.total).toBeGreaterThan(0);
        const last = events.at(-1);
        const from = await c.queryAudit({ fromDate: last?.timestamp, pageSize: 100 });
        expect(from.items.every((e) => e.timestamp >= (last?.timestamp ?? ""))).toBe(true);
        expect(from.total).toBeLessThan(events.length);
        expect((await c.queryAudit({ toDate: "2000-01-01" })).total).toBe(0);
        expect((await c.queryAudit({ fromDate: "2000-01-01", pageSize: 100 })).total).toBe(events.length);
      });

      it("verifyAuditChain: the anchor reaches the server (a wrong one fails the check)", async () => {
        const chain = await c.verifyAuditChain();
        expect(chain.valid).toBe(true);
        const anchored = await c.verifyAuditChain({
          anchor: { seq: chain.eventCount, hash: chain.headHash ?? "" },
        });
        expect(anchored.valid).toBe(true);
        const wrong = await c.verifyAuditChain({ anchor: { seq: chain.eventCount, hash: "f".repeat(64) } });
        expect(wrong.valid).toBe(false);
      });

      it("bodies: each documented input field is stored as sent", async () => {
        expect(await c.getIntent(ids.statement)).toMatchObject({
          domain: "billing",
          agentId: "ops-bot",
          description: "February",
          justification: "Month end",
          status: "approved",
        });
        expect((await c.getApproval(ids.rejectedApproval)).rejectionReason).toBeNull();
        const completed = await agent.completeIntent(ids.statement, {
          result: { url: "s3://x" },
          value: { cents: 42, category: "cost_savings" },
        });
        expect(completed).toMatchObject({
          result: { url: "s3://x" },
          valueCents: 42,
          valueCategory: "cost_savings",
        });
        expect(await c.getAgent("ops-bot")).toMatchObject({ domains: ["billing", "support"] });
        const limitedKey = await c.createApiKey({
          name: "limited",
          scopes: ["agent", "approver"],
          rateLimitPerMinute: 7,
        });
        expect(limitedKey).toMatchObject({ scopes: ["agent", "approver"], rateLimitPerMinute: 7 });
        const hook = await c.createWebhook({
          url: `${receiver.url}/described`,
          events: ["intent.failed"],
          description: "d",
        });
        expect(await c.updateWebhook(hook.id, { description: null, enabled: false })).toMatchObject({
          description: null,
          enabled: false,
        });
        expect(await c.setAgentTrust("ops-bot", { score: 333, reason: "manual" })).toMatchObject({
          trustScore: 333,
        });
        expect(await c.simulatePolicy({ ...invoice("sim"), agent: { trustTier: "T4" } })).toMatchObject({
          decision: { trustTier: "T4" },
        });
      });

      it("headers: tenantId is sent as x-tenant-id; per-call headers replace the client's", async () => {
        expect((await admin("requests", { tenantId: "requests" }).getStats()).intentsToday).toBe(3);
        expect(await rejection(admin("requests", { tenantId: "shapes" }).getStats())).toBeInstanceOf(
          UnauthorizedError,
        );
        // An `X-Tenant-Id` in headers does not travel next to the client's own (which would be "a, b").
        const mixed = admin("requests", { tenantId: "requests", headers: { "X-Tenant-Id": "shapes" } });
        expect((await mixed.getStats()).intentsToday).toBe(3);
        const error = await rejection(c.getIntent("int_nope", { headers: { "X-Request-Id": "mine-1" } }));
        expect((error as NotFoundError).requestId).toBe("mine-1");
        // Another tenant's id is not found, not forbidden.
        expect(await rejection(admin("shapes").getIntent(ids.invoice))).toBeInstanceOf(NotFoundError);
      });
    });

    describe("webhook signature and intent token helpers against what the server sends", () => {
      it("a real delivery verifies with the client's webhook helpers, old and new secret during a rotation", async () => {
        const c = admin("requests");
        const { verifyIntendedOps, verifyStandardWebhook } = await import("@intendedops/client");
        // Subscribed to an event this tenant never sends: the receiver gets the ping and its redelivery only.
        const hook = await c.createWebhook({ url: `${receiver.url}/signed`, events: ["intent.expired"] });
        const ping = await c.testWebhook(hook.id);
        const rotated = await c.rotateWebhookSecret(hook.id);
        const redelivered = await c.redeliverWebhook(ping.id);
        expect(redelivered.eventId).toBe(ping.eventId);
        const deliveries = receiver.received.filter((r) => r.path === "/signed");
        expect(deliveries).toHaveLength(2);
        for (const [index, delivery] of deliveries.entries()) {
          expect(delivery.body).toBe(ping.payload);
          const current = index === 0 ? hook.secret : rotated.secret;
          const standard = await verifyStandardWebhook({
            headers: delivery.headers,
            body: delivery.body,
            secret: current,
          });
          expect(standard).toEqual({ valid: true, id: ping.eventId, timestamp: expect.any(Number) });
          const legacy = String(delivery.headers["x-intendedops-signature"]);
          expect(await verifyIntendedOps(delivery.body, legacy, current)).toBe(true);
        }
        // While rotating, the previous secret still verifies the Standard Webhooks signature.
        const second = deliveries[1];
        expect(
          await verifyStandardWebhook({
            headers: second?.headers ?? {},
            body: second?.body ?? "",
            secret: hook.secret,
          }),
        ).toMatchObject({ valid: true });
      });

      it("an intent token verifies locally (JWKS object or URL) exactly as POST /v1/tokens/verify says", async () => {
        const { createIntentTokenVerifier, verifyIntentToken } = await import("@intendedops/client");
        const c = admin("requests");
        const agent = await keyed("requests", "token agent", ["agent"]);
        await c
          .createIntention({
            label: "statements",
            intent_class: "reporting",
            intent_types: ["billing.generate_statement"],
            data_elements: [{ data_source_id: "ledger", path: "Statement.Total" }],
          })
          .then((i) => c.publishIntention(i.id));
        const { intentId } = await agent.createIntent({
          type: "billing.generate_statement",
          agentId: "billing-agent",
          params: { customerId: "t1", periodStart: "2024-03-01", periodEnd: "2024-03-31" },
          intention: "statements",
          dataElements: [{ dataSourceId: "ledger", path: "Statement.Total" }],
        });
        const token = (await c.getIntent(intentId)).intentToken ?? "";
        const server_ = await c.verifyToken(token);
        expect(server_.valid).toBe(true);
        const jwks = await c.getJwks();
        const local = await verifyIntentToken(token, {
          jwks,
          issuer: "intendedops",
          tenant: "requests",
          requireElements: [{ dataSourceId: "ledger", path: "Statement.Total" }],
        });
        expect(local).toEqual(server_);
        const remote = createIntentTokenVerifier({
          jwks: `${server.url}/.well-known/jwks.json`,
          tenant: "requests",
        });
        expect(await remote.verify(token)).toEqual(server_);
        expect(
          await remote.verify(token, { requireElements: [{ dataSourceId: "ledger", path: "Other" }] }),
        ).toMatchObject({
          valid: false,
          error: "missing_data_element",
        });
        expect(await verifyIntentToken(token, { jwks, tenant: "shapes" })).toMatchObject({
          valid: false,
          error: "other_tenant",
        });
        expect(await admin("shapes").verifyToken(token)).toMatchObject({
          valid: false,
          error: "other_tenant",
        });
        const tampered = `${token.slice(0, -4)}AAAA`;
        expect((await verifyIntentToken(tampered, { jwks })).valid).toBe(false);
        expect(await c.verifyToken(tampered)).toMatchObject({ valid: false, error: "bad_signature" });
        expect(await verifyIntentToken("abc", { jwks })).toMatchObject({ valid: false, error: "malformed" });
        expect(await c.verifyToken("abc")).toMatchObject({ valid: false, error: "malformed" });
      });
    });

    describe("remoteGovernance drives a billing agent", () => {
      let c: IntendedOpsClient;
      let approver: IntendedOpsClient;
      let governance: ReturnType<typeof remoteGovernance>;
      const ran: string[] = [];
      const wait = { pollIntervalMs: 20, maxPollIntervalMs: 50, timeoutMs: 10_000 };
      const billing = () =>
        createBillingAgent({
          governance,
          agentId: "billing-agent",
          defaults: { waitForApproval: wait },
          handlers: {
            sendInvoice: async (params, context) => {
              ran.push(`sendInvoice ${params.customerId}`);
              return { invoiceId: `inv_${params.customerId}`, approvedBy: context.decision.approvedBy };
            },
            cancelSubscription: async () => {
              ran.push("cancelSubscription");
            },
            processRefund: async () => {
              ran.push("processRefund");
            },
            generateStatement: async (params) => {
              ran.push("generateStatement");
              // A blank message (a library that throws `new Error(" ")` or a bare string) happens too.
              throw params.customerId === "cust_blank" ? " " : new Error("Statement renderer crashed");
            },
          },
        });
      /** Approves (or rejects) the intent's approval as soon as it is listed. */
      const decide = async (intentOf: () => string | undefined, verdict: "approve" | "reject") => {
        const approvalId = await eventually(async () => {
          const intentId = intentOf();
          const items = (await approver.listApprovals()).items;
          return intentId === undefined ? items[0]?.id : items.find((a) => a.intentId === intentId)?.id;
        });
        return verdict === "approve"
          ? approver.approveIntent(approvalId)
          : approver.rejectIntent(approvalId, "Customer disputes the amount");
      };

      beforeAll(async () => {
        c = admin("agents");
        await c.registerAgent(BILLING);
        await c.createPolicy({
          name: "No cancellations",
          effect: "block",
          match: { types: ["billing.cancel_*"] },
        });
        await c.createPolicy({
          name: "Statements are fine",
          effect: "allow",
          match: { types: ["billing.generate_statement"] },
        });
        await c.createPolicy({
          name: "Refunds expire fast",
          effect: "require_approval",
          match: { types: ["billing.process_refund"] },
          approval: { approvers: 1, expiresInSeconds: 1 },
        });
        governance = remoteGovernance(await keyed("agents", "billing agent", ["agent"]));
        approver = await keyed("agents", "approver", ["approver"]);
      });

      it("pending → approved: waits for the human, runs the handler once, reports completion", async () => {
        const agent = billing();
        const [call] = await Promise.all([
          agent.sendInvoice(
            { customerId: "cust_1", amount: 120 },
            { idempotencyKey: `inv-cust_1-${dialect}`, value: { cents: 500, category: "revenue" } },
          ),
          decide(() => undefined, "approve"),
        ]);
        expect(call).toMatchObject({
          status: "completed",
          result: { invoiceId: "inv_cust_1", approvedBy: "approver" },
          decision: { outcome: "require_approval", approvedBy: "approver" },
        });
        const stored = await c.getIntent(call.intentId);
        expect(stored).toMatchObject({
          status: "completed",
          result: { invoiceId: "inv_cust_1", approvedBy: "approver" },
          valueCents: 500,
          valueCategory: "revenue",
        });
        // The same call again (an agent restarted with the same key): the handler does not run twice.
        const again = await rejection(
          agent.sendInvoice(
            { customerId: "cust_1", amount: 120 },
            { idempotencyKey: `inv-cust_1-${dialect}` },
          ),
        );
        expect(again).toBeInstanceOf(IntentAlreadyHandledError);
        expect(again).toMatchObject({ intentId: call.intentId, status: "completed" });
        expect(ran.filter((r) => r === "sendInvoice cust_1")).toHaveLength(1);
      });

      it("pending → rejected: IntentRejectedError with the approver's reason; the handler never runs", async () => {
        // Without waiting, a pending call returns at once.
        const early = await billing().sendInvoice(
          { customerId: "cust_2", amount: 80 },
          { waitForApproval: false },
        );
        expect(early.status).toBe("pending");
        const waiting = billing().sendInvoice({ customerId: "cust_2b", amount: 80 });
        const waitingId = await eventually(async () => {
          const { items } = await c.listIntents({ status: "pending" });
          return items.find((i) => i.params.customerId === "cust_2b")?.id;
        });
        await decide(() => waitingId, "reject");
        const error = await rejection(waiting);
        expect(error).toBeInstanceOf(IntentRejectedError);
        expect(error).toMatchObject({
          intentId: waitingId,
          reasons: ["Customer disputes the amount"],
          rejectedBy: "approver",
        });
        expect(ran.filter((r) => r.startsWith("sendInvoice cust_2"))).toEqual([]);
      });

      it("blocked: IntentBlockedError with the policy's reason; the handler never runs", async () => {
        const error = await rejection(billing().cancelSubscription({ subscriptionId: "sub_1" }));
        expect(error).toBeInstanceOf(IntentBlockedError);
        expect((error as IntentBlockedError).reasons).toEqual([expect.stringContaining("No cancellations")]);
        expect(ran).not.toContain("cancelSubscription");
      });

      it("expired: IntentExpiredError once the approval window passes without a decision", async () => {
        const error = await rejection(
          billing().processRefund({
            customerId: "cust_3",
            paymentId: "pay_1",
            amount: 10,
            reason: "duplicate",
          }),
        );
        expect(error).toBeInstanceOf(IntentExpiredError);
        const { intentId } = error as IntentExpiredError;
        expect((await c.getIntent(intentId)).status).toBe("expired");
        expect(ran).not.toContain("processRefund");
      });

      it("handler failure: HandlerFailedError, and the failure is reported (intent failed, trust moves)", async () => {
        const error = await rejection(
          billing().generateStatement({
            customerId: "cust_4",
            periodStart: "2024-01-01",
            periodEnd: "2024-01-31",
          }),
        );
        expect(error).toBeInstanceOf(HandlerFailedError);
        const failure = error as HandlerFailedError;
        expect(failure.reportError).toBeUndefined();
        expect((failure.cause as Error).message).toBe("Statement renderer crashed");
        expect(await c.getIntent(failure.intentId)).toMatchObject({
          status: "failed",
          error: "Statement renderer crashed",
        });
        expect((await c.getAgent("billing-agent")).recentOutcomes).toContain("failure");
      });

      it("handler failure with a blank message: still reported, so the intent does not stay approved", async () => {
        const error = await rejection(
          billing().generateStatement({
            customerId: "cust_blank",
            periodStart: "2024-01-01",
            periodEnd: "2024-01-31",
          }),
        );
        expect(error).toBeInstanceOf(HandlerFailedError);
        const failure = error as HandlerFailedError;
        expect(failure.reportError).toBeUndefined();
        expect(await c.getIntent(failure.intentId)).toMatchObject({
          status: "failed",
          error: expect.stringMatching(/\S/),
        });
      });

      it("an abort while waiting rejects with the signal's reason and leaves the intent pending", async () => {
        const controller = new AbortController();
        const reason = new Error("shutting down");
        const call = billing().sendInvoice(
          { customerId: "cust_5", amount: 5 },
          { signal: controller.signal },
        );
        const intentId = await eventually(async () => {
          const intents = await c.listIntents({ status: "pending", agentId: "billing-agent" });
          return intents.items.find((i) => i.params.customerId === "cust_5")?.id;
        });
        controller.abort(reason);
        expect(await rejection(call)).toBe(reason);
        expect((await c.getIntent(intentId)).status).toBe("pending");
      });
    });
  },
);
