import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { billingFixtures } from "@intendedops/billing-agent";
import { complianceFixtures } from "@intendedops/compliance-agent";
import { contractsFixtures } from "@intendedops/contracts-agent";
import { identityFixtures } from "@intendedops/identity-agent";
import { salesFixtures } from "@intendedops/sales-agent";
import { supportFixtures } from "@intendedops/support-agent";
import { vendorsFixtures } from "@intendedops/vendors-agent";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { INTENTION_FIELDS } from "./intentions-support";
import { redirectGuideFetch } from "./support/guide-fetch-redirect";
import { openProcessDatabase } from "./support/process-database";
import { type ServerProcess, spawnServer } from "./support/server-process";

/**
 * A line-by-line pass over the API guide and the intentions contract against the real server
 * process, on SQLite and on PostgreSQL: every example request sent as written, every example
 * answer compared field by field (keys at every level, types, formats, id prefixes). What the
 * end-to-end test already pins (the guide's two full clients, the Quick Start flow, the five domain
 * examples) is not repeated here; this file pins the rest. Fields the guide does not show but the
 * server sends are listed where docs/ documents them (`decision`, `headHash`, `intent_types`).
 */

const API_ROOT = fileURLToPath(new URL("../", import.meta.url));

const ULID = "[0-9A-HJKMNP-TV-Z]{26}";
/** The guide's timestamp format: "2024-01-15T10:30:00.000Z". */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const id = (prefix: string) => new RegExp(`^${prefix}_${ULID}$`);
const RATE_LIMIT = /^"default";r=\d+;t=\d+$/;

/** The guide's "Typical Value" column, one row per intent type of its seven tables (null for "-"). */
const TYPICAL_VALUE: Record<string, string | null> = {
  "billing.send_invoice": "efficiency",
  "billing.collect_payment": "revenue",
  "billing.process_refund": null,
  "billing.update_subscription": "revenue",
  "billing.apply_credit": null,
  "billing.generate_statement": "efficiency",
  "billing.retry_payment": "revenue",
  "billing.cancel_subscription": null,
  "billing.process_dunning": "revenue",
  "billing.reconcile_payments": "efficiency",
  "support.create_ticket": "efficiency",
  "support.assign_ticket": "efficiency",
  "support.escalate_ticket": "risk_mitigation",
  "support.resolve_ticket": "efficiency",
  "support.send_response": "efficiency",
  "support.update_priority": "risk_mitigation",
  "support.merge_tickets": "efficiency",
  "support.create_knowledge_article": "cost_savings",
  "support.request_feedback": null,
  "support.auto_categorize": "efficiency",
  "sales.create_lead": "revenue",
  "sales.qualify_lead": "efficiency",
  "sales.create_opportunity": "revenue",
  "sales.update_pipeline": "revenue",
  "sales.schedule_call": "efficiency",
  "sales.send_proposal": "revenue",
  "sales.create_quote": "revenue",
  "sales.assign_territory": "efficiency",
  "sales.forecast_revenue": null,
  "sales.log_activity": null,
  "compliance.check_control": "risk_mitigation",
  "compliance.record_evidence": "risk_mitigation",
  "compliance.generate_report": "efficiency",
  "compliance.process_dsar": "risk_mitigation",
  "compliance.update_risk_assessment": "risk_mitigation",
  "compliance.schedule_audit": "risk_mitigation",
  "compliance.track_remediation": "risk_mitigation",
  "compliance.assess_vendor": "risk_mitigation",
  "compliance.review_policy": "risk_mitigation",
  "compliance.train_employee": "risk_mitigation",
  "vendors.onboard_vendor": "efficiency",
  "vendors.request_assessment": "risk_mitigation",
  "vendors.review_contract": "risk_mitigation",
  "vendors.update_risk_score": "risk_mitigation",
  "vendors.schedule_review": "risk_mitigation",
  "vendors.request_documents": "risk_mitigation",
  "vendors.approve_vendor": "efficiency",
  "vendors.terminate_vendor": "risk_mitigation",
  "vendors.track_performance": "cost_savings",
  "vendors.renew_contract": null,
  "contracts.create_agreement": "efficiency",
  "contracts.send_for_signature": "efficiency",
  "contracts.generate_amendment": "efficiency",
  "contracts.notify_expiration": "risk_mitigation",
  "contracts.archive_contract": "efficiency",
  "contracts.request_approval": "efficiency",
  "contracts.track_obligation": "risk_mitigation",
  "contracts.extract_terms": "efficiency",
  "contracts.compare_versions": "efficiency",
  "contracts.auto_renew": "revenue",
  "identity.provision_user": "efficiency",
  "identity.deprovision_user": "risk_mitigation",
  "identity.assign_role": "efficiency",
  "identity.revoke_role": "risk_mitigation",
  "identity.initiate_access_review": "risk_mitigation",
  "identity.complete_access_review": "risk_mitigation",
  "identity.reset_credentials": "efficiency",
  "identity.enable_mfa": "risk_mitigation",
  "identity.create_group": "efficiency",
  "identity.sync_directory": "efficiency",
  "identity.audit_permissions": "risk_mitigation",
  "identity.request_access": "efficiency",
  "identity.approve_access": "efficiency",
  "identity.detect_anomaly": "risk_mitigation",
  "identity.rotate_credentials": "risk_mitigation",
};
const DOMAINS = ["billing", "support", "sales", "compliance", "vendors", "contracts", "identity"];
const FIXTURES: Record<string, { valid: unknown }> = {
  ...billingFixtures,
  ...supportFixtures,
  ...salesFixtures,
  ...complianceFixtures,
  ...vendorsFixtures,
  ...contractsFixtures,
  ...identityFixtures,
};

/** The guide's metrics table: name → [type, description]. */
const GUIDE_METRICS: Record<string, [string, string]> = {
  intendedops_intents_submitted_total: ["counter", "Total intents submitted"],
  intendedops_intents_evaluated_total: ["counter", "Intents evaluated by governance"],
  intendedops_intents_executed_total: ["counter", "Successfully executed intents"],
  intendedops_intents_blocked_total: ["counter", "Intents blocked by policy"],
  intendedops_intents_pending_approval: ["gauge", "Currently pending human approval"],
  intendedops_intent_evaluation_duration_seconds: ["histogram", "Time to evaluate intent"],
  intendedops_intent_execution_duration_seconds: ["histogram", "Time to execute intent"],
  intendedops_trust_progressions_total: ["counter", "Trust tier promotions"],
  intendedops_trust_demotions_total: ["counter", "Trust tier demotions"],
  intendedops_trust_score: ["gauge", "Current trust score by agent"],
  intendedops_agents_by_tier: ["gauge", "Agent count per trust tier"],
  intendedops_value_generated_cents_total: ["counter", "Total value generated (cents)"],
  intendedops_value_by_type_cents_total: ["counter", "Value by type (efficiency, revenue, etc.)"],
  intendedops_jobs_processed_total: ["counter", "Background jobs processed"],
  intendedops_jobs_failed_total: ["counter", "Failed background jobs"],
  intendedops_webhooks_received_total: ["counter", "Webhooks received"],
  intendedops_governance_decisions_total: ["counter", "Governance decisions made"],
};
/** The guide's label table, plus `category` and `job` (docs/metrics.md) and `le` of histogram buckets. */
const METRIC_LABELS = new Set([
  "tenantId",
  "agentId",
  "domain",
  "intentType",
  "status",
  "trustTier",
  "category",
  "job",
  "le",
]);

/** The guide's webhook events table. */
const GUIDE_EVENTS = [
  "intent.submitted",
  "intent.approved",
  "intent.rejected",
  "intent.completed",
  "intent.failed",
  "agent.registered",
  "agent.trust.changed",
];

// biome-ignore lint/suspicious/noExplicitAny: answers are asserted field by field.
type Json = any;
interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

/** One HTTP exchange, sending only the headers the example names (as curl does). */
async function call(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/**
 * `curl -X POST -H "x-api-key: …" <url>` as curl sends it: no body, no Content-Length, no
 * Content-Type (fetch would add `content-length: 0`). Returns the status and the parsed body.
 */
function curlPostWithoutBody(
  base: string,
  path: string,
  key: string,
): Promise<{ status: number; body: Json }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let raw = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      raw += chunk;
      const end = raw.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(raw.slice(0, end))?.[1] ?? Number.NaN);
      if (Buffer.byteLength(raw.slice(end + 4)) < length) return;
      socket.end();
      resolve({ status: Number(raw.slice(9, 12)), body: JSON.parse(raw.slice(end + 4)) });
    });
    socket.on("error", reject);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nx-api-key: ${key}\r\n\r\n`,
    );
  });
}

/** Every error answer of the guide: `{"error": {"code", "message", "details"?}}` and nothing else. */
function expectEnvelope(answer: Answer, status: number, code: string): Json {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(Object.keys(answer.body)).toEqual(["error"]);
  expect(Object.keys(answer.body.error).filter((k) => k !== "details")).toEqual(["code", "message"]);
  expect(answer.body.error.code).toBe(code);
  expect(typeof answer.body.error.message).toBe("string");
  expect(answer.headers.get("ratelimit-policy")).toMatch(/^"default";q=\d+;w=60$/);
  expect(answer.headers.get("ratelimit")).toMatch(RATE_LIMIT);
  return answer.body.error;
}

/** A webhook receiver that answers 200 "OK" and keeps every request, as the guide's Express handler. */
async function startReceiver() {
  const requests: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      requests.push({ headers: req.headers, body });
      res.writeHead(200).end("OK");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/webhooks/intendedops`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- The guide, "Webhook Setup", verbatim up to formatting ---
function verifyWebhook(payload: string, signature: string, secret: string): boolean {
  const expected = crypto.createHmac("sha256", secret).update(payload).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
// --- end of the guide's code ---

// What the guide's error-handling example leaves to the reader.
class ValidationError extends Error {
  constructor(
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}
class NotFoundError extends Error {}
class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
interface CreateIntentRequest {
  type: string;
  domain: string;
  agentId: string;
  params?: Record<string, unknown>;
  description?: string;
  justification?: string;
  idempotencyKey?: string;
}
type Intent = Json;

// --- The guide, "Error Handling" → JavaScript/TypeScript, verbatim up to formatting ---
async function submitIntent(intent: CreateIntentRequest): Promise<Intent> {
  const response = await fetch("https://api.intendedops.dev/v1/intents", {
    method: "POST",
    headers: {
      "x-api-key": process.env.INTENDEDOPS_API_KEY!,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(intent),
  });

  const result = await response.json();

  if (!response.ok) {
    const error = result.error;

    switch (error.code) {
      case "VALIDATION_ERROR":
        throw new ValidationError(error.message, error.details);
      case "AGENT_NOT_FOUND":
        throw new NotFoundError("Agent not found");
      case "RATE_LIMITED":
        // Wait and retry
        await sleep(60000);
        return submitIntent(intent);
      default:
        throw new ApiError(error.code, error.message);
    }
  }

  return result.data;
}
// --- end of the guide's code ---

/** The guide's Python `submit_intent`, verbatim, with what it leaves to the reader defined first. */
const PYTHON_SUBMIT_INTENT = `
import json, os, sys
import requests
class ValidationError(Exception):
    def __init__(self, message, details):
        super().__init__(message)
        self.details = details
class ApiError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
_original = requests.Session.request
def _redirected(self, method, url, *args, **kwargs):
    if url.startswith('https://api.intendedops.dev'):
        url = os.environ['INTENDEDOPS_BASE_URL'] + url[len('https://api.intendedops.dev'):]
    return _original(self, method, url, *args, **kwargs)
requests.Session.request = _redirected

# --- the guide, verbatim ---
import requests
import time

def submit_intent(intent: dict) -> dict:
    response = requests.post(
        'https://api.intendedops.dev/v1/intents',
        headers={
            'x-api-key': os.environ['INTENDEDOPS_API_KEY'],
            'Content-Type': 'application/json',
        },
        json=intent
    )

    result = response.json()

    if not response.ok:
        error = result.get('error', {})
        code = error.get('code', 'UNKNOWN')
        message = error.get('message', 'Unknown error')

        if code == 'RATE_LIMITED':
            time.sleep(60)
            return submit_intent(intent)
        elif code == 'VALIDATION_ERROR':
            raise ValidationError(message, error.get('details'))
        else:
            raise ApiError(code, message)

    return result['data']
# --- end of the guide's code ---

out = []
for intent in json.loads(sys.argv[1]):
    try:
        out.append({'data': submit_intent(intent)})
    except ValidationError as e:
        out.append({'ValidationError': str(e), 'details': e.details})
    except ApiError as e:
        out.append({'ApiError': e.code, 'message': str(e)})
print(json.dumps(out))
`;

describe.each(["sqlite", "postgres"] as const)(
  "the guides' examples against the real server on %s",
  (dialect) => {
    let dir: string;
    let server: ServerProcess;
    let drop: () => Promise<void> = async () => {};
    let refuseConnections: (() => Promise<() => Promise<void>>) | undefined;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    /** One tenant per part of the guide, so counts start at zero. */
    const admin = {
      quick: generateApiKey("guide-quick"),
      errors: generateApiKey("guide-errors"),
      types: generateApiKey("guide-types"),
      hooks: generateApiKey("guide-hooks"),
      intentions: generateApiKey("guide-intentions"),
      pages: generateApiKey("guide-pages"),
    };
    let base: string;

    const json = (key: string) => ({ "x-api-key": key, "Content-Type": "application/json" });
    const post = (path: string, key: string, body?: unknown) =>
      call(base, path, {
        method: "POST",
        headers: json(key),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const get = (path: string, key: string) => call(base, path, { headers: { "x-api-key": key } });
    async function data(answer: Promise<Answer>, status = 200): Promise<Json> {
      const a = await answer;
      expect(a.status, JSON.stringify(a.body)).toBe(status);
      return a.body.data;
    }
    async function newKey(tenantAdmin: string, scopes: string[], extra: Record<string, unknown> = {}) {
      return (
        await data(post("/v1/api-keys", tenantAdmin, { name: scopes.join("+"), scopes, ...extra }), 201)
      ).key as string;
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "intendedops-guide-"));
      const database = await openProcessDatabase(dialect, dir, "guide");
      drop = database.drop;
      refuseConnections = database.refuseConnections;
      receiver = await startReceiver();
      server = await spawnServer({
        env: {
          DATABASE_URL: database.url,
          INTENDEDOPS_BOOTSTRAP_KEY: Object.values(admin).join(","),
          INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1",
          LOG_LEVEL: "silent",
        },
      });
      base = server.url;
    }, 60_000);

    afterAll(async () => {
      await server?.stop("SIGKILL");
      await receiver?.close();
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("Quick Start: health, stats and the submission answer have the examples' shapes", async () => {
      const health = await call(base, "/health");
      expect(health.body).toEqual({ data: { status: "healthy", timestamp: expect.stringMatching(ISO) } });

      const agentKey = await newKey(admin.quick, ["agent"]);
      const stats = await data(
        call(base, "/v1/stats", { headers: { "x-api-key": agentKey, "x-tenant-id": "guide-quick" } }),
      );
      expect(stats).toEqual({ intentsToday: 0, pendingApprovals: 0, activeAgents: 0, valueGenerated: 0 });

      const agent = await data(
        call(base, "/v1/agents", {
          method: "POST",
          headers: json(agentKey),
          body: `{
"name": "Billing Agent",
"description": "Handles billing operations",
"domains": ["billing"],
"intentTypes": ["billing.send_invoice", "billing.collect_payment"]
}`,
        }),
        201,
      );
      expect(agent).toMatchObject({
        id: "billing-agent",
        name: "Billing Agent",
        description: "Handles billing operations",
        domains: ["billing"],
        intentTypes: ["billing.send_invoice", "billing.collect_payment"],
        trustTier: "T0",
        createdAt: expect.stringMatching(ISO),
      });

      const body = `{
"type": "billing.send_invoice",
"domain": "billing",
"agentId": "billing-agent",
"params": {
"customerId": "cust_123",
"amount": 99.99
},
"description": "Send monthly subscription invoice",
"idempotencyKey": "invoice-cust_123-2024-01"
}`;
      const submitted = await call(base, "/v1/intents", { method: "POST", headers: json(agentKey), body });
      expect(submitted.status).toBe(201);
      // The guide's three fields, plus the decision summary docs/api.md documents (and the issue asks for).
      expect(submitted.body).toEqual({
        data: {
          intentId: expect.stringMatching(id("int")),
          status: "pending",
          createdAt: expect.stringMatching(ISO),
          decision: {
            outcome: "require_approval",
            reasons: [expect.any(String)],
            riskLevel: "medium",
            trustTier: "T0",
            intention: "ambient",
          },
        },
      });
      // The example's idempotency key, sent again: the original answer, not a second intent.
      const replay = await call(base, "/v1/intents", { method: "POST", headers: json(agentKey), body });
      expect(replay.status).toBe(200);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.body).toEqual(submitted.body);

      // The guide's Intent interface, as its clients read GET /v1/intents/:id.
      const intent = await data(get(`/v1/intents/${submitted.body.data.intentId}`, agentKey));
      expect(intent).toMatchObject({
        id: submitted.body.data.intentId,
        type: "billing.send_invoice",
        domain: "billing",
        status: "pending",
        createdAt: submitted.body.data.createdAt,
      });

      // The params as validated: the schema's default currency filled in (docs/api.md).
      expect(intent.params).toEqual({ customerId: "cust_123", amount: 99.99, currency: "USD" });

      // "valueGenerated": 5420.00 — dollars, a JSON number, from completed intents' cents.
      const approvals = await data(get("/v1/approvals", admin.quick));
      await data(post(`/v1/approvals/${approvals.items[0].id}/approve`, admin.quick));
      await data(
        post(`/v1/intents/${intent.id}/complete`, agentKey, {
          value: { cents: 542_001, category: "revenue" },
        }),
      );
      expect(await data(get("/v1/stats", agentKey))).toEqual({
        intentsToday: 1,
        pendingApprovals: 0,
        activeAgents: 1,
        valueGenerated: 5420.01,
      });
    });

    it("Error Handling: every code of the guide's table in its envelope, and the validation example verbatim", async () => {
      const readOnly = await newKey(admin.errors, ["read_only"]);
      const agentKey = await newKey(admin.errors, ["agent"]);
      const approver = await newKey(admin.errors, ["approver"]);

      expect(expectEnvelope(await call(base, "/v1/stats"), 401, "UNAUTHORIZED")).toBeDefined();
      // The guide's sample key is well formed but exists nowhere (and its 16-character secret is too
      // short for a bootstrap key: docs/api.md).
      expectEnvelope(
        await call(base, "/v1/stats", { headers: { "x-api-key": "intendedops_tenant123_xK9mN2pQ7rS4tU6v" } }),
        401,
        "UNAUTHORIZED",
      );
      expectEnvelope(
        await call(base, "/v1/stats", { headers: { "x-api-key": agentKey, "x-tenant-id": "tenant123" } }),
        401,
        "UNAUTHORIZED",
      );
      expectEnvelope(await post("/v1/agents", readOnly, { name: "Nope" }), 403, "FORBIDDEN");
      expectEnvelope(await get("/v1/intents/int_01HN4X7KQZ8Y1A2B3C4D5E6F7G", readOnly), 404, "NOT_FOUND");
      expectEnvelope(await post("/v1/approvals/apr_123/approve", approver), 404, "NOT_FOUND");

      const validation = await call(base, "/v1/intents", {
        method: "POST",
        headers: json(agentKey),
        body: "{}",
      });
      expectEnvelope(validation, 400, "VALIDATION_ERROR");
      expect(validation.body).toEqual({
        error: {
          code: "VALIDATION_ERROR",
          message: "type: Intent type is required; agentId: Agent ID is required",
          details: [
            { path: ["type"], message: "Intent type is required" },
            { path: ["agentId"], message: "Agent ID is required" },
          ],
        },
      });
      const unknownAgent = await post("/v1/intents", agentKey, {
        type: "billing.send_invoice",
        domain: "billing",
        agentId: "billing-agent",
        params: { customerId: "cust_123", amount: 99.99 },
      });
      expectEnvelope(unknownAgent, 404, "AGENT_NOT_FOUND");

      await data(post("/v1/agents", agentKey, { name: "Billing Agent", domains: ["billing"] }), 201);
      const pending = await data(
        post("/v1/intents", agentKey, {
          type: "billing.send_invoice",
          domain: "billing",
          agentId: "billing-agent",
          params: { customerId: "cust_9", amount: 120 },
        }),
        201,
      );
      const [approval] = (await data(get("/v1/approvals", approver))).items;
      expect(approval.intentId).toBe(pending.intentId);
      // "Reject an intent with reason", as curl sends it; then the guide's approve, without a body.
      const rejected = await call(base, `/v1/approvals/${approval.id}/reject`, {
        method: "POST",
        headers: json(approver),
        body: '{"reason": "Amount exceeds approved limit"}',
      });
      expect(rejected.body.data).toMatchObject({
        status: "rejected",
        rejectionReason: "Amount exceeds approved limit",
      });
      expect(await curlPostWithoutBody(base, `/v1/approvals/${approval.id}/approve`, approver)).toEqual({
        status: 400,
        body: {
          error: {
            code: "ALREADY_RESOLVED",
            message: "Approval already rejected",
            details: expect.any(Object),
          },
        },
      });
      expectEnvelope(await post(`/v1/approvals/${approval.id}/approve`, approver), 400, "ALREADY_RESOLVED");

      // "When rate limited, the API returns HTTP 429" with exactly the guide's body.
      const limited = await newKey(admin.errors, ["read_only"], { rateLimitPerMinute: 2 });
      let refused: Answer | undefined;
      // At most one window boundary can fall between these few requests.
      for (let i = 0; i < 6 && !refused; i++) {
        const answer = await get("/v1/stats", limited);
        if (answer.status === 429) refused = answer;
        else expect(answer.status).toBe(200);
      }
      expect(refused?.body).toEqual({ error: { code: "RATE_LIMITED", message: "Too many requests" } });
      expect(refused?.headers.get("ratelimit-policy")).toBe('"default";q=2;w=60');
      expect(refused?.headers.get("ratelimit")).toMatch(/^"default";r=0;t=\d+$/);
      const retryAfter = Number(refused?.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    });

    it("Error Handling: the guide's submitIntent (TypeScript) and submit_intent (Python) take each branch as written", async () => {
      const agentKey = await newKey(admin.errors, ["agent"]);
      const good = {
        type: "billing.send_invoice",
        domain: "billing",
        agentId: "billing-agent",
        params: { customerId: "cust_123", amount: 99.99 },
      };
      const cases = [good, { ...good, type: "" }, { ...good, agentId: "ghost-agent" }];

      const undo = redirectGuideFetch(base);
      vi.stubEnv("INTENDEDOPS_API_KEY", agentKey);
      try {
        expect(await submitIntent(good)).toMatchObject({ intentId: expect.stringMatching(id("int")) });
        const invalid = await submitIntent(cases[1]!).catch((error: unknown) => error);
        expect(invalid).toBeInstanceOf(ValidationError);
        expect((invalid as ValidationError).details).toEqual([
          { path: ["type"], message: expect.any(String) },
        ]);
        await expect(submitIntent(cases[2]!)).rejects.toBeInstanceOf(NotFoundError);
        // Any other code takes the default branch: a read_only key may not submit (403 FORBIDDEN).
        const readOnly = await newKey(admin.errors, ["read_only"]);
        vi.stubEnv("INTENDEDOPS_API_KEY", readOnly);
        const forbidden = await submitIntent(good).catch((error: unknown) => error);
        expect(forbidden).toBeInstanceOf(ApiError);
        expect((forbidden as ApiError).code).toBe("FORBIDDEN");
      } finally {
        undo();
        vi.unstubAllEnvs();
      }

      const python = spawnSync("python3", ["-c", PYTHON_SUBMIT_INTENT, JSON.stringify(cases)], {
        cwd: API_ROOT,
        env: { ...process.env, INTENDEDOPS_API_KEY: agentKey, INTENDEDOPS_BASE_URL: base },
        encoding: "utf8",
        timeout: 30_000,
      });
      if (python.error) throw new Error(`python3 could not run: ${python.error.message}`);
      expect(python.stderr).toBe("");
      expect(JSON.parse(python.stdout)).toEqual([
        { data: expect.objectContaining({ intentId: expect.stringMatching(id("int")) }) },
        {
          ValidationError: expect.stringMatching(/^type: /),
          details: [{ path: ["type"], message: expect.any(String) }],
        },
        { ApiError: "AGENT_NOT_FOUND", message: "Agent not found: ghost-agent" },
      ]);
    });

    it("Domains & Intent Types: every type of the guide's seven tables registers, and its value goes to the Typical Value column", async () => {
      expect(Object.keys(FIXTURES).sort()).toEqual(Object.keys(TYPICAL_VALUE).sort());
      const agentKey = await newKey(admin.types, ["agent"]);
      for (const domain of DOMAINS) {
        const types = Object.keys(TYPICAL_VALUE).filter((t) => t.startsWith(`${domain}.`));
        const agent = await data(
          post("/v1/agents", agentKey, {
            name: `${domain[0]!.toUpperCase()}${domain.slice(1)} Agent`,
            domains: [domain],
            intentTypes: types,
          }),
          201,
        );
        expect(agent).toMatchObject({ id: `${domain}-agent`, intentTypes: types });
        // Trusted enough that policy approves at once: the value, not the approval, is under test here.
        await data(
          call(base, `/v1/agents/${domain}-agent/trust`, {
            method: "PUT",
            headers: json(admin.types),
            body: JSON.stringify({ tier: "T4", reason: "conformance" }),
          }),
        );
      }
      const categories: Record<string, string | null> = {};
      for (const [type, category] of Object.entries(TYPICAL_VALUE)) {
        const domain = type.split(".")[0]!;
        const submitted = await data(
          post("/v1/intents", agentKey, {
            type,
            domain,
            agentId: `${domain}-agent`,
            params: FIXTURES[type]!.valid,
          }),
          201,
        );
        expect(submitted.status, type).toBe("approved");
        // Cents without a category go to the type's category; a "-" type has none to give.
        const completed = await post(`/v1/intents/${submitted.intentId}/complete`, agentKey, {
          value: { cents: 100 },
        });
        if (category === null) {
          expect(expectEnvelope(completed, 400, "VALIDATION_ERROR").details).toEqual([
            { path: ["value", "category"], message: expect.any(String) },
          ]);
          const unvalued = await data(post(`/v1/intents/${submitted.intentId}/complete`, agentKey));
          categories[type] = unvalued.valueCategory;
        } else {
          expect(completed.status, JSON.stringify(completed.body)).toBe(200);
          categories[type] = completed.body.data.valueCategory;
        }
      }
      expect(categories).toEqual(TYPICAL_VALUE);
      const refused = await post("/v1/agents", agentKey, {
        name: "Typo Agent",
        intentTypes: ["billing.send_invoices"],
      });
      expectEnvelope(refused, 400, "VALIDATION_ERROR");
    });

    it("Webhook Setup: the guide's seven events in its envelope, verified as its Express handler does", async () => {
      const hook = await data(post("/v1/webhooks", admin.hooks, { url: receiver.url, events: ["*"] }), 201);
      const agentKey = await newKey(admin.hooks, ["agent"]);
      await data(post("/v1/agents", agentKey, { name: "Billing Agent", domains: ["billing"] }), 201);
      const submit = async (customerId: string) =>
        (
          await data(
            post("/v1/intents", agentKey, {
              type: "billing.send_invoice",
              domain: "billing",
              agentId: "billing-agent",
              params: { customerId, amount: 99.99 },
            }),
            201,
          )
        ).intentId as string;
      const [done, failed, rejected] = [
        await submit("cust_1"),
        await submit("cust_2"),
        await submit("cust_3"),
      ];
      const approvals = (await data(get("/v1/approvals", admin.hooks))).items as Json[];
      const approvalOf = (intentId: string) => approvals.find((a) => a.intentId === intentId).id;
      await data(post(`/v1/approvals/${approvalOf(done)}/approve`, admin.hooks));
      await data(post(`/v1/approvals/${approvalOf(failed)}/approve`, admin.hooks));
      await data(post(`/v1/approvals/${approvalOf(rejected)}/reject`, admin.hooks, { reason: "No" }));
      await data(post(`/v1/intents/${done}/complete`, agentKey));
      await data(post(`/v1/intents/${failed}/fail`, agentKey, { error: "Provider down" }));
      await data(
        call(base, "/v1/agents/billing-agent/trust", {
          method: "PUT",
          headers: json(admin.hooks),
          body: JSON.stringify({ tier: "T2", reason: "conformance" }),
        }),
      );

      const payloads = () =>
        receiver.requests.map((r) => ({ request: r, payload: JSON.parse(r.body) as Json }));
      await vi.waitFor(
        () => expect(new Set(payloads().map((p) => p.payload.event))).toEqual(new Set(GUIDE_EVENTS)),
        { timeout: 15_000, interval: 100 },
      );
      for (const { request, payload } of payloads()) {
        expect(Object.keys(payload)).toEqual(["id", "timestamp", "tenantId", "event", "data"]);
        expect(payload).toMatchObject({
          id: expect.stringMatching(id("whk")),
          timestamp: expect.stringMatching(ISO),
          tenantId: "guide-hooks",
        });
        expect(request.headers["content-type"]).toBe("application/json");
        // The guide's Express handler verifies JSON.stringify(req.body), not the raw bytes.
        const signature = String(request.headers["x-intendedops-signature"]);
        expect(
          verifyWebhook(JSON.stringify(JSON.parse(request.body)), signature, hook.secret),
          payload.event,
        ).toBe(true);
        if (payload.event.startsWith("intent.")) {
          expect(payload.data).toMatchObject({
            intentId: expect.stringMatching(id("int")),
            type: "billing.send_invoice",
            status: payload.event.slice("intent.".length).replace("submitted", "pending"),
          });
        } else {
          expect(payload.data.agentId).toBe("billing-agent");
        }
      }
      const approved = payloads().find(
        (p) => p.payload.data.intentId === done && p.payload.event === "intent.approved",
      );
      // The guide's example names a user; the server names the approving key (docs/webhooks.md).
      expect(approved?.payload.data).toMatchObject({
        status: "approved",
        approvedBy: expect.stringMatching(id("key")),
      });
      const trust = payloads().find((p) => p.payload.event === "agent.trust.changed");
      expect(trust?.payload.data).toMatchObject({ fromTier: "T0", toTier: "T2" });
    });

    it("Intentions API: the contract's create, list and publish, with its scopes and errors", async () => {
      const writer = await newKey(admin.intentions, ["policy_write"]);
      const agentKey = await newKey(admin.intentions, ["agent"]);
      const reader = await newKey(admin.intentions, ["read_only"]);
      const bearer = (key: string, body?: string) => ({
        method: body === undefined ? "GET" : "POST",
        headers: {
          Authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body }),
      });
      const example = `{
  "label": "customer_support_lookup",
  "display_name": "Customer Support Lookup",
  "intent_class": "lookup",
  "approval_required": false,
  "ttl_minutes": 5,
  "data_elements": [
    { "data_source_id": "salesforce_prod", "path": "Account.Name" },
    { "data_source_id": "salesforce_prod", "path": "Contact.Email" }
  ]
}`;
      const created = await call(base, "/v1/intentions", bearer(writer, example));
      expect(created.status).toBe(201);
      expect(Object.keys(created.body)).toEqual(["data"]);
      expect(Object.keys(created.body.data)).toEqual(INTENTION_FIELDS);
      expect(created.body.data).toEqual({
        id: expect.stringMatching(id("intention")),
        label: "customer_support_lookup",
        display_name: "Customer Support Lookup",
        description: null,
        intent_class: "lookup",
        status: "draft",
        approval_required: false,
        ttl_minutes: 5,
        intent_types: [],
        data_elements: [
          { data_source_id: "salesforce_prod", path: "Account.Name" },
          { data_source_id: "salesforce_prod", path: "Contact.Email" },
        ],
        created_at: expect.stringMatching(ISO),
        updated_at: created.body.data.created_at,
      });
      const intentionId = created.body.data.id as string;

      expectEnvelope(await call(base, "/v1/intentions", bearer(writer, example)), 409, "CONFLICT");
      expectEnvelope(
        await call(
          base,
          "/v1/intentions",
          bearer(agentKey, example.replace("customer_support_lookup", "other")),
        ),
        403,
        "FORBIDDEN",
      );
      expectEnvelope(
        await call(base, `/v1/intentions/${intentionId}/publish`, {
          method: "POST",
          headers: { Authorization: `Bearer ${agentKey}` },
        }),
        403,
        "FORBIDDEN",
      );

      const listed = await call(base, "/v1/intentions", bearer(reader));
      expect(listed.status).toBe(200);
      expect(Object.keys(listed.body)).toEqual(["data"]);
      expect(listed.body.data).toEqual([created.body.data]);

      // "POST /v1/intentions/{id}/publish" with only the bearer header, as the contract writes it.
      const published = await call(base, `/v1/intentions/${intentionId}/publish`, {
        method: "POST",
        headers: { Authorization: `Bearer ${writer}` },
      });
      expect(published.status).toBe(200);
      expect(Object.keys(published.body.data)).toEqual(INTENTION_FIELDS);
      expect(published.body.data).toMatchObject({ id: intentionId, status: "active" });

      // intent_class is one of the contract's seven; anything else is refused. Admin may create too.
      for (const intentClass of ["reporting", "export", "admin", "lookup", "analysis", "write", "other"]) {
        const answer = await call(
          base,
          "/v1/intentions",
          bearer(
            admin.intentions,
            JSON.stringify({ label: `class_${intentClass}`, intent_class: intentClass }),
          ),
        );
        expect(answer.status, intentClass).toBe(201);
        expect(answer.body.data).toMatchObject({ intent_class: intentClass, status: "draft" });
      }
      const badClass = await call(
        base,
        "/v1/intentions",
        bearer(writer, JSON.stringify({ label: "class_bogus", intent_class: "bogus" })),
      );
      expect(expectEnvelope(badClass, 400, "VALIDATION_ERROR").details[0].path).toEqual(["intent_class"]);

      // "The next matching tool call is decided against the intention immediately."
      await data(post("/v1/agents", agentKey, { name: "Support Agent", domains: ["support"] }), 201);
      const gated = await call(
        base,
        "/v1/intentions",
        bearer(
          writer,
          JSON.stringify({
            label: "ticket_triage",
            intent_class: "write",
            approval_required: true,
            intent_types: ["support.*"],
          }),
        ),
      );
      const triage = {
        type: "support.create_ticket",
        domain: "support",
        agentId: "support-agent",
        params: supportFixtures["support.create_ticket"].valid,
      };
      await data(
        call(base, "/v1/agents/support-agent/trust", {
          method: "PUT",
          headers: json(admin.intentions),
          body: JSON.stringify({ tier: "T4", reason: "conformance" }),
        }),
      );
      // The published lookup has no intent_types: it applies to intents that request its data, and
      // this one requests none, so it is ambient (docs/intentions.md).
      const before = await data(post("/v1/intents", agentKey, triage), 201);
      expect(before).toMatchObject({ status: "approved", decision: { intention: "ambient" } });
      const lookingUp = await data(
        post("/v1/intents", agentKey, {
          ...triage,
          dataElements: [{ dataSourceId: "salesforce_prod", path: "Contact.Email" }],
        }),
        201,
      );
      expect(lookingUp).toMatchObject({
        status: "approved",
        decision: { intention: "customer_support_lookup" },
      });
      await data(
        call(base, `/v1/intentions/${gated.body.data.id}/publish`, {
          method: "POST",
          headers: { Authorization: `Bearer ${writer}` },
        }),
      );
      // Now the narrower ticket_triage (no data elements) matches, and it requires a human.
      const after = await data(post("/v1/intents", agentKey, triage), 201);
      expect(after).toMatchObject({ status: "pending", decision: { intention: "ticket_triage" } });
    });

    it("Common Operations: the clients' page, pageSize and filters walk every page in order", async () => {
      const agentKey = await newKey(admin.pages, ["agent"]);
      for (const name of ["Billing Agent", "Other Billing Agent"]) {
        await data(post("/v1/agents", agentKey, { name, domains: ["billing"] }), 201);
      }
      for (let i = 0; i < 7; i++) {
        await data(
          post("/v1/intents", agentKey, {
            type: "billing.send_invoice",
            domain: "billing",
            agentId: i % 3 === 0 ? "other-billing-agent" : "billing-agent",
            params: { customerId: `cust_${i}`, amount: 10 + i },
          }),
          201,
        );
      }
      // The Python client's defaults, then the guide's "List all intents" example.
      const first = await data(get("/v1/intents?page=1&pageSize=20", agentKey));
      expect(Object.keys(first)).toEqual(["items", "total", "page", "pageSize"]);
      expect(first).toMatchObject({ total: 7, page: 1, pageSize: 20 });
      const all = await data(get("/v1/intents?page=1&pageSize=50", agentKey));
      expect(all.items.map((i: Json) => i.id)).toEqual(first.items.map((i: Json) => i.id));
      for (const item of all.items) {
        expect(item).toMatchObject({
          id: expect.stringMatching(id("int")),
          type: "billing.send_invoice",
          domain: "billing",
          status: "pending",
          params: expect.any(Object),
          createdAt: expect.stringMatching(ISO),
        });
      }
      const newestFirst = [...all.items].sort(
        (a: Json, b: Json) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
      );
      expect(all.items).toEqual(newestFirst);

      const walk = async (path: string, pageSize: number) => {
        const ids: string[] = [];
        const pages = Math.ceil(7 / pageSize) + 1;
        for (let page = 1; page <= pages; page++) {
          const listed = await data(
            get(`${path}${path.includes("?") ? "&" : "?"}page=${page}&pageSize=${pageSize}`, agentKey),
          );
          expect(listed).toMatchObject({ total: 7, page, pageSize });
          ids.push(...listed.items.map((i: Json) => i.id));
        }
        return ids;
      };
      const approvalIds = (await data(get("/v1/approvals?pageSize=100", agentKey))).items.map(
        (a: Json) => a.id,
      );
      expect(approvalIds).toHaveLength(7);
      for (const pageSize of [1, 2, 3, 5, 7]) {
        expect(await walk("/v1/intents", pageSize), `intents, pageSize ${pageSize}`).toEqual(
          all.items.map((i: Json) => i.id),
        );
        expect(await walk("/v1/approvals", pageSize), `approvals, pageSize ${pageSize}`).toEqual(approvalIds);
      }
      // listIntents({ status, agentId }) as the TypeScript client builds it.
      const filtered = await data(get("/v1/intents?status=pending&agentId=other-billing-agent", agentKey));
      expect(filtered.total).toBe(3);
      expect(filtered.items.every((i: Json) => i.agentId === "other-billing-agent")).toBe(true);

      // Approval items: id, intentId, the intent's summary, why, requestedAt and expiresAt (the issue).
      const [approval] = (await data(get("/v1/approvals", agentKey))).items;
      expect(approval).toMatchObject({
        id: expect.stringMatching(id("apr")),
        intentId: expect.stringMatching(id("int")),
        status: "pending",
        reasons: [expect.any(String)],
        requestedAt: expect.stringMatching(ISO),
        expiresAt: expect.stringMatching(ISO),
        intent: { type: "billing.send_invoice", domain: "billing", params: expect.any(Object) },
      });
    });

    it("Audit: the clients' eventType, fromDate and toDate, in the forms JavaScript and Python print dates", async () => {
      const key = admin.pages;
      const now = new Date();
      const earlier = new Date(now.getTime() - 3_600_000);
      const later = new Date(now.getTime() + 3_600_000);
      const pythonNaive = (d: Date) => `${d.toISOString().slice(0, 19)}.123456`; // datetime.utcnow().isoformat()
      const pythonAware = (d: Date) => `${d.toISOString().slice(0, 19)}.123456+00:00`; // datetime.now(timezone.utc)
      const everything = await data(get("/v1/audit?pageSize=100", key));
      expect(everything.total).toBeGreaterThan(7);
      for (const [from, to] of [
        [earlier.toISOString(), later.toISOString()],
        [pythonNaive(earlier), pythonNaive(later)],
        [pythonAware(earlier), pythonAware(later)],
        [earlier.toISOString().slice(0, 10), later.toISOString().slice(0, 10)],
      ] as const) {
        const query = new URLSearchParams({ eventType: "intent.submitted", fromDate: from, toDate: to });
        const answer = await data(get(`/v1/audit?${query}`, key));
        expect(answer.total, `${from} .. ${to}`).toBe(7);
        for (const event of answer.items) {
          expect(event).toMatchObject({
            id: expect.stringMatching(id("evt")),
            eventType: "intent.submitted",
            intentId: expect.stringMatching(id("int")),
            timestamp: expect.stringMatching(ISO),
          });
        }
      }
      const none = await data(get(`/v1/audit?fromDate=${encodeURIComponent(later.toISOString())}`, key));
      expect(none.total).toBe(0);
      // GET /v1/audit/verify: the guide's {valid, eventCount}, plus headHash (docs/api.md).
      expect(await data(get("/v1/audit/verify", key))).toEqual({
        valid: true,
        eventCount: everything.total,
        headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });

    it("Metrics: the guide's 17 metrics with its types, descriptions and labels", async () => {
      const scrape = await fetch(`${base}/metrics`);
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const text = await scrape.text();
      for (const [name, [type, help]] of Object.entries(GUIDE_METRICS)) {
        expect(text).toContain(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`);
      }
      const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
      expect(names.sort()).toEqual(Object.keys(GUIDE_METRICS).sort());
      const used = new Set<string>();
      for (const line of text.split("\n")) {
        if (!line || line.startsWith("#")) continue;
        for (const label of (/\{(.*)\}/.exec(line)?.[1] ?? "").matchAll(/(\w+)="/g)) used.add(label[1]!);
      }
      expect([...used].filter((label) => !METRIC_LABELS.has(label))).toEqual([]);
      // The Quick Start's submission and value, labelled with the guide's labels.
      const sample = (name: string, labels: Record<string, string>) =>
        text.split("\n").find((line) => {
          const match = /^(\w+)\{(.*)\} /.exec(line);
          if (match?.[1] !== name) return false;
          const present = Object.fromEntries(
            [...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
          );
          return (
            JSON.stringify(Object.keys(present).sort()) === JSON.stringify(Object.keys(labels).sort()) &&
            Object.entries(labels).every(([k, v]) => present[k] === v)
          );
        });
      expect(
        sample("intendedops_intents_submitted_total", {
          tenantId: "guide-quick",
          agentId: "billing-agent",
          domain: "billing",
          intentType: "billing.send_invoice",
        }),
      ).toMatch(/ 1$/);
      expect(
        sample("intendedops_value_by_type_cents_total", {
          tenantId: "guide-quick",
          domain: "billing",
          category: "revenue",
        }),
      ).toMatch(/ 542001$/);
    });

    it("Authentication: /openapi.json (the guide's full reference) documents the optional x-tenant-id header", async () => {
      const doc = (await call(base, "/openapi.json")).body;
      let authenticated = 0;
      for (const [path, operations] of Object.entries<Json>(doc.paths)) {
        for (const [method, operation] of Object.entries<Json>(operations)) {
          const tenant = (operation.parameters ?? []).filter(
            (p: Json) => p.in === "header" && p.name === "x-tenant-id",
          );
          // Public routes, and /metrics with its own token, take no API key and so no tenant.
          if (!(operation.security ?? []).some((requirement: Json) => "ApiKeyAuth" in requirement)) {
            expect(tenant, `${method} ${path}`).toEqual([]);
            continue;
          }
          authenticated += 1;
          expect(tenant, `${method} ${path}`).toEqual([
            expect.objectContaining({ required: false, schema: { type: "string" } }),
          ]);
        }
      }
      expect(authenticated).toBeGreaterThan(30);
    });

    it("Rate Limiting: each window resets at the start of a wall-clock minute", async () => {
      const key = await newKey(admin.errors, ["read_only"]);
      const untilNextMinute = (ms: number) => Math.ceil((60_000 - (ms % 60_000)) / 1000);
      for (;;) {
        const before = Date.now();
        const answer = await get("/v1/stats", key);
        const after = Date.now();
        // A minute boundary between the two clock readings leaves nothing to compare: ask again.
        if (Math.floor(before / 60_000) !== Math.floor(after / 60_000)) continue;
        const reset = Number(/;t=(\d+)$/.exec(answer.headers.get("ratelimit") ?? "")?.[1]);
        expect(reset).toBeGreaterThanOrEqual(untilNextMinute(after));
        expect(reset).toBeLessThanOrEqual(untilNextMinute(before));
        return;
      }
    });

    it.runIf(dialect === "postgres")(
      "Quick Start: /health answers 503 with status unhealthy while the database refuses connections, and other routes 503",
      async () => {
        const key = await newKey(admin.errors, ["read_only"]);
        expect((await get("/v1/stats", key)).status).toBe(200);
        const allow = await refuseConnections!();
        try {
          const health = await call(base, "/health");
          expect(health.status).toBe(503);
          expect(health.body).toEqual({
            data: { status: "unhealthy", timestamp: expect.stringMatching(ISO) },
          });
          // docs/api.md: a database that cannot be reached is 503 SERVICE_UNAVAILABLE, not 500
          // (PostgreSQL refuses here with 55000 "not currently accepting connections").
          expectEnvelope(await get("/v1/stats", key), 503, "SERVICE_UNAVAILABLE");
        } finally {
          await allow();
        }
        await vi.waitFor(async () => expect((await call(base, "/health")).status).toBe(200), {
          timeout: 5_000,
        });
      },
    );
  },
);
