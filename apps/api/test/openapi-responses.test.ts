import { randomUUID } from "node:crypto";
import { INTENT_STATUSES, IntendedOpsError } from "@intendedops/core";
import { validate as validateOpenApi } from "@readme/openapi-parser";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishIntention, SEED_INTENTION, SUPPORT_AGENT } from "./intentions-support";
import {
  BILLING_AGENT,
  createTestApp,
  DIALECTS,
  type RequestOptions,
  SEND_INVOICE,
  type TestApp,
} from "./support/test-app";
import { type Receiver, StandardWebhook, startReceiver } from "./webhooks-support";

/**
 * What the server sends must be what /openapi.json says it sends: every route the document lists
 * is called, and each answer is checked against the document for its path, method and status —
 * the status is listed, the content type matches, the body validates (an undocumented field is a
 * failure: object schemas are read as closed), and the headers the document declares are there
 * while the ones the server adds (request id, rate limit, Retry-After, …) are declared.
 */

// biome-ignore lint/suspicious/noExplicitAny: the document and the bodies are inspected as plain JSON.
type Json = any;

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ??
  addFormatsPlugin) as unknown as (ajv: Ajv2020) => void;

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** Headers the server may add to any answer; each one it sends must be declared for that answer. */
const SERVER_HEADERS = [
  "x-request-id",
  "ratelimit",
  "ratelimit-policy",
  "retry-after",
  "idempotent-replayed",
  "cache-control",
  "allow",
];

const pointer = (...parts: string[]) =>
  `#/${parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;

function resolve(document: Json, node: Json): Json {
  let current = node;
  while (current && typeof current.$ref === "string") {
    const parts = current.$ref
      .slice(2)
      .split("/")
      .map((p: string) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
    current = parts.reduce((at: Json, part: string) => at?.[part], document);
  }
  return current;
}

/**
 * A copy of the document whose object schemas are closed: `allOf` of objects merged into one
 * object, then every object schema that lists `properties` without saying what else it allows
 * gets `additionalProperties: false`. Read this way, a field the server sends that the document
 * does not name fails validation, instead of passing silently.
 */
function closedCopy(document: Json): Json {
  const copy = structuredClone(document);
  const merge = (schema: Json): Json => {
    if (!Array.isArray(schema.allOf)) return schema;
    const parts = schema.allOf.map((part: Json) => merge(structuredClone(resolve(copy, part))));
    if (!parts.every((p: Json) => p.type === "object" && p.properties)) return schema;
    const { allOf: _, ...rest } = schema;
    return {
      ...rest,
      type: "object",
      properties: Object.assign({}, ...parts.map((p: Json) => p.properties)),
      required: [...new Set(parts.flatMap((p: Json) => p.required ?? []))],
    };
  };
  const close = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(close);
    if (!node || typeof node !== "object") return node;
    let schema = merge(node);
    schema = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, close(v)]));
    if (
      schema.properties &&
      typeof schema.properties === "object" &&
      schema.additionalProperties === undefined &&
      schema.unevaluatedProperties === undefined
    ) {
      schema.additionalProperties = false;
    }
    return schema;
  };
  copy.components.schemas = close(copy.components.schemas);
  for (const item of Object.values<Json>(copy.paths)) {
    for (const method of HTTP_METHODS) {
      for (const response of Object.values<Json>(item[method]?.responses ?? {})) {
        for (const media of Object.values<Json>(response.content ?? {})) media.schema = close(media.schema);
      }
    }
  }
  return copy;
}

/** The media type without parameters, lower case. */
const mediaType = (value: string | null) => (value ?? "").split(";")[0]!.trim().toLowerCase();

class Conformance {
  readonly document: Json;
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  /** `METHOD template status` of every answer checked. */
  readonly seen = new Set<string>();

  constructor(document: Json) {
    this.document = document;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...closedCopy(document), $id: "openapi.json" });
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json${ref}` });
      this.validators.set(ref, validate);
    }
    return validate;
  }

  private fail(condition: boolean, message: string) {
    if (!condition) expect.fail(message);
  }

  /** Check one answer against the document; its parsed body. */
  async check(method: string, template: string, response: Response): Promise<Json> {
    const verb = method.toLowerCase();
    const where = `${method} ${template} → ${response.status}`;
    const operation = this.document.paths[template]?.[verb];
    expect(operation, `${method} ${template} is not in the document`).toBeDefined();
    const status = String(response.status);
    const text = await response.text();
    const documented = resolve(this.document, operation.responses[status]);
    expect(documented, `${where} is not documented (body: ${text.slice(0, 300)})`).toBeDefined();
    this.seen.add(`${method} ${template} ${status}`);

    const content: Record<string, Json> = documented.content ?? {};
    const type = mediaType(response.headers.get("content-type"));
    let body: Json;
    if (Object.keys(content).length === 0) {
      expect(text, `${where} has a body the document does not describe`).toBe("");
    } else {
      expect(Object.keys(content), `${where} content type`).toContain(type);
      body = type.endsWith("json") ? JSON.parse(text) : text;
      // A shared response (`components/responses/…`) is validated where it is defined.
      const at: string =
        operation.responses[status].$ref ?? pointer("paths", template, verb, "responses", status);
      const validate = this.validator(`${at}${pointer("content", type, "schema").slice(1)}`);
      if (!validate(body)) {
        const errors = (validate.errors ?? []).map(
          (e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`,
        );
        expect.fail(
          `${where}: the body does not match the document:\n${errors.join("\n")}\n${text.slice(0, 1500)}`,
        );
      }
    }

    const declared = new Map<string, Json>(
      Object.entries<Json>(documented.headers ?? {}).map(([name, header]) => [
        name.toLowerCase(),
        resolve(this.document, header),
      ]),
    );
    for (const [name, header] of declared) {
      const value = response.headers.get(name);
      if (header.required) this.fail(value !== null, `${where}: header ${name} is required`);
      if (value !== null && header.schema) {
        const validate = this.ajv.compile(header.schema);
        const parsed =
          header.schema.type === "integer" || header.schema.type === "number" ? Number(value) : value;
        this.fail(validate(parsed), `${where}: header ${name}: ${value} ${JSON.stringify(validate.errors)}`);
      }
    }
    for (const name of SERVER_HEADERS) {
      if (response.headers.has(name)) {
        this.fail(declared.has(name), `${where}: the server sends ${name}, the document does not declare it`);
      }
    }
    return body;
  }

  /** Every (path, method, status) the document lists. */
  operations(): { key: string; status: number }[] {
    const out: { key: string; status: number }[] = [];
    for (const [path, item] of Object.entries<Json>(this.document.paths)) {
      for (const method of HTTP_METHODS) {
        for (const status of Object.keys(item[method]?.responses ?? {})) {
          out.push({ key: `${method.toUpperCase()} ${path} ${status}`, status: Number(status) });
        }
      }
    }
    return out;
  }
}

/** Fill `{name}` placeholders. */
const fill = (template: string, params: Record<string, string> = {}) =>
  template.replaceAll(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? `missing_${name}`),
  );

interface CallOptions extends RequestOptions {
  params?: Record<string, string>;
  query?: string;
  /** The status the call must answer. */
  expect?: number;
}

const INVOICE = {
  type: "billing.send_invoice",
  agentId: "billing-agent",
};

describe.each(DIALECTS)("/openapi.json describes every answer on %s", (dialect) => {
  let t: TestApp;
  let c: Conformance;
  let receiver: Receiver;
  let customer = 0;

  /** Call a documented route and check the answer; the parsed body. */
  async function call(method: string, template: string, options: CallOptions = {}): Promise<Json> {
    const { params, query, expect: status, ...request } = options;
    const path = `${fill(template, params)}${query ? `?${query}` : ""}`;
    const response = await t.request(method, path, request);
    const answered = response.status;
    const body = await c.check(method, template, response);
    if (status !== undefined) expect(answered, `${method} ${path}: ${JSON.stringify(body)}`).toBe(status);
    return body;
  }

  /** A fresh invoice from the T0 billing agent: it waits for a human. Its intent and approval ids. */
  async function pendingInvoice(extra: Record<string, unknown> = {}) {
    customer += 1;
    const submitted = await call("POST", "/v1/intents", {
      key: t.keys.agent,
      body: { ...INVOICE, params: { customerId: `cust_${customer}`, amount: 100 + customer }, ...extra },
      expect: 201,
    });
    expect(submitted.data.status).toBe("pending");
    const details = await call("GET", "/v1/intents/{id}", {
      params: { id: submitted.data.intentId },
      expect: 200,
    });
    return { intentId: submitted.data.intentId as string, approvalId: details.data.approval.id as string };
  }

  beforeAll(async () => {
    t = await createTestApp(dialect, { INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1" });
    receiver = await startReceiver();
    const document = await (await t.request("GET", "/openapi.json", { key: null })).json();
    c = new Conformance(document);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    await t.data("POST", "/v1/agents", { body: SUPPORT_AGENT, key: t.keys.agent });
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await validateOpenApi(structuredClone(c.document));
    expect(result.valid, JSON.stringify(result)).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(c.document.openapi).toMatch(/^3\.1\./);
  });

  it("gives every operation a unique operationId", () => {
    const ids: string[] = [];
    for (const item of Object.values<Json>(c.document.paths)) {
      for (const method of HTTP_METHODS) if (item[method]) ids.push(item[method].operationId);
    }
    expect(
      ids.every((id) => typeof id === "string" && /^[a-zA-Z][a-zA-Z0-9]*$/.test(id)),
      ids.join(),
    ).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("system routes: /health, /metrics, /.well-known/jwks.json, /openapi.json", async () => {
    const health = await call("GET", "/health", { key: null, expect: 200 });
    expect(health.data.status).toBe("healthy");
    await call("GET", "/metrics", { key: null, expect: 200 });
    const jwks = await call("GET", "/.well-known/jwks.json", { key: null, expect: 200 });
    expect(jwks.keys.length).toBeGreaterThan(0);
    await call("GET", "/openapi.json", { key: null, expect: 200 });
    // A key presented to a public route does not change its answer.
    await call("GET", "/health", { expect: 200 });
  });

  it("agents: register, list, get, metrics, trust override", async () => {
    const created = await call("POST", "/v1/agents", {
      key: t.keys.agent,
      body: { name: "Sales Agent", domains: ["sales"], intentTypes: ["sales.*"] },
      expect: 201,
    });
    expect(created.data.description).toBeNull();
    await call("POST", "/v1/agents", { key: t.keys.agent, body: { name: "Sales Agent" }, expect: 409 });
    await call("GET", "/v1/agents", { query: "page=1&pageSize=2", expect: 200 });
    await call("GET", "/v1/agents/{id}", { params: { id: "billing-agent" }, expect: 200 });
    await call("GET", "/v1/agents/{id}", { params: { id: "nobody" }, expect: 404 });
    // Metrics of an agent without intents (successRate null), then after some.
    await call("GET", "/v1/agents/{id}/metrics", { params: { id: created.data.id }, expect: 200 });
    await call("GET", "/v1/agents/{id}/metrics", { params: { id: "nobody" }, expect: 404 });
    await call("PUT", "/v1/agents/{id}/trust", {
      params: { id: created.data.id },
      body: { tier: "T2", reason: "Vetted" },
      expect: 200,
    });
    await call("GET", "/v1/agents/{id}/metrics", { params: { id: created.data.id }, expect: 200 });
    await call("PUT", "/v1/agents/{id}/trust", {
      params: { id: "nobody" },
      body: { tier: "T2", reason: "Vetted" },
      expect: 404,
    });
  });

  it("intents and approvals: every status an intent and an approval can take", async () => {
    // pending → approved → completed (with a value), the approval approved.
    const first = await pendingInvoice();
    await call("GET", "/v1/approvals/{id}", { params: { id: first.approvalId }, expect: 200 });
    const approved = await call("POST", "/v1/approvals/{id}/approve", {
      key: t.keys.approver,
      params: { id: first.approvalId },
      expect: 200,
    });
    expect(approved.data.intent.status).toBe("approved");
    await call("POST", "/v1/approvals/{id}/approve", {
      key: t.keys.approver,
      params: { id: first.approvalId },
      expect: 400,
    });
    const completed = await call("POST", "/v1/intents/{id}/complete", {
      key: t.keys.agent,
      params: { id: first.intentId },
      body: { result: { invoiceId: "inv_1" }, value: { cents: 9900, category: "revenue" } },
      expect: 200,
    });
    expect(completed.data.status).toBe("completed");
    await call("POST", "/v1/intents/{id}/complete", {
      key: t.keys.agent,
      params: { id: first.intentId },
      expect: 409,
    });
    await call("GET", "/v1/intents/{id}", { params: { id: first.intentId }, expect: 200 });

    // approved → completed without a body (the type's estimate, or no value).
    const second = await pendingInvoice();
    await call("POST", "/v1/approvals/{id}/approve", {
      key: t.keys.approver,
      params: { id: second.approvalId },
      expect: 200,
    });
    await call("POST", "/v1/intents/{id}/complete", {
      key: t.keys.agent,
      params: { id: second.intentId },
      expect: 200,
    });

    // approved → failed.
    const third = await pendingInvoice();
    await call("POST", "/v1/approvals/{id}/approve", {
      key: t.keys.approver,
      params: { id: third.approvalId },
      expect: 200,
    });
    const failed = await call("POST", "/v1/intents/{id}/fail", {
      key: t.keys.agent,
      params: { id: third.intentId },
      body: { error: "Payment provider timed out" },
      expect: 200,
    });
    expect(failed.data.status).toBe("failed");
    await call("POST", "/v1/intents/{id}/fail", {
      key: t.keys.agent,
      params: { id: third.intentId },
      body: { error: "again" },
      expect: 409,
    });
    await call("GET", "/v1/intents/{id}", { params: { id: third.intentId }, expect: 200 });

    // pending → rejected, with and without a reason.
    const fourth = await pendingInvoice();
    const rejected = await call("POST", "/v1/approvals/{id}/reject", {
      key: t.keys.approver,
      params: { id: fourth.approvalId },
      body: { reason: "Amount exceeds approved limit" },
      expect: 200,
    });
    expect(rejected.data).toMatchObject({ status: "rejected", intent: { status: "rejected" } });
    const fifth = await pendingInvoice();
    await call("POST", "/v1/approvals/{id}/reject", {
      key: t.keys.approver,
      params: { id: fifth.approvalId },
      expect: 200,
    });
    await call("GET", "/v1/intents/{id}", { params: { id: fourth.intentId }, expect: 200 });

    // blocked by a policy.
    const block = await call("POST", "/v1/policies", {
      key: t.keys.policy_write,
      body: {
        name: "Huge invoices are blocked",
        effect: "block",
        match: { types: ["billing.send_invoice"], params: { field: "amount", op: "gt", value: 100_000 } },
        reason: "Invoices above $100,000 go through finance",
      },
      expect: 201,
    });
    const blocked = await call("POST", "/v1/intents", {
      key: t.keys.agent,
      body: { ...INVOICE, params: { customerId: "cust_b", amount: 250_000 } },
      expect: 201,
    });
    expect(blocked.data.status).toBe("blocked");
    const blockedDetails = await call("GET", "/v1/intents/{id}", {
      params: { id: blocked.data.intentId },
      expect: 200,
    });
    expect(blockedDetails.data.approval).toBeNull();
    await call("DELETE", "/v1/policies/{id}", {
      key: t.keys.policy_write,
      params: { id: block.data.id },
      expect: 200,
    });

    // pending → expired, with one of two votes cast.
    await call("POST", "/v1/policies", {
      key: t.keys.policy_write,
      body: {
        name: "This customer's invoices need two approvers within ten minutes",
        effect: "require_approval",
        match: {
          types: ["billing.send_invoice"],
          params: { field: "customerId", op: "eq", value: "cust_late" },
        },
        approval: { approvers: 2, expiresInSeconds: 600 },
      },
      expect: 201,
    });
    const credit = await call("POST", "/v1/intents", {
      key: t.keys.agent,
      body: { ...INVOICE, params: { customerId: "cust_late", amount: 5 } },
      expect: 201,
    });
    const creditDetails = await call("GET", "/v1/intents/{id}", {
      params: { id: credit.data.intentId },
      expect: 200,
    });
    const vote = await call("POST", "/v1/approvals/{id}/approve", {
      key: t.keys.approver,
      params: { id: creditDetails.data.approval.id },
      expect: 200,
    });
    expect(vote.data.status).toBe("pending");
    t.clock.set(Date.parse(creditDetails.data.approval.expiresAt) + 1);
    await t.services.governor.expireDue(t.clock());
    const expired = await call("GET", "/v1/intents/{id}", {
      params: { id: credit.data.intentId },
      expect: 200,
    });
    expect(expired.data).toMatchObject({ status: "expired", approval: { status: "expired" } });
    await call("GET", "/v1/approvals/{id}", { params: { id: creditDetails.data.approval.id }, expect: 200 });
    await call("POST", "/v1/approvals/{id}/reject", {
      key: t.keys.approver,
      params: { id: creditDetails.data.approval.id },
      expect: 400,
    });

    // approved without a human (low risk, matched intention: a token is minted).
    await publishIntention(t, { ...SEED_INTENTION, intent_types: ["support.*"] });
    const allowed = await call("POST", "/v1/intents", {
      key: t.keys.agent,
      body: {
        type: "support.auto_categorize",
        agentId: "support-agent",
        params: { ticketId: "T-1" },
        intention: "customer_support_lookup",
        dataElements: [{ dataSourceId: "salesforce_prod", path: "Account.Name" }],
      },
      expect: 201,
    });
    expect(allowed.data).toMatchObject({ status: "approved", decision: { outcome: "allow" } });
    const withToken = await call("GET", "/v1/intents/{id}", {
      params: { id: allowed.data.intentId },
      expect: 200,
    });
    expect(typeof withToken.data.intentToken).toBe("string");

    // The idempotent replay (200) and a reuse with another body (422); an unknown agent (404).
    const keyed = { ...SEND_INVOICE, idempotencyKey: `invoice-${randomUUID()}` };
    await call("POST", "/v1/intents", { key: t.keys.agent, body: keyed, expect: 201 });
    const replay = await call("POST", "/v1/intents", { key: t.keys.agent, body: keyed, expect: 200 });
    expect(replay.data.status).toBe("pending");
    // A replay reports the intent's status now, not the one it was submitted with.
    const keyedApproval = (await t.data("GET", `/v1/intents/${replay.data.intentId}`)).approval.id;
    await t.data("POST", `/v1/approvals/${keyedApproval}/approve`, { key: t.keys.approver });
    await t.data("POST", `/v1/intents/${replay.data.intentId}/complete`, { key: t.keys.agent });
    const late = await call("POST", "/v1/intents", { key: t.keys.agent, body: keyed, expect: 200 });
    expect(late.data.status).toBe("completed");
    await call("POST", "/v1/intents", {
      key: t.keys.agent,
      body: { ...keyed, params: { customerId: "someone else" } },
      expect: 422,
    });
    await call("POST", "/v1/intents", {
      key: t.keys.agent,
      body: { ...INVOICE, agentId: "nobody" },
      expect: 404,
    });
    await call("POST", "/v1/intents", { key: t.keys.agent, body: { agentId: "billing-agent" }, expect: 400 });
    await call("GET", "/v1/intents/{id}", { params: { id: "int_nothing" }, expect: 404 });

    // Lists, filtered by every status.
    for (const status of INTENT_STATUSES) {
      await call("GET", "/v1/intents", { query: `status=${status}`, expect: 200 });
    }
    await call("GET", "/v1/intents", {
      query: "page=1&pageSize=100&agentId=billing-agent&domain=billing",
      expect: 200,
    });
    await call("GET", "/v1/intents", { query: "status=nonsense", expect: 400 });
    for (const status of ["pending", "approved", "rejected", "expired", "all"]) {
      await call("GET", "/v1/approvals", { query: `status=${status}&pageSize=100`, expect: 200 });
    }
    await call("GET", "/v1/approvals", { expect: 200 });
    await call("GET", "/v1/approvals/{id}", { params: { id: "apr_nothing" }, expect: 404 });
    await call("POST", "/v1/approvals/{id}/approve", {
      key: t.keys.approver,
      params: { id: "apr_nothing" },
      expect: 404,
    });
    await call("POST", "/v1/intents/{id}/complete", {
      key: t.keys.agent,
      params: { id: "int_nothing" },
      expect: 404,
    });

    // Now the agents carry outcomes, value and trust changes.
    await call("GET", "/v1/agents/{id}/metrics", { params: { id: "billing-agent" }, expect: 200 });
    await call("GET", "/v1/agents", { expect: 200 });
    await call("GET", "/v1/stats", { expect: 200 });
  });

  it("policies: create, list, get, replace, simulate, delete", async () => {
    const created = await call("POST", "/v1/policies", {
      key: t.keys.policy_write,
      body: {
        name: "Large refunds need a human",
        description: "Finance reviews them",
        effect: "require_approval",
        mode: "shadow",
        match: {
          types: ["billing.process_refund"],
          tiers: { min: "T0", max: "T2" },
          params: {
            all: [{ field: "amount", op: "gt", value: 500 }, { not: { field: "currency", op: "exists" } }],
          },
        },
        reason: "Refunds above $500 are reviewed",
      },
      expect: 201,
    });
    await call("GET", "/v1/policies", { expect: 200 });
    await call("GET", "/v1/policies/{id}", { params: { id: created.data.id }, expect: 200 });
    await call("GET", "/v1/policies/{id}", { params: { id: "pol_nothing" }, expect: 404 });
    await call("PUT", "/v1/policies/{id}", {
      key: t.keys.policy_write,
      params: { id: created.data.id },
      body: {
        name: "Large refunds need a human",
        effect: "block",
        match: { types: ["billing.process_refund"] },
      },
      expect: 200,
    });
    await call("PUT", "/v1/policies/{id}", {
      key: t.keys.policy_write,
      params: { id: "pol_nothing" },
      body: { name: "x", effect: "block" },
      expect: 404,
    });
    await call("POST", "/v1/policies/simulate", {
      key: t.keys.policy_write,
      body: {
        type: "billing.send_invoice",
        agentId: "billing-agent",
        params: { customerId: "c", amount: 900 },
      },
      expect: 200,
    });
    await call("POST", "/v1/policies/simulate", {
      key: t.keys.policy_write,
      body: { type: "billing.send_invoice", agentId: "nobody", params: { customerId: "c", amount: 1 } },
      expect: 404,
    });
    await call("DELETE", "/v1/policies/{id}", {
      key: t.keys.policy_write,
      params: { id: created.data.id },
      expect: 200,
    });
    await call("DELETE", "/v1/policies/{id}", {
      key: t.keys.policy_write,
      params: { id: created.data.id },
      expect: 404,
    });
  });

  it("intentions, ambient clusters and intent tokens", async () => {
    const draft = await call("POST", "/v1/intentions", {
      key: t.keys.policy_write,
      body: {
        label: "pipeline_review",
        display_name: "Pipeline Review",
        description: null,
        intent_class: "reporting",
        approval_required: true,
        ttl_minutes: 15,
        intent_types: ["sales.update_pipeline"],
        data_elements: [{ data_source_id: "crm", path: "Opportunity.Amount" }],
      },
      expect: 201,
    });
    expect(draft.data).toMatchObject({ status: "draft", description: null });
    await call("POST", "/v1/intentions", {
      key: t.keys.policy_write,
      body: { label: "pipeline_review", display_name: "Again", intent_class: "reporting" },
      expect: 409,
    });
    await call("GET", "/v1/intentions", { expect: 200 });
    await call("GET", "/v1/intentions/{id}", { params: { id: draft.data.id }, expect: 200 });
    await call("GET", "/v1/intentions/{id}", { params: { id: "intention_nothing" }, expect: 404 });
    await call("PATCH", "/v1/intentions/{id}", {
      key: t.keys.policy_write,
      params: { id: draft.data.id },
      body: { ttl_minutes: 30 },
      expect: 200,
    });
    await call("POST", "/v1/intentions/{id}/publish", {
      key: t.keys.policy_write,
      params: { id: draft.data.id },
      expect: 200,
    });
    await call("POST", "/v1/intentions/{id}/publish", {
      key: t.keys.policy_write,
      params: { id: draft.data.id },
      expect: 409,
    });
    await call("POST", "/v1/intentions/{id}/archive", {
      key: t.keys.policy_write,
      params: { id: draft.data.id },
      expect: 200,
    });
    await call("POST", "/v1/intentions/{id}/publish", {
      key: t.keys.policy_write,
      params: { id: "intention_nothing" },
      expect: 404,
    });

    // Ambient traffic: an intent no intention matches, then the cluster it falls into.
    await call("POST", "/v1/intents", {
      key: t.keys.agent,
      body: {
        type: "support.create_ticket",
        agentId: "support-agent",
        params: { customerId: "cust_t", subject: "Login fails" },
        dataElements: [{ dataSourceId: "zendesk", path: "Ticket.Subject" }],
      },
      expect: 201,
    });
    const clusters = await call("GET", "/v1/intentions/ambient", { query: "limit=10", expect: 200 });
    const cluster = clusters.data.find((cl: Json) => cl.intent_type === "support.create_ticket");
    expect(cluster).toBeDefined();
    await call("POST", "/v1/intentions/ambient/{clusterId}/generalize", {
      key: t.keys.policy_write,
      params: { clusterId: cluster.id },
      expect: 201,
    });
    await call("POST", "/v1/intentions/ambient/{clusterId}/generalize", {
      key: t.keys.policy_write,
      params: { clusterId: "amb_0000000000000000" },
      expect: 404,
    });

    // A token minted for an intent under an active intention, verified, and refused.
    const intents = await t.data("GET", "/v1/intents?status=approved&pageSize=100");
    const token = intents.items.find((i: Json) => typeof i.intentToken === "string")?.intentToken;
    expect(token).toBeDefined();
    const valid = await call("POST", "/v1/tokens/verify", { body: { token }, expect: 200 });
    expect(valid.data.valid).toBe(true);
    const invalid = await call("POST", "/v1/tokens/verify", { body: { token: "not.a.token" }, expect: 200 });
    expect(invalid.data.valid).toBe(false);
    const foreign = await call("POST", "/v1/tokens/verify", {
      key: t.keys.other,
      body: { token },
      expect: 200,
    });
    expect(foreign.data).toMatchObject({ valid: false, error: "other_tenant" });
  });

  it("audit: query and verify", async () => {
    const page = await call("GET", "/v1/audit", { query: "pageSize=100", expect: 200 });
    expect(page.data.items.length).toBeGreaterThan(0);
    await call("GET", "/v1/audit", {
      query:
        "eventType=intent.submitted&fromDate=2026-01-01&toDate=2026-12-31T23:59:59Z&agentId=billing-agent",
      expect: 200,
    });
    await call("GET", "/v1/audit", { query: "fromDate=2026-02-30", expect: 400 });
    const verified = await call("GET", "/v1/audit/verify", { expect: 200 });
    expect(verified.data.valid).toBe(true);
  });

  it("API keys: create, list, revoke; a key's own rate limit answers 429 with Retry-After", async () => {
    const created = await call("POST", "/v1/api-keys", {
      body: { name: "limited reader", scopes: ["read_only"], rateLimitPerMinute: 1 },
      expect: 201,
    });
    await call("GET", "/v1/stats", { key: created.data.key, expect: 200 });
    await call("GET", "/v1/stats", { key: created.data.key, expect: 429 });
    await call("GET", "/v1/api-keys", { query: "pageSize=100", expect: 200 });
    await call("DELETE", "/v1/api-keys/{id}", { params: { id: created.data.id }, expect: 200 });
    await call("GET", "/v1/api-keys", { expect: 200 });
    await call("DELETE", "/v1/api-keys/{id}", { params: { id: "key_nothing" }, expect: 404 });
  });

  it("webhooks: create, list, get, update, rotate, test, deliveries, redeliver, delete", async () => {
    const created = await call("POST", "/v1/webhooks", {
      body: { url: receiver.url, events: ["intent.submitted"], description: "ops" },
      expect: 201,
    });
    const id = created.data.id;
    const down = await call("POST", "/v1/webhooks", {
      body: { url: "http://127.0.0.1:9/down", events: ["*"] },
      expect: 201,
    });
    await call("GET", "/v1/webhooks", { expect: 200 });
    await call("GET", "/v1/webhooks/{id}", { params: { id }, expect: 200 });
    await call("GET", "/v1/webhooks/{id}", { params: { id: "wh_nothing" }, expect: 404 });
    await call("PATCH", "/v1/webhooks/{id}", { params: { id }, body: { description: null }, expect: 200 });
    await call("PATCH", "/v1/webhooks/{id}", {
      params: { id: down.data.id },
      body: { enabled: false },
      expect: 200,
    });
    await call("POST", "/v1/webhooks/{id}/rotate-secret", { params: { id }, expect: 200 });
    await call("GET", "/v1/webhooks/{id}", { params: { id }, expect: 200 });
    const ping = await call("POST", "/v1/webhooks/{id}/test", { params: { id }, expect: 200 });
    expect(ping.data.status).toBe("succeeded");
    const failedPing = await call("POST", "/v1/webhooks/{id}/test", {
      params: { id: down.data.id },
      expect: 200,
    });
    expect(failedPing.data.attempts[0].statusCode).toBeNull();
    await pendingInvoice();
    await call("GET", "/v1/webhooks/{id}/deliveries", { params: { id }, expect: 200 });
    await call("GET", "/v1/webhooks/{id}/deliveries", { params: { id: down.data.id }, expect: 200 });
    await call("POST", "/v1/webhooks/deliveries/{id}/redeliver", {
      params: { id: ping.data.id },
      expect: 200,
    });
    await call("POST", "/v1/webhooks/deliveries/{id}/redeliver", {
      params: { id: "dlv_nothing" },
      expect: 404,
    });
    await call("DELETE", "/v1/webhooks/{id}", { params: { id: down.data.id }, expect: 200 });
    await call("DELETE", "/v1/webhooks/{id}", { params: { id: down.data.id }, expect: 404 });
    await call("POST", "/v1/webhooks", { body: { url: receiver.url, events: [] }, expect: 400 });
  });

  it("inbound endpoints: create, list, get, rotate, a signed report, delete", async () => {
    const created = await call("POST", "/v1/inbound", { body: {}, expect: 201 });
    expect(created.data.description).toBeNull();
    const typed = await call("POST", "/v1/inbound", {
      body: { description: "Payment processor", intentTypes: ["billing.*"] },
      expect: 201,
    });
    await call("GET", "/v1/inbound", { expect: 200 });
    await call("GET", "/v1/inbound/{id}", { params: { id: created.data.id }, expect: 200 });
    await call("GET", "/v1/inbound/{id}", { params: { id: "wh_nothing" }, expect: 404 });
    const rotated = await call("POST", "/v1/inbound/{id}/rotate-secret", {
      params: { id: typed.data.id },
      expect: 200,
    });

    const { intentId, approvalId } = await pendingInvoice();
    await t.data("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
    const report = JSON.stringify({ intentId, outcome: "completed", result: { ok: true } });
    const messageId = `msg_${randomUUID()}`;
    const signature = (
      new StandardWebhook(rotated.data.secret) as unknown as {
        sign(id: string, at: Date, body: string): string;
      }
    ).sign(messageId, new Date(t.clock()), report);
    const headers = {
      "content-type": "application/json",
      "webhook-id": messageId,
      "webhook-timestamp": String(Math.floor(t.clock() / 1000)),
      "webhook-signature": signature,
    };
    const accepted = await call("POST", "/v1/inbound/{id}", {
      key: null,
      params: { id: typed.data.id },
      rawBody: report,
      headers,
      expect: 200,
    });
    expect(accepted.data).toMatchObject({ intentId, status: "completed", messageId });
    await call("POST", "/v1/inbound/{id}", {
      key: null,
      params: { id: typed.data.id },
      rawBody: report,
      headers: { ...headers, "webhook-signature": "v1,AAAA" },
      expect: 401,
    });
    await call("POST", "/v1/inbound/{id}", {
      key: null,
      params: { id: "wh_nothing" },
      rawBody: report,
      headers,
      expect: 404,
    });
    await call("DELETE", "/v1/inbound/{id}", { params: { id: created.data.id }, expect: 200 });
    await call("DELETE", "/v1/inbound/{id}", { params: { id: created.data.id }, expect: 404 });
  });

  it("error answers: 401, 403, 413, 415 and a bad request, with the error envelope", async () => {
    await call("GET", "/v1/stats", { key: null, expect: 401 });
    await call("GET", "/v1/stats", { key: "intendedops_acme_wrongwrongwrongwrongwrongwrong", expect: 401 });
    await call("POST", "/v1/agents", { key: t.keys.read_only, body: { name: "Nope" }, expect: 403 });
    await call("POST", "/v1/agents", {
      key: t.keys.agent,
      rawBody: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      expect: 415,
    });
    await call("POST", "/v1/agents", {
      key: t.keys.agent,
      body: { name: "Big", description: "x".repeat(1_100_000) },
      expect: 413,
    });
    await call("POST", "/v1/agents", {
      key: t.keys.agent,
      rawBody: "{",
      headers: { "content-type": "application/json" },
      expect: 400,
    });
    await call("GET", "/v1/agents", { query: "pageSize=1000", expect: 400 });
  });

  it("503: /health reports unhealthy in its own body, other routes in the error envelope", async () => {
    const { ping } = t.store;
    const { stats } = t.services.governor;
    t.store.ping = async () => false;
    t.services.governor.stats = async () => {
      throw new IntendedOpsError("SERVICE_UNAVAILABLE", "Database did not answer in time");
    };
    try {
      const health = await call("GET", "/health", { key: null, expect: 503 });
      expect(health.data.status).toBe("unhealthy");
      const busy = await call("GET", "/v1/stats", { expect: 503 });
      expect(busy.error.code).toBe("SERVICE_UNAVAILABLE");
    } finally {
      t.store.ping = ping;
      t.services.governor.stats = stats;
    }
  });

  it("every success status the document lists was answered and checked", () => {
    const missing = c
      .operations()
      .filter(({ status }) => status < 300)
      .map(({ key }) => key)
      .filter((key) => !c.seen.has(key));
    expect(missing).toEqual([]);
  });
});
