import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES, type Scope } from "../src/scopes";
import { categorize, ref, SUPPORT_AGENT } from "./intentions-support";
import { BILLING_AGENT, createTestApp, submitInvoice, type TestApp } from "./support/test-app";
import { type Receiver, StandardWebhook, startReceiver } from "./webhooks-support";

/**
 * Least privilege and tenant isolation for EVERY operation `/openapi.json` documents.
 *
 * The operations come from the server's own document, so a new route is covered automatically, and
 * it must be classified below first: an operation the table does not list fails the suite.
 *
 * 1. Each operation × each scope (a key holding only that scope): `403 FORBIDDEN` exactly when the
 *    documented table says the scope may not call it; any other answer when it may.
 * 2. Each operation whose path names a tenant-owned resource: made in tenant A, called with tenant
 *    B's admin key → `404`, and A's resource and audit chain are unchanged.
 *
 * SQLite in memory only. Every call gets a fresh resource of its own, so no case depends on another.
 */

/** Who may call an operation, as the docs write it. */
type Access = "public" | "any" | "agent" | "approver" | "policy_write" | "admin";

/** docs/api.md#scopes — the scopes that may call an operation of each access level (`admin` may do everything). */
const MAY_CALL: Record<Access, readonly Scope[]> = {
  public: ["read_only", "agent", "approver", "policy_write", "admin"], // no key needed
  any: ["read_only", "agent", "approver", "policy_write", "admin"],
  agent: ["agent", "admin"],
  approver: ["approver", "admin"],
  policy_write: ["policy_write", "admin"],
  admin: ["admin"],
};

let serial = 0;
const next = () => ++serial;

const agentBody = () => ({
  name: `Scope Matrix ${next()}`,
  domains: ["billing"],
  intentTypes: ["billing.*"],
});
const invoiceBody = () => ({
  type: "billing.send_invoice",
  domain: "billing",
  agentId: "billing-agent",
  params: { customerId: `cust_matrix_${next()}`, amount: 10 },
});
/** Shadow mode, identity domain only: never changes a decision the fixtures depend on. */
const policyBody = () => ({
  name: `matrix policy ${next()}`,
  mode: "shadow",
  effect: "block",
  match: { domains: ["identity"] },
});
/** Identity types only: publishing it never matches the billing or support traffic of the fixtures. */
const intentionBody = () => ({
  label: `scope_matrix_${next()}`,
  intent_class: "lookup",
  intent_types: ["identity.*"],
});

interface Documented {
  access: Access;
  /** A valid body: were a check missing, the call would succeed. */
  body?: () => unknown;
}

/**
 * THE SCOPE TABLE, operation by operation, from docs/api.md (Scopes and the endpoint tables),
 * docs/intentions.md (Endpoints) and docs/webhooks.md ("All management endpoints need … admin").
 */
const OPERATIONS: Record<string, Documented> = {
  // docs/api.md "System (no key)"; docs/intentions.md: jwks "none"
  "GET /health": { access: "public" },
  "GET /metrics": { access: "public" },
  "GET /openapi.json": { access: "public" },
  "GET /.well-known/jwks.json": { access: "public" },

  // docs/api.md Scopes: read_only may call every GET but API keys, webhooks and inbound endpoints
  "GET /v1/stats": { access: "any" },
  "GET /v1/audit": { access: "any" },
  "GET /v1/audit/verify": { access: "any" },

  // docs/api.md Agents
  "POST /v1/agents": { access: "agent", body: agentBody },
  "GET /v1/agents": { access: "any" },
  "GET /v1/agents/{id}": { access: "any" },
  "GET /v1/agents/{id}/metrics": { access: "any" },
  "PUT /v1/agents/{id}/trust": { access: "admin", body: () => ({ tier: "T2", reason: "scope matrix" }) },

  // docs/api.md Intents
  "POST /v1/intents": { access: "agent", body: invoiceBody },
  "GET /v1/intents": { access: "any" },
  "GET /v1/intents/{id}": { access: "any" },
  "POST /v1/intents/{id}/complete": { access: "agent", body: () => ({ result: { sent: true } }) },
  "POST /v1/intents/{id}/fail": { access: "agent", body: () => ({ error: "scope matrix" }) },

  // docs/api.md Approvals
  "GET /v1/approvals": { access: "any" },
  "GET /v1/approvals/{id}": { access: "any" },
  "POST /v1/approvals/{id}/approve": { access: "approver" },
  "POST /v1/approvals/{id}/reject": { access: "approver", body: () => ({ reason: "scope matrix" }) },

  // docs/api.md Policies
  "POST /v1/policies": { access: "policy_write", body: policyBody },
  "GET /v1/policies": { access: "any" },
  "GET /v1/policies/{id}": { access: "any" },
  "PUT /v1/policies/{id}": { access: "policy_write", body: policyBody },
  "DELETE /v1/policies/{id}": { access: "policy_write" },
  "POST /v1/policies/simulate": { access: "policy_write", body: invoiceBody },

  // docs/intentions.md Endpoints
  "GET /v1/intentions": { access: "any" },
  "POST /v1/intentions": { access: "policy_write", body: intentionBody },
  "GET /v1/intentions/{id}": { access: "any" },
  "PATCH /v1/intentions/{id}": { access: "policy_write", body: () => ({ description: "changed" }) },
  "POST /v1/intentions/{id}/publish": { access: "policy_write" },
  "POST /v1/intentions/{id}/archive": { access: "policy_write" },
  "GET /v1/intentions/ambient": { access: "any" },
  "POST /v1/intentions/ambient/{clusterId}/generalize": { access: "policy_write" },
  "POST /v1/tokens/verify": { access: "any", body: () => ({ token: "not.a.token" }) },

  // docs/api.md "API keys (admin)"
  "GET /v1/api-keys": { access: "admin" },
  "POST /v1/api-keys": {
    access: "admin",
    body: () => ({ name: `matrix key ${next()}`, scopes: ["read_only"] }),
  },
  "DELETE /v1/api-keys/{id}": { access: "admin" },

  // docs/webhooks.md: every management endpoint needs admin
  "GET /v1/webhooks": { access: "admin" },
  "POST /v1/webhooks": { access: "admin", body: () => ({ url: receiver.url, events: ["intent.completed"] }) },
  "GET /v1/webhooks/{id}": { access: "admin" },
  "PATCH /v1/webhooks/{id}": { access: "admin", body: () => ({ enabled: false }) },
  "DELETE /v1/webhooks/{id}": { access: "admin" },
  "POST /v1/webhooks/{id}/rotate-secret": { access: "admin" },
  "GET /v1/webhooks/{id}/deliveries": { access: "admin" },
  "POST /v1/webhooks/{id}/test": { access: "admin" },
  "POST /v1/webhooks/deliveries/{id}/redeliver": { access: "admin" },

  // docs/webhooks.md Inbound webhooks: management is admin, the report itself takes no key (signed)
  "GET /v1/inbound": { access: "admin" },
  "POST /v1/inbound": { access: "admin", body: () => ({ description: "scope matrix" }) },
  "GET /v1/inbound/{id}": { access: "admin" },
  "DELETE /v1/inbound/{id}": { access: "admin" },
  "POST /v1/inbound/{id}/rotate-secret": { access: "admin" },
  "POST /v1/inbound/{id}": {
    access: "public",
    body: () => ({ intentId: "int_01HN4X7KQZ8Y1A2B3C4D5E6F7G", outcome: "failed", error: "x" }),
  },
};

// ---------------------------------------------------------------------------------------------
// Tenant A's resources, one fresh per call, by the path segment before the parameter.

interface Resource {
  id: string;
  /** Its state as tenant A's admin reads it. */
  read(): Promise<unknown>;
}

let t: TestApp;
let receiver: Receiver;

// biome-ignore lint/suspicious/noExplicitAny: list items are looked up by id only.
const findById = async (path: string, id: string, items = (d: any) => d.items) =>
  (items(await t.data("GET", path)) as { id: string }[]).find((item) => item.id === id) ?? "gone";

async function newWebhook(): Promise<string> {
  return (await t.data("POST", "/v1/webhooks", { body: { url: receiver.url, events: ["intent.completed"] } }))
    .id;
}

const RESOURCES: Record<string, () => Promise<Resource>> = {
  async agents() {
    const { id } = await t.data("POST", "/v1/agents", { key: t.keys.agent, body: agentBody() });
    return { id, read: () => t.data("GET", `/v1/agents/${id}`) };
  },
  /** Approved, so completing or failing it would succeed. */
  async intents() {
    const { intentId, approvalId } = await submitInvoice(t);
    await t.data("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
    return { id: intentId, read: () => t.data("GET", `/v1/intents/${intentId}`) };
  },
  /** Pending, submitted by the agent key. */
  async approvals() {
    const { approvalId: id } = await submitInvoice(t);
    if (!id) throw new Error("the invoice did not wait for a human: no approval to test with");
    return { id, read: () => t.data("GET", `/v1/approvals/${id}`) };
  },
  async policies() {
    const { id } = await t.data("POST", "/v1/policies", { body: policyBody() });
    return { id, read: () => t.data("GET", `/v1/policies/${id}`) };
  },
  /** A draft: it may still be changed, published and archived. */
  async intentions() {
    const { id } = await t.data("POST", "/v1/intentions", { body: intentionBody() });
    return { id, read: () => t.data("GET", `/v1/intentions/${id}`) };
  },
  /** Ambient traffic over a data element nobody else reads: a cluster of its own. */
  async ambient() {
    const path = `Matrix.Field${next()}`;
    await t.data("POST", "/v1/intents", {
      key: t.keys.agent,
      body: categorize({ dataElements: [ref(path)] }),
    });
    const clusters: { id: string; data_elements: { path: string }[] }[] = await t.data(
      "GET",
      "/v1/intentions/ambient?limit=1000",
    );
    const id = clusters.find((c) => c.data_elements.some((e) => e.path === path))?.id;
    if (!id) throw new Error(`no ambient cluster over ${path}`);
    return { id, read: () => findById("/v1/intentions/ambient?limit=1000", id, (d) => d) };
  },
  async "api-keys"() {
    const { id } = await t.data("POST", "/v1/api-keys", {
      body: { name: `victim ${next()}`, scopes: ["agent"] },
    });
    return { id, read: () => findById("/v1/api-keys?pageSize=100", id) };
  },
  async webhooks() {
    const id = await newWebhook();
    return { id, read: () => t.data("GET", `/v1/webhooks/${id}`) };
  },
  /** A webhook's delivery: its test ping. */
  async deliveries() {
    const webhookId = await newWebhook();
    const { id } = await t.data("POST", `/v1/webhooks/${webhookId}/test`);
    return { id, read: () => findById(`/v1/webhooks/${webhookId}/deliveries`, id) };
  },
  async inbound() {
    const { id } = await t.data("POST", "/v1/inbound", { body: { description: "victim" } });
    return { id, read: () => t.data("GET", `/v1/inbound/${id}`) };
  },
};

/** What a refused call must leave as it was: the resource (if any) and tenant A's audit chain. */
async function tenantState(resource: Resource | undefined) {
  return { resource: await resource?.read(), chain: await t.data("GET", "/v1/audit/verify") };
}

/** The resource kind a path's parameter names (`/v1/webhooks/deliveries/{id}/redeliver` → deliveries). */
function resourceOf(path: string): string | undefined {
  const segments = path.split("/");
  const params = segments.flatMap((s, i) => (/^\{.+\}$/.test(s) ? [i] : []));
  if (params.length === 0) return undefined;
  if (params.length > 1) throw new Error(`${path}: more than one path parameter; teach this test about it`);
  return segments[params[0]! - 1];
}

/** The path with a fresh resource of tenant A in place of its parameter. */
async function concretePath(path: string): Promise<{ url: string; resource?: Resource }> {
  const kind = resourceOf(path);
  if (kind === undefined) return { url: path };
  const make = RESOURCES[kind];
  if (!make) throw new Error(`${path}: no fixture for "${kind}" ids; add one to RESOURCES`);
  const resource = await make();
  return { url: path.replace(/\{[^}]+\}/, encodeURIComponent(resource.id)), resource };
}

// ---------------------------------------------------------------------------------------------
// The operations, as /openapi.json lists them (read once, before the cases are collected).

const ENV = { RATE_LIMIT_PER_MINUTE: "1000000", INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1" };

async function documentedOperations(): Promise<string[]> {
  const app = await createTestApp("sqlite", ENV);
  try {
    const document = await (await app.request("GET", "/openapi.json", { key: null })).json();
    return Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ["get", "put", "post", "delete", "patch", "head", "options"].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
  } finally {
    await app.close();
  }
}

const operations = await documentedOperations();
const classified = (operation: string): Documented => {
  const documented = OPERATIONS[operation];
  if (!documented) throw new Error(`${operation} is in /openapi.json but not in the scope table`);
  return documented;
};
const split = (operation: string) => {
  const [method, path] = operation.split(" ") as [string, string];
  return { method, path };
};

beforeAll(async () => {
  receiver = await startReceiver();
  t = await createTestApp("sqlite", ENV);
  await t.data("POST", "/v1/agents", { key: t.keys.agent, body: BILLING_AGENT });
  await t.data("POST", "/v1/agents", { key: t.keys.agent, body: SUPPORT_AGENT });
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe("the scope table", () => {
  it("names the server's scopes", () => {
    expect([...SCOPES].sort()).toEqual([...MAY_CALL.public].sort());
  });

  it("classifies every operation /openapi.json documents, and only those", () => {
    expect(operations.length).toBeGreaterThan(40);
    expect(
      operations.filter((op) => !(op in OPERATIONS)),
      "documented but not classified",
    ).toEqual([]);
    expect(
      Object.keys(OPERATIONS).filter((op) => !operations.includes(op)),
      "classified but gone",
    ).toEqual([]);
  });
});

describe.each(operations)("least privilege: %s", (operation) => {
  const { method, path } = split(operation);

  it.each([...SCOPES])("with a key holding only %s", async (scope) => {
    const { access, body } = classified(operation);
    const allowed = MAY_CALL[access].includes(scope);
    const { url, resource } = await concretePath(path);
    const before = allowed ? undefined : await tenantState(resource);
    const response = await t.request(method, url, {
      key: t.keys[scope],
      ...(body ? { body: body() } : {}),
    });
    const text = await response.text();
    const summary = `${operation} as ${scope} (${access}) → ${response.status} ${text.slice(0, 300)}`;
    if (allowed) {
      expect(response.status, summary).not.toBe(403);
      expect(response.status, summary).toBeLessThan(500);
    } else {
      expect(response.status, summary).toBe(403);
      expect(JSON.parse(text).error.code, summary).toBe("FORBIDDEN");
      expect(await tenantState(resource), `${summary}: refused, yet tenant A changed`).toEqual(before);
    }
  });
});

// Public operations have no caller tenant (POST /v1/inbound/{id} authenticates by signature).
const tenantScoped = operations.filter(
  (op) => resourceOf(split(op).path) !== undefined && OPERATIONS[op]?.access !== "public",
);

describe("tenant isolation", () => {
  it("covers every authenticated operation with a path parameter", () => {
    expect(tenantScoped.length).toBeGreaterThan(25);
  });

  it.each(tenantScoped)(
    "%s with another tenant's admin key and this tenant's id → 404",
    async (operation) => {
      const { method, path } = split(operation);
      const { body } = classified(operation);
      const { url, resource } = await concretePath(path);
      const before = await tenantState(resource);

      const response = await t.request(method, url, { key: t.keys.other, ...(body ? { body: body() } : {}) });
      const text = await response.text();
      expect(response.status, `${operation} → ${response.status} ${text.slice(0, 300)}`).toBe(404);

      expect(await tenantState(resource), "tenant A changed").toEqual(before);
    },
  );

  it("POST /v1/inbound/{id} (signed, no key): tenant B's endpoint reporting on this tenant's intent → 404", async () => {
    const { id: intentId, read } = await RESOURCES.intents!();
    const endpoint = await t.data("POST", "/v1/inbound", { key: t.keys.other });
    const before = await tenantState({ id: intentId, read });

    const report = JSON.stringify({ intentId, outcome: "completed" });
    const messageId = `msg_matrix_${next()}`;
    const signer = new StandardWebhook(endpoint.secret) as unknown as {
      sign(id: string, at: Date, body: string): string;
    };
    const response = await t.app.request(endpoint.path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": messageId,
        "webhook-timestamp": String(Math.floor(t.clock() / 1000)),
        "webhook-signature": signer.sign(messageId, new Date(t.clock()), report),
      },
      body: report,
    });
    const text = await response.text();
    expect(response.status, text).toBe(404);
    expect(JSON.parse(text).error.message, "refused for the intent, not the endpoint").toContain(intentId);
    expect(await tenantState({ id: intentId, read }), "tenant A changed").toEqual(before);
  });
});
