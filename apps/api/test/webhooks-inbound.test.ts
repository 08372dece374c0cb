import { randomUUID } from "node:crypto";
import { getMetricsCollector, IntendedOps_METRICS } from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BILLING_AGENT,
  createTestApp,
  DIALECTS,
  submitInvoice,
  TENANT,
  type TestApp,
} from "./support/test-app";
import { StandardWebhook } from "./webhooks-support";

interface Signed {
  headers: Record<string, string>;
  body: string;
}

/** Signs a report with the reference Standard Webhooks library, as an external executor would. */
function sign(secret: string, report: unknown, timestampMs: number, id = `msg_${randomUUID()}`): Signed {
  const body = JSON.stringify(report);
  const signature = (
    new StandardWebhook(secret) as unknown as { sign(id: string, at: Date, body: string): string }
  ).sign(id, new Date(timestampMs), body);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(timestampMs / 1000)),
      "webhook-signature": signature,
    },
  };
}

function receivedCount(status: string): number {
  const metric = getMetricsCollector()
    .getMetrics()
    .find((m) => m.name === IntendedOps_METRICS.WEBHOOKS_RECEIVED);
  if (!metric || metric.type === "histogram") return 0;
  return metric.values
    .filter((v) => v.labels.tenantId === TENANT && v.labels.status === status)
    .reduce((sum, v) => sum + v.value, 0);
}

describe.each(DIALECTS)("inbound webhooks on %s", (dialect) => {
  let t: TestApp;
  let endpoint: { id: string; secret: string; path: string };
  let customer = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { body: BILLING_AGENT, key: t.keys.agent });
    endpoint = await t.data("POST", "/v1/inbound", { body: { description: "Payment processor" } });
  });
  afterAll(() => t.close());

  /** An approved invoice, waiting for its executor's report. */
  async function approvedIntent(): Promise<string> {
    const { intentId, approvalId } = await submitInvoice(t);
    await t.data("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
    return intentId;
  }

  const post = (path: string, signed: Signed) =>
    t.app.request(path, { method: "POST", headers: signed.headers, body: signed.body });

  it("creates an endpoint with a whsec_ secret shown once and its path", async () => {
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint.path).toBe(`/v1/inbound/${endpoint.id}`);
    const read = await t.data("GET", `/v1/inbound/${endpoint.id}`);
    expect(JSON.stringify(read)).not.toContain(endpoint.secret);
    expect((await t.request("GET", `/v1/inbound/${endpoint.id}`, { key: t.keys.other })).status).toBe(404);
  });

  it("refuses an endpoint whose intentTypes name a type or domain that does not exist, at its index", async () => {
    const before = await t.data("GET", "/v1/inbound");
    const response = await t.request("POST", "/v1/inbound", {
      body: { intentTypes: ["billing.*", "billing.nope", "nope.*"] },
    });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.details).toEqual([
      { path: ["intentTypes", 1], message: "Unknown intent type: billing.nope" },
      { path: ["intentTypes", 2], message: "Unknown intent type: nope.*" },
    ]);
    expect(await t.data("GET", "/v1/inbound")).toEqual(before);
    const any = await t.request("POST", "/v1/inbound", { body: { intentTypes: ["*", "contracts.*"] } });
    expect(any.status).toBe(201);
  });

  it("completes the intent like the agent's own report when the request is signed", async () => {
    const intentId = await approvedIntent();
    const before = receivedCount("completed");
    const response = await post(
      endpoint.path,
      sign(endpoint.secret, { intentId, outcome: "completed", result: { paymentId: "pay_1" } }, t.clock()),
    );
    expect(response.status).toBe(200);
    expect((await response.json()).data).toMatchObject({ intentId, status: "completed" });
    const details = await t.data("GET", `/v1/intents/${intentId}`);
    expect(details).toMatchObject({ status: "completed", result: { paymentId: "pay_1" } });
    const completion = details.history.find((e: { eventType: string }) => e.eventType === "intent.completed");
    expect(completion.actor).toBe(endpoint.id);
    expect(receivedCount("completed")).toBe(before + 1);
  });

  it("fails the intent with the executor's error when the outcome is failed", async () => {
    const intentId = await approvedIntent();
    const response = await post(
      endpoint.path,
      sign(endpoint.secret, { intentId, outcome: "failed", error: "Card declined" }, t.clock()),
    );
    expect(response.status).toBe(200);
    const details = await t.data("GET", `/v1/intents/${intentId}`);
    expect(details).toMatchObject({ status: "failed", error: "Card declined" });
  });

  it("refuses with 409 when the same webhook-id is replayed", async () => {
    const intentId = await approvedIntent();
    const signed = sign(endpoint.secret, { intentId, outcome: "completed" }, t.clock());
    expect((await post(endpoint.path, signed)).status).toBe(200);
    const replay = await post(endpoint.path, signed);
    expect(replay.status).toBe(409);
    expect((await replay.json()).error.code).toBe("CONFLICT");
  });

  it("applies a message whose id an earlier attempt remembered but never recorded an outcome for", async () => {
    const intentId = await approvedIntent();
    const signed = sign(endpoint.secret, { intentId, outcome: "completed" }, t.clock());
    // What a process that stopped between remembering the id and recording the outcome leaves.
    const messageId = (signed.headers as Record<string, string>)["webhook-id"]!;
    expect(
      await t.services.store.webhooks.inbound.remember(endpoint.id, messageId, new Date().toISOString()),
    ).toBe(true);
    const retry = await post(endpoint.path, signed);
    expect(retry.status).toBe(200);
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("completed");
    expect((await post(endpoint.path, signed)).status).toBe(409);
  });

  it("refuses a replay of a report refused while the intent was pending, once it is approved", async () => {
    const { intentId, approvalId } = await submitInvoice(t);
    const signed = sign(endpoint.secret, { intentId, outcome: "completed" }, t.clock());
    const early = await post(endpoint.path, signed);
    expect(early.status).toBe(409);
    expect((await early.json()).error.code).toBe("INVALID_STATE");
    await t.data("POST", `/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
    const replay = await post(endpoint.path, signed);
    expect(replay.status).toBe(409);
    expect((await replay.json()).error.code).toBe("CONFLICT");
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
  });

  it("refuses a signed report with a field it does not know, naming it, and leaves the intent", async () => {
    const intentId = await approvedIntent();
    const signed = sign(endpoint.secret, { intentId, outcome: "completed", Value: { cents: 5 } }, t.clock());
    const response = await post(endpoint.path, signed);
    expect(response.status).toBe(400);
    expect((await response.json()).error.details).toEqual([{ path: ["Value"], message: "Unknown field" }]);
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
  });

  it("refuses a signed report that is not JSON with 415", async () => {
    const intentId = await approvedIntent();
    const signed = sign(endpoint.secret, { intentId, outcome: "completed" }, t.clock());
    const response = await post(endpoint.path, {
      ...signed,
      headers: { ...(signed.headers as Record<string, string>), "content-type": "text/plain" },
    });
    expect(response.status).toBe(415);
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
  });

  it.each([
    ["unsigned", (s: Signed) => ({ ...s, headers: { "content-type": "application/json" } })],
    [
      "signed with another secret",
      (s: Signed) => ({
        ...s,
        headers: { ...s.headers, "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
      }),
    ],
    ["altered after signing", (s: Signed) => ({ ...s, body: s.body.replace("completed", "failed") })],
  ])("refuses with 401 when the request is %s", async (_case, tamper) => {
    const intentId = await approvedIntent();
    const before = receivedCount("rejected");
    const response = await post(
      endpoint.path,
      tamper(sign(endpoint.secret, { intentId, outcome: "completed" }, t.clock())),
    );
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe("UNAUTHORIZED");
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
    expect(receivedCount("rejected")).toBe(before + 1);
  });

  it("refuses with 401 when the signed timestamp is more than 5 minutes old", async () => {
    const intentId = await approvedIntent();
    const stale = sign(endpoint.secret, { intentId, outcome: "completed" }, t.clock() - 301_000);
    const response = await post(endpoint.path, stale);
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toMatch(/more than 5 minutes old/);
  });

  it("answers 404 when the intent belongs to another tenant", async () => {
    const foreign = await t.data("POST", "/v1/inbound", { key: t.keys.other });
    const intentId = await approvedIntent();
    const response = await post(
      foreign.path,
      sign(foreign.secret, { intentId, outcome: "completed" }, t.clock()),
    );
    expect(response.status).toBe(404);
    expect((await t.data("GET", `/v1/intents/${intentId}`)).status).toBe("approved");
  });

  it("answers 404 when the endpoint does not exist", async () => {
    const response = await post(
      "/v1/inbound/wh_01HN4X7KQZ8Y1A2B3C4D5E6F7G",
      sign(endpoint.secret, { intentId: "int_x", outcome: "completed" }, t.clock()),
    );
    expect(response.status).toBe(404);
  });

  it("answers 403 when the endpoint may not report on the intent's type", async () => {
    const narrow = await t.data("POST", "/v1/inbound", { body: { intentTypes: ["contracts.*"] } });
    const intentId = await approvedIntent();
    const response = await post(
      narrow.path,
      sign(narrow.secret, { intentId, outcome: "completed" }, t.clock()),
    );
    expect(response.status).toBe(403);
  });

  it("answers 400 when the signed report is not valid", async () => {
    const response = await post(
      endpoint.path,
      sign(endpoint.secret, { intentId: "int_x", outcome: "done" }, t.clock()),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("VALIDATION_ERROR");
    const noError = await post(
      endpoint.path,
      sign(endpoint.secret, { intentId: "int_x", outcome: "failed" }, t.clock()),
    );
    expect(noError.status).toBe(400);
  });

  it("answers 409 INVALID_STATE when the intent still awaits approval", async () => {
    customer += 1;
    const submitted = await t.data("POST", "/v1/intents", {
      key: t.keys.agent,
      body: {
        type: "billing.send_invoice",
        agentId: "billing-agent",
        params: { customerId: `c${customer}`, amount: 5 },
      },
    });
    const response = await post(
      endpoint.path,
      sign(endpoint.secret, { intentId: submitted.intentId, outcome: "completed" }, t.clock()),
    );
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe("INVALID_STATE");
  });

  it("accepts the previous secret for a day after a rotation", async () => {
    const own = await t.data("POST", "/v1/inbound");
    const rotated = await t.data("POST", `/v1/inbound/${own.id}/rotate-secret`);
    const first = await approvedIntent();
    const second = await approvedIntent();
    expect(
      (await post(own.path, sign(own.secret, { intentId: first, outcome: "completed" }, t.clock()))).status,
    ).toBe(200);
    expect(
      (await post(own.path, sign(rotated.secret, { intentId: second, outcome: "completed" }, t.clock())))
        .status,
    ).toBe(200);
  });

  it("answers 413 when the report is larger than the body limit", async () => {
    const intentId = await approvedIntent();
    const huge = sign(
      endpoint.secret,
      { intentId, outcome: "completed", result: "x".repeat(1024 * 1024) },
      t.clock(),
    );
    const response = await post(endpoint.path, huge);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses every report when the endpoint was deleted", async () => {
    const own = await t.data("POST", "/v1/inbound");
    await t.data("DELETE", `/v1/inbound/${own.id}`);
    const intentId = await approvedIntent();
    expect(
      (await post(own.path, sign(own.secret, { intentId, outcome: "completed" }, t.clock()))).status,
    ).toBe(404);
  });
});
