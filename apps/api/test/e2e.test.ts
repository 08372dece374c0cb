import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MIGRATIONS } from "@intendedops/storage";
import { supportFixtures } from "@intendedops/support-agent";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { redirectGuideFetch } from "./support/guide-fetch-redirect";
import { openProcessDatabase } from "./support/process-database";
import { type ServerProcess, spawnServer } from "./support/server-process";
import { PG_URL } from "./support/test-app";

const API_ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * The guide's client is imported by a computed path so the typecheck does not follow it (its code,
 * verbatim, does not pass strict mode); these are its signatures as the guide declares them.
 */
const GUIDE_CLIENT = "./guide-client";
interface GuideIntent {
  id: string;
  type: string;
  domain: string;
  status: string;
  params: Record<string, unknown>;
  createdAt: string;
}
interface GuideClient {
  getStats(): Promise<{
    intentsToday: number;
    pendingApprovals: number;
    activeAgents: number;
    valueGenerated: number;
  }>;
  listIntents(options?: { page?: number; pageSize?: number; status?: string; agentId?: string }): Promise<{
    items: GuideIntent[];
    total: number;
  }>;
  createIntent(intent: {
    type: string;
    domain: string;
    agentId: string;
    params?: Record<string, unknown>;
    description?: string;
    justification?: string;
    idempotencyKey?: string;
  }): Promise<{ intentId: string; status: string }>;
  getIntent(intentId: string): Promise<GuideIntent>;
  listAgents(): Promise<{ items: unknown[] }>;
  registerAgent(agent: {
    name: string;
    description?: string;
    domains?: string[];
    intentTypes?: string[];
  }): Promise<unknown>;
  getAgentMetrics(agentId: string): Promise<unknown>;
  listApprovals(): Promise<{ items: unknown[] }>;
  approveIntent(approvalId: string): Promise<unknown>;
  rejectIntent(approvalId: string, reason?: string): Promise<unknown>;
  queryAudit(options?: {
    eventType?: string;
    fromDate?: string;
    toDate?: string;
  }): Promise<{ items: unknown[] }>;
  verifyAuditChain(): Promise<{ valid: boolean; eventCount: number }>;
}
interface GuideClientModule {
  IntendedOpsClient: new (config: { apiKey: string; baseUrl?: string }) => GuideClient;
}

/** A fetch the way curl sends it: only the headers the example names. */
async function curl(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const response = await fetch(`${base}${path}`, init);
  return {
    status: response.status,
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted by value.
    body: (await response.json()) as Record<string, any>,
    headers: response.headers,
  };
}

/** Run a command to completion, failing loudly (never skipping) when it cannot start. */
function run(command: string, args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  const result = spawnSync(command, args, {
    cwd: API_ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  return result;
}

describe.each(["sqlite", "postgres"] as const)("the real server process on %s", (dialect) => {
  let dir: string;
  let dbUrl: string;
  let dropDatabase: () => Promise<void> = async () => {};
  let server: ServerProcess;
  const admin = generateApiKey("e2e");
  let agentKey: string;
  let approverKey: string;

  const env = () => ({ DATABASE_URL: dbUrl, INTENDEDOPS_BOOTSTRAP_KEY: admin, LOG_LEVEL: "info" });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "intendedops-e2e-"));
    const database = await openProcessDatabase(dialect, dir, "e2e");
    dbUrl = database.url;
    dropDatabase = database.drop;
    server = await spawnServer({ env: env() });
    const headers = { "x-api-key": admin, "Content-Type": "application/json" };
    const make = async (name: string, scopes: string[]) =>
      (
        await curl(server.url, "/v1/api-keys", {
          method: "POST",
          headers,
          body: JSON.stringify({ name, scopes }),
        })
      ).body.data.key as string;
    agentKey = await make("guide agent", ["agent"]);
    approverKey = await make("guide approver", ["approver"]);
  }, 120_000);

  afterAll(async () => {
    await server?.stop("SIGKILL");
    await dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  });

  it("(a) answers the guide's curl examples", async () => {
    const health = await curl(server.url, "/health");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ data: { status: "healthy", timestamp: expect.any(String) } });
    expect(new Date(health.body.data.timestamp).toISOString()).toBe(health.body.data.timestamp);

    const stats = await curl(server.url, "/v1/stats", { headers: { "x-api-key": agentKey } });
    expect(stats.status).toBe(200);
    expect(stats.body.data).toEqual({
      intentsToday: 0,
      pendingApprovals: 0,
      activeAgents: 0,
      valueGenerated: 0,
    });
    const tenantStats = await curl(server.url, "/v1/stats", {
      headers: { "x-api-key": agentKey, "x-tenant-id": "e2e" },
    });
    expect(tenantStats.status).toBe(200);

    const agent = await curl(server.url, "/v1/agents", {
      method: "POST",
      headers: { "x-api-key": agentKey, "Content-Type": "application/json" },
      body: `{
"name": "Billing Agent",
"description": "Handles billing operations",
"domains": ["billing"],
"intentTypes": ["billing.send_invoice", "billing.collect_payment"]
}`,
    });
    expect(agent.status).toBe(201);
    expect(agent.body.data).toMatchObject({ id: "billing-agent", trustTier: "T0" });

    const submitted = await curl(server.url, "/v1/intents", {
      method: "POST",
      headers: { "x-api-key": agentKey, "Content-Type": "application/json" },
      body: `{
"type": "billing.send_invoice",
"domain": "billing",
"agentId": "billing-agent",
"params": {
"customerId": "cust_123",
"amount": 99.99
},
"description": "Send monthly subscription invoice",
"idempotencyKey": "invoice-cust_123-2024-01"
}`,
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body.data).toMatchObject({
      intentId: expect.stringMatching(/^int_[0-9A-Z]{26}$/),
      status: "pending",
      createdAt: expect.any(String),
    });

    const list = await curl(server.url, "/v1/intents?page=1&pageSize=50", {
      headers: { "x-api-key": agentKey },
    });
    expect(list.body.data).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    expect(list.body.data.items[0].id).toBe(submitted.body.data.intentId);

    const approvals = await curl(server.url, "/v1/approvals", { headers: { "x-api-key": approverKey } });
    expect(approvals.body.data.items).toHaveLength(1);
    const approvalId = approvals.body.data.items[0].id;
    expect(approvalId).toMatch(/^apr_/);

    const approved = await curl(server.url, `/v1/approvals/${approvalId}/approve`, {
      method: "POST",
      headers: { "x-api-key": approverKey },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.data.intent.status).toBe("approved");

    const second = await curl(server.url, "/v1/intents", {
      method: "POST",
      headers: { "x-api-key": agentKey, "Content-Type": "application/json" },
      body: JSON.stringify({
        type: "billing.send_invoice",
        domain: "billing",
        agentId: "billing-agent",
        params: { customerId: "cust_456", amount: 12000 },
      }),
    });
    const pending = await curl(server.url, "/v1/approvals", { headers: { "x-api-key": approverKey } });
    const toReject = pending.body.data.items.find(
      (a: { intentId: string }) => a.intentId === second.body.data.intentId,
    ).id;
    const rejected = await curl(server.url, `/v1/approvals/${toReject}/reject`, {
      method: "POST",
      headers: { "x-api-key": approverKey, "Content-Type": "application/json" },
      body: '{"reason": "Amount exceeds approved limit"}',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.data).toMatchObject({
      status: "rejected",
      rejectionReason: "Amount exceeds approved limit",
    });

    const again = await curl(server.url, `/v1/approvals/${approvalId}/approve`, {
      method: "POST",
      headers: { "x-api-key": approverKey },
    });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe("ALREADY_RESOLVED");

    const verify = await curl(server.url, "/v1/audit/verify", { headers: { "x-api-key": agentKey } });
    expect(verify.body.data).toMatchObject({ valid: true, eventCount: expect.any(Number) });
    expect(verify.body.data.eventCount).toBeGreaterThan(4);

    const unauthorized = await curl(server.url, "/v1/stats");
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body.error.code).toBe("UNAUTHORIZED");
    expect(unauthorized.headers.get("ratelimit-policy")).toBe('"default";q=1000;w=60');
  });

  it("(b) runs the guide's TypeScript client unchanged, its usage code included", async () => {
    // The usage code submits for `billing-agent`, which the guide's curl example registers.
    await curl(server.url, "/v1/agents", {
      method: "POST",
      headers: { "x-api-key": agentKey, "Content-Type": "application/json" },
      body: JSON.stringify({
        name: "Billing Agent",
        domains: ["billing"],
        intentTypes: ["billing.send_invoice"],
      }),
    });
    const usage = run(
      process.execPath,
      ["--import", "tsx", "--import", "./test/support/guide-fetch-redirect.ts", "test/guide-client.ts"],
      { INTENDEDOPS_API_KEY: agentKey, INTENDEDOPS_GUIDE_BASE_URL: server.url },
    );
    expect(usage.stderr).toBe("");
    expect(usage.status).toBe(0);
    expect(usage.stdout).toMatch(/^Pending approvals: \d+$/m);
    expect(usage.stdout).toMatch(/^Created intent: int_[0-9A-Z]{26}$/m);
    expect(usage.stdout).toMatch(/^Pending approval: apr_[0-9A-Z]{26}$/m);

    // Importing the module runs its usage code too: point it at the server and wait for it.
    const logs: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => {
      logs.push(line);
    });
    const errors = vi.spyOn(console, "error");
    const undo = redirectGuideFetch(server.url);
    vi.stubEnv("INTENDEDOPS_API_KEY", agentKey);
    try {
      // Each dialect's run imports the module afresh, so its usage code runs against this server.
      vi.resetModules();
      const { IntendedOpsClient } = (await import(GUIDE_CLIENT)) as GuideClientModule;
      await vi.waitFor(() => expect(logs.some((l) => l.startsWith("Created intent:"))).toBe(true), {
        timeout: 10_000,
      });
      const agent = new IntendedOpsClient({ apiKey: agentKey, baseUrl: server.url });
      const approver = new IntendedOpsClient({ apiKey: approverKey, baseUrl: server.url });

      const registered = (await agent.registerAgent({
        name: "TS Billing Agent",
        description: "Handles billing from TypeScript",
        domains: ["billing"],
        intentTypes: ["billing.*"],
      })) as { id: string };
      expect(registered.id).toBe("ts-billing-agent");
      const created = await agent.createIntent({
        type: "billing.send_invoice",
        domain: "billing",
        agentId: "ts-billing-agent",
        params: { customerId: "cust_ts", amount: 42 },
        idempotencyKey: "ts-invoice-1",
      });
      expect(created).toMatchObject({ intentId: expect.stringMatching(/^int_/), status: "pending" });
      const intent = await agent.getIntent(created.intentId);
      expect(intent).toMatchObject({ id: created.intentId, type: "billing.send_invoice", status: "pending" });
      const pending = (await approver.listApprovals()) as { items: { id: string; intentId: string }[] };
      const approval = pending.items.find((a) => a.intentId === created.intentId);
      expect(approval).toBeDefined();
      await approver.approveIntent(approval!.id);
      const listed = await agent.listIntents({
        page: 1,
        pageSize: 10,
        status: "approved",
        agentId: "ts-billing-agent",
      });
      expect(listed.items.map((i) => i.id)).toEqual([created.intentId]);
      expect(listed.total).toBe(1);

      const another = await agent.createIntent({
        type: "billing.collect_payment",
        domain: "billing",
        agentId: "ts-billing-agent",
        params: { customerId: "cust_ts", amount: 10 },
      });
      const next = (await approver.listApprovals()) as { items: { id: string; intentId: string }[] };
      const rejectable = next.items.find((a) => a.intentId === another.intentId)!;
      expect(
        ((await approver.rejectIntent(rejectable.id, "Not this month")) as { status: string }).status,
      ).toBe("rejected");
      await expect(approver.approveIntent(rejectable.id)).rejects.toThrow("Approval already rejected");

      const agents = (await agent.listAgents()) as { items: { id: string }[] };
      expect(agents.items.map((a) => a.id)).toEqual(
        expect.arrayContaining(["billing-agent", "ts-billing-agent"]),
      );
      const metrics = (await agent.getAgentMetrics("ts-billing-agent")) as { intents: { total: number } };
      expect(metrics.intents.total).toBe(2);
      const audit = await agent.queryAudit({ eventType: "intent.approved", fromDate: "2000-01-01" });
      expect(audit.items.length).toBeGreaterThan(0);
      expect(await agent.verifyAuditChain()).toMatchObject({ valid: true, eventCount: expect.any(Number) });
      const stats = await agent.getStats();
      expect(stats.pendingApprovals).toBeGreaterThan(0);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      undo();
      vi.unstubAllEnvs();
      log.mockRestore();
      errors.mockRestore();
    }
  });

  it("(c) runs the guide's Python client unchanged, its usage code included", () => {
    const result = run("python3", ["test/support/drive_guide_client.py"], {
      INTENDEDOPS_BASE_URL: server.url,
      INTENDEDOPS_API_KEY: agentKey,
      INTENDEDOPS_APPROVER_KEY: approverKey,
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const line = result.stdout.split("\n").find((l) => l.startsWith("RESULTS "));
    const r = JSON.parse(line!.slice("RESULTS ".length));
    expect(r.register_agent).toMatchObject({ id: "python-billing-agent", trustTier: "T0" });
    expect(r.create_intent.map((i: { status: string }) => i.status)).toEqual(["pending", "pending"]);
    expect(r.create_intent_replay.intentId).toBe(r.create_intent[0].intentId);
    expect(r.approve_intent.intent.status).toBe("approved");
    expect(r.reject_intent).toMatchObject({
      status: "rejected",
      rejectionReason: "Amount exceeds approved limit",
    });
    expect(r.query_audit.items.every((e: { eventType: string }) => e.eventType === "intent.approved")).toBe(
      true,
    );
    expect(r.verify_audit_chain).toMatchObject({ valid: true });
    expect(r.get_agent_metrics.intents.total).toBe(2);
    expect(r.list_intents.items.map((i: { id: string }) => i.id)).toEqual([r.create_intent[0].intentId]);
    expect(r.get_intent).toMatchObject({ id: r.create_intent[0].intentId, status: "approved" });
    expect(r.list_agents.items.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(r.get_stats).sort()).toEqual([
      "activeAgents",
      "intentsToday",
      "pendingApprovals",
      "valueGenerated",
    ]);
    expect(r.error).toBe("ALREADY_RESOLVED: Approval already approved");
    expect(result.stdout).toMatch(/^Pending approvals: \d+$/m);
    expect(result.stdout).toMatch(/^Created intent: int_[0-9A-Z]{26}$/m);
    expect(result.stdout).toMatch(/^Pending approval: apr_/m);
  });

  it("(d) accepts the guide's five domain examples", async () => {
    const headers = { "x-api-key": agentKey, "Content-Type": "application/json" };
    for (const domain of ["sales", "compliance", "identity", "contracts"]) {
      const registered = await curl(server.url, "/v1/agents", {
        method: "POST",
        headers,
        body: JSON.stringify({
          name: `${domain[0]!.toUpperCase()}${domain.slice(1)} Agent`,
          domains: [domain],
          intentTypes: [`${domain}.*`],
        }),
      });
      expect(registered.body.data.id).toBe(`${domain}-agent`);
    }
    const examples = [
      `{
"type": "sales.create_opportunity",
"domain": "sales",
"agentId": "sales-agent",
"params": {
"leadId": "lead_123",
"dealName": "Enterprise License - Acme Corp",
"amount": 50000,
"stage": "qualification",
"closeDate": "2026-03-31"
},
"description": "Convert qualified lead to opportunity"
}`,
      `{
"type": "compliance.process_dsar",
"domain": "compliance",
"agentId": "compliance-agent",
"params": {
"requestType": "access",
"subjectEmail": "user@example.com",
"deadline": "2026-03-01"
},
"description": "Process GDPR data access request",
"justification": "Article 15 request received via privacy portal"
}`,
      `{
"type": "identity.initiate_access_review",
"domain": "identity",
"agentId": "identity-agent",
"params": {
"reviewType": "quarterly",
"scope": ["engineering", "finance"],
"reviewers": ["manager_123", "security_456"],
"deadline": "2026-02-28"
},
"description": "Q1 quarterly access certification"
}`,
      `{
"type": "contracts.send_for_signature",
"domain": "contracts",
"agentId": "contracts-agent",
"params": {
"contractId": "contract_456",
"signers": [
{"email": "legal@acme.com", "name": "Jane Smith", "order": 1},
{"email": "ceo@acme.com", "name": "John Doe", "order": 2}
],
"deadline": "2026-02-15",
"reminderDays": [7, 3, 1]
},
"description": "Send MSA for customer signature"
}`,
      `{
"type": "billing.send_invoice",
"domain": "billing",
"agentId": "billing-agent",
"params": {
"customerId": "cust_123",
"amount": 99.99
},
"description": "Send monthly subscription invoice"
}`,
    ];
    for (const body of examples) {
      const response = await curl(server.url, "/v1/intents", { method: "POST", headers, body });
      expect(response.status, body).toBe(201);
      expect(["pending", "approved"]).toContain(response.body.data.status);
      const stored = await curl(server.url, `/v1/intents/${response.body.data.intentId}`, { headers });
      expect(stored.body.data.params).toMatchObject(JSON.parse(body).params);
    }
  });

  it("(e) finishes a request in flight on SIGTERM, then exits 0", async () => {
    const body = JSON.stringify({ name: "Late Agent", domains: ["support"] });
    const half = Math.floor(body.length / 2);
    const url = new URL(server.url);
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: "POST",
          path: "/v1/agents",
          headers: {
            "x-api-key": agentKey,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, half));
      // The server has the headers and half the body: the request is in flight when SIGTERM lands.
      setTimeout(() => {
        server.child.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(half)), 300);
      }, 300);
    });
    const answered = await response;
    expect(answered.status).toBe(201);
    expect(JSON.parse(answered.body).data.id).toBe("late-agent");
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('"msg":"stopped"');
  });

  it("(f) keeps every committed change across SIGKILL and a restart", async () => {
    server = await spawnServer({ env: env() });
    const headers = { "x-api-key": agentKey };
    const late = await curl(server.url, "/v1/agents/late-agent", { headers });
    expect(late.status).toBe(200);
    const created = await curl(server.url, "/v1/intents", {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({
        type: "support.create_ticket",
        domain: "support",
        agentId: "late-agent",
        params: supportFixtures["support.create_ticket"].valid,
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const before = (await curl(server.url, "/v1/audit/verify", { headers })).body.data;
    await server.stop("SIGKILL");

    server = await spawnServer({ env: env() });
    const intent = await curl(server.url, `/v1/intents/${created.body.data.intentId}`, { headers });
    expect(intent.status).toBe(200);
    expect(intent.body.data.agentId).toBe("late-agent");
    expect((await curl(server.url, "/v1/audit/verify", { headers })).body.data).toEqual(before);
    expect(server.stdout()).not.toContain("Admin API key");
  });
});

describe("first start", () => {
  it("creates tenant default with one admin key and prints it once when the database is empty", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-first-"));
    const env = { DATABASE_URL: `file:${join(dir, "first.db")}`, INTENDEDOPS_BOOTSTRAP_KEY: "" };
    try {
      let server = await spawnServer({ env });
      await vi.waitFor(() => expect(server.stdout()).toContain("Admin API key"));
      const key = /Admin API key \(shown once, store it now\): (intendedops_default_[A-Za-z0-9]{32})/.exec(
        server.stdout(),
      )?.[1];
      expect(key).toBeDefined();
      const stats = await fetch(`${server.url}/v1/stats`, { headers: { "x-api-key": key! } });
      expect(stats.status).toBe(200);
      expect(await server.stop()).toBe(0);
      server = await spawnServer({ env });
      expect(server.stdout()).not.toContain("Admin API key");
      expect((await fetch(`${server.url}/v1/stats`, { headers: { "x-api-key": key! } })).status).toBe(200);
      await server.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 1 naming the variable when the configuration is invalid", () => {
    const result = run(
      process.execPath,
      ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts", "serve"],
      {
        PORT: "not-a-port",
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid environment variable PORT");
  });
});

describe("start-up errors", () => {
  const cli = (args: string[], env: Record<string, string>) =>
    run(
      process.execPath,
      ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts", ...args],
      env,
    );

  it("exits 1 naming HOST and PORT when the port is taken, leaving no key; the next start prints it once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-taken-"));
    const env = { DATABASE_URL: `file:${join(dir, "first.db")}`, INTENDEDOPS_BOOTSTRAP_KEY: "" };
    const blocker = createTcpServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const failed = cli(["serve"], { ...env, PORT: String(port), HOST: "127.0.0.1" });
      expect(failed.stderr).toBe(
        `Cannot listen on HOST=127.0.0.1 PORT=${port}: the port is already in use (EADDRINUSE)\n`,
      );
      expect(failed.status).toBe(1);
      expect(failed.stdout).not.toContain("Admin API key");
      const server = await spawnServer({ env });
      await vi.waitFor(() => expect(server.stdout()).toContain("Admin API key"));
      expect(server.stdout().match(/Admin API key/g)).toHaveLength(1);
      expect(await server.stop()).toBe(0);
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("exits 1 with one line naming DATABASE_URL, without its password, when the database cannot be opened", () => {
    const refused = cli(["keys", "list"], { DATABASE_URL: "postgres://postgres:s3cret@127.0.0.1:5999/x" });
    expect(refused.stderr).toBe(
      "Cannot open the database at DATABASE_URL (postgres://postgres:***@127.0.0.1:5999/x): connect ECONNREFUSED 127.0.0.1:5999\n",
    );
    expect(refused.status).toBe(1);
    const missingUrl = new URL(PG_URL);
    missingUrl.pathname = "/intendedops_no_such_db";
    const missing = cli(["serve"], { DATABASE_URL: missingUrl.toString(), PORT: "0" });
    expect(missing.stderr).toBe(
      `Cannot open the database at DATABASE_URL (${missingUrl}): database "intendedops_no_such_db" does not exist\n`,
    );
    expect(missing.status).toBe(1);
  }, 60_000);
});

describe("intendedops CLI", () => {
  it("migrates, creates, lists and revokes keys", () => {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-cli-"));
    const env = { DATABASE_URL: `file:${join(dir, "cli.db")}` };
    const cli = (...args: string[]) =>
      run(
        process.execPath,
        ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts", ...args],
        env,
      );
    try {
      // Every migration, in order: the list grows with each schema change.
      expect(cli("migrate").stdout).toContain(
        `Migrations applied (sqlite): ${Object.keys(MIGRATIONS).join(", ")}.`,
      );
      // A second run has nothing to do, and says so (it used to claim it applied migrations).
      expect(cli("migrate").stdout).toContain("Nothing to migrate: the schema is current (sqlite).");
      const created = cli(
        "keys",
        "create",
        "--tenant",
        "ops",
        "--scopes",
        "agent,approver",
        "--name",
        "ops bot",
      );
      expect(created.status).toBe(0);
      const key = /Key \(shown once, store it now\): (intendedops_ops_[A-Za-z0-9]{32})/.exec(
        created.stdout,
      )?.[1];
      const id = /Created API key (key_[0-9A-Z]{26})/.exec(created.stdout)?.[1];
      expect(key).toBeDefined();
      const listed = cli("keys", "list", "--tenant", "ops", "--json");
      const keys = JSON.parse(listed.stdout);
      expect(keys).toEqual([
        expect.objectContaining({ id, name: "ops bot", scopes: ["agent", "approver"], revokedAt: null }),
      ]);
      expect(listed.stdout).not.toContain(key!);
      expect(cli("keys", "revoke", "--tenant", "ops", id!).stdout).toContain(`Revoked ${id}`);
      expect(JSON.parse(cli("keys", "list", "--tenant", "ops", "--json").stdout)[0].revokedAt).not.toBeNull();
      const again = cli("keys", "revoke", "--tenant", "ops", id!);
      expect([again.status, again.stdout]).toEqual([
        0,
        expect.stringContaining(`${id} was already revoked at`),
      ]);
      const bad = cli("keys", "create", "--tenant", "ops", "--scopes", "root", "--name", "x");
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('Unknown scope "root"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Seven CLI processes one after another, each starting tsx: on a loaded machine that outgrows the
    // default 20 s per test.
  }, 120_000);
});
