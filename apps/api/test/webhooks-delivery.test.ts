import crypto from "node:crypto";
import { newId } from "@intendedops/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createJobRegistry, type JobRegistry } from "../src/jobs/job-registry";
import { registerWebhookJobs } from "../src/jobs/webhook-jobs";
import { createHttpSender } from "../src/webhooks/http-sender";
import { createSecretBox } from "../src/webhooks/secret-box";
import { createWebhookDispatcher } from "../src/webhooks/webhook-dispatcher";
import { BILLING_AGENT, DIALECTS, TENANT } from "./support/test-app";
import {
  eventually,
  FAST_SCHEDULE,
  type Harness,
  headerRecord,
  openHarness,
  type Receiver,
  StandardWebhook,
  startReceiver,
  submitPendingInvoice,
} from "./webhooks-support";

// --- from the API guide, "Webhook Setup", verbatim up to formatting ---
function verifyWebhook(payload: string, signature: string, secret: string): boolean {
  const expected = crypto.createHmac("sha256", secret).update(payload).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
// --- end of the guide's code ---

interface Payload {
  id: string;
  timestamp: string;
  tenantId: string;
  event: string;
  data: Record<string, unknown>;
}

describe.each(DIALECTS)("webhook delivery on %s", (dialect) => {
  let h: Harness;
  let receiver: Receiver;
  let customer = 0;

  beforeAll(async () => {
    h = await openHarness(dialect);
    await h.data("POST", "/v1/agents", { body: BILLING_AGENT, key: h.agent });
    // The registration event of the agent is not under test: no endpoint existed, so it is consumed.
    await h.services.webhooks.dispatcher.run();
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    // Earlier endpoints would keep retrying at a closed port that a later receiver could reuse.
    for (const webhook of (await h.data("GET", "/v1/webhooks?pageSize=100")).items) {
      await h.data("DELETE", `/v1/webhooks/${webhook.id}`);
    }
    await receiver?.close();
  });

  async function endpoint(events: string[] = ["*"]): Promise<{ id: string; secret: string }> {
    receiver = await startReceiver();
    return h.data("POST", "/v1/webhooks", { body: { url: receiver.url, events } });
  }

  async function deliveries(webhookId: string) {
    return (await h.data("GET", `/v1/webhooks/${webhookId}/deliveries?pageSize=100`)).items;
  }

  /** Runs the dispatcher until `done` holds (bounded): retries are due milliseconds apart. */
  async function dispatchUntil(done: () => boolean | Promise<boolean>): Promise<void> {
    await eventually(async () => {
      await h.services.webhooks.dispatcher.run();
      return done();
    });
  }

  it("sends the guide's payload with signatures the guide's verifyWebhook and Standard Webhooks accept", async () => {
    const { id, secret } = await endpoint(["intent.approved"]);
    const { intentId, approvalId } = await submitPendingInvoice(h, `cust_${++customer}`);
    await h.data("POST", `/v1/approvals/${approvalId}/approve`);
    await dispatchUntil(() => receiver.requests.length >= 1);

    const [request] = receiver.requests;
    const payload = JSON.parse(request!.body) as Payload;
    expect(Object.keys(payload)).toEqual(["id", "timestamp", "tenantId", "event", "data"]);
    expect(payload).toMatchObject({
      id: expect.stringMatching(/^whk_[0-9A-Z]{26}$/),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      tenantId: TENANT,
      event: "intent.approved",
      data: {
        intentId,
        type: "billing.send_invoice",
        status: "approved",
        approvedBy: expect.stringMatching(/^key_/),
        approvedByName: "admin key",
      },
    });
    const headers = request!.headers;
    expect(request!.method).toBe("POST");
    expect(headers["content-type"]).toBe("application/json");
    expect(verifyWebhook(request!.body, String(headers["x-intendedops-signature"]), secret)).toBe(true);
    // The guide's Express handler re-serializes the parsed body; the compact body survives it.
    expect(
      verifyWebhook(
        JSON.stringify(JSON.parse(request!.body)),
        String(headers["x-intendedops-signature"]),
        secret,
      ),
    ).toBe(true);
    expect(headers["webhook-id"]).toBe(payload.id);
    expect(new StandardWebhook(secret).verify(request!.body, headerRecord(headers))).toEqual(payload);

    const [delivery] = await deliveries(id);
    expect(delivery).toMatchObject({ eventId: payload.id, event: "intent.approved", status: "succeeded" });
    expect(delivery.payload).toBe(request!.body);
    expect(delivery.attempts).toEqual([
      {
        attempt: 1,
        attemptedAt: expect.any(String),
        statusCode: 200,
        latencyMs: expect.any(Number),
        error: null,
      },
    ]);
  });

  it("delivers only the events an endpoint subscribes to when several happen", async () => {
    await endpoint(["intent.rejected"]);
    const { approvalId } = await submitPendingInvoice(h, `cust_${++customer}`);
    await h.data("POST", `/v1/approvals/${approvalId}/reject`, {
      body: { reason: "Amount exceeds approved limit" },
    });
    await dispatchUntil(() => receiver.requests.length >= 1);
    await h.services.webhooks.dispatcher.run();
    const events = receiver.requests.map((r) => (JSON.parse(r.body) as Payload).event);
    expect(events).toEqual(["intent.rejected"]);
    expect((JSON.parse(receiver.requests[0]!.body) as Payload).data).toMatchObject({
      reason: "Amount exceeds approved limit",
    });
  });

  it("sends the same id and bytes three times when the receiver fails twice then succeeds", async () => {
    const { id } = await endpoint(["intent.submitted"]);
    receiver.respond((_request, index) => ({ status: index < 2 ? 503 : 204 }));
    await submitPendingInvoice(h, `cust_${++customer}`);
    await dispatchUntil(() => receiver.requests.length >= 3);

    const ids = receiver.requests.map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);
    expect((JSON.parse(receiver.requests[0]!.body) as Payload).id).toBe(ids[0]);
    await eventually(async () => (await deliveries(id))[0].status === "succeeded");
    const [delivery] = await deliveries(id);
    expect(
      delivery.attempts.map((a: { statusCode: number; error: string | null }) => [a.statusCode, a.error]),
    ).toEqual([
      [503, "HTTP 503"],
      [503, "HTTP 503"],
      [204, null],
    ]);
    expect(delivery.nextAttemptAt).toBeNull();
  });

  it("disables the endpoint and fails the delivery when the receiver answers 410", async () => {
    const { id } = await endpoint(["intent.submitted"]);
    receiver.respond(() => ({ status: 410 }));
    await submitPendingInvoice(h, `cust_${++customer}`);
    await dispatchUntil(() => receiver.requests.length >= 1);
    await eventually(async () => (await deliveries(id))[0]?.status === "failed");

    expect(await h.data("GET", `/v1/webhooks/${id}`)).toMatchObject({
      enabled: false,
      disabledReason: "The receiver answered 410 Gone",
    });
    // Later events are not fanned out to it, and nothing more is sent.
    await submitPendingInvoice(h, `cust_${++customer}`);
    await h.services.webhooks.dispatcher.run();
    await h.services.webhooks.dispatcher.run();
    expect(receiver.requests).toHaveLength(1);
    expect(await deliveries(id)).toHaveLength(1);
  });

  it("marks the delivery failed and keeps it visible when the last scheduled attempt fails", async () => {
    const { id } = await endpoint(["intent.submitted"]);
    receiver.respond(() => ({ status: 500 }));
    await submitPendingInvoice(h, `cust_${++customer}`);
    await dispatchUntil(() => receiver.requests.length >= FAST_SCHEDULE.length);
    await eventually(async () => (await deliveries(id))[0]?.status === "failed");
    const [delivery] = await deliveries(id);
    expect(delivery.attempts).toHaveLength(FAST_SCHEDULE.length);
    expect(delivery).toMatchObject({ lastStatusCode: 500, lastError: "HTTP 500", nextAttemptAt: null });
    expect(delivery.completedAt).not.toBeNull();
    await h.services.webhooks.dispatcher.run();
    expect(receiver.requests).toHaveLength(FAST_SCHEDULE.length);
  });

  it("waits as long as Retry-After asks when it is longer than the schedule", async () => {
    const { id } = await endpoint(["intent.submitted"]);
    receiver.respond(() => ({ status: 429, headers: { "retry-after": "3600" } }));
    await submitPendingInvoice(h, `cust_${++customer}`);
    await dispatchUntil(() => receiver.requests.length >= 1);
    await eventually(async () => (await deliveries(id))[0]?.attempts.length === 1);
    const [delivery] = await deliveries(id);
    const waitMs = Date.parse(delivery.nextAttemptAt) - Date.parse(delivery.attempts[0].attemptedAt);
    expect(waitMs).toBeGreaterThanOrEqual(3_600_000);
    expect(delivery.status).toBe("pending");
  });

  it("records a timeout and retries when the receiver does not answer in time", async () => {
    const { id } = await endpoint(["intent.submitted"]);
    receiver.respond((_request, index) => (index === 0 ? { status: 200, hang: true } : { status: 200 }));
    await submitPendingInvoice(h, `cust_${++customer}`);
    await dispatchUntil(() => receiver.requests.length >= 2);
    await eventually(async () => (await deliveries(id))[0]?.status === "succeeded");
    const [delivery] = await deliveries(id);
    expect(delivery.attempts[0]).toMatchObject({ statusCode: null, error: "timeout after 2000 ms" });
    expect(delivery.attempts[1]).toMatchObject({ statusCode: 200, error: null });
  });

  it("signs with both secrets for a day after a rotation", async () => {
    const { id, secret: oldSecret } = await endpoint(["intent.submitted"]);
    const rotated = await h.data("POST", `/v1/webhooks/${id}/rotate-secret`);
    expect(rotated.secret).not.toBe(oldSecret);
    await submitPendingInvoice(h, `cust_${++customer}`);
    await dispatchUntil(() => receiver.requests.length >= 1);
    const [request] = receiver.requests;
    const headers = headerRecord(request!.headers);
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new StandardWebhook(rotated.secret).verify(request!.body, headers)).toBeTruthy();
    expect(new StandardWebhook(oldSecret).verify(request!.body, headers)).toBeTruthy();
    // The guide's single hex signature uses the new secret.
    expect(verifyWebhook(request!.body, headers["x-intendedops-signature"]!, rotated.secret)).toBe(true);
  });

  it("pings the endpoint once and records the attempt when tested", async () => {
    const { id, secret } = await endpoint(["intent.completed"]);
    const delivery = await h.data("POST", `/v1/webhooks/${id}/test`);
    expect(receiver.requests).toHaveLength(1);
    const payload = JSON.parse(receiver.requests[0]!.body) as Payload;
    expect(payload).toMatchObject({ event: "webhook.ping", tenantId: TENANT, data: { webhookId: id } });
    expect(
      new StandardWebhook(secret).verify(
        receiver.requests[0]!.body,
        headerRecord(receiver.requests[0]!.headers),
      ),
    ).toEqual(payload);
    expect(delivery).toMatchObject({ event: "webhook.ping", status: "succeeded", eventId: payload.id });
    expect(delivery.attempts).toHaveLength(1);
  });

  it("sends the same id again when a delivery is redelivered", async () => {
    const { id } = await endpoint(["intent.submitted"]);
    await submitPendingInvoice(h, `cust_${++customer}`);
    await dispatchUntil(() => receiver.requests.length >= 1);
    await eventually(async () => (await deliveries(id))[0]?.status === "succeeded");
    const [first] = await deliveries(id);
    const again = await h.data("POST", `/v1/webhooks/deliveries/${first.id}/redeliver`);
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.headers["webhook-id"]).toBe(first.eventId);
    expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body);
    expect(again.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2]);
    expect(
      (await h.request("POST", `/v1/webhooks/deliveries/${first.id}/redeliver`, { key: h.other })).status,
    ).toBe(404);
  });

  it("delivers intent.blocked and intent.expired when policy blocks one intent and another's approval lapses", async () => {
    await endpoint(["intent.blocked", "intent.expired"]);
    const policy = await h.data("POST", "/v1/policies", {
      body: {
        name: "Huge invoices are blocked",
        effect: "block",
        match: { types: ["billing.send_invoice"], params: { field: "amount", op: "gt", value: 100_000 } },
        reason: "Invoices above $100,000 go through finance",
      },
    });
    try {
      const blocked = await h.data("POST", "/v1/intents", {
        key: h.agent,
        body: {
          type: "billing.send_invoice",
          agentId: "billing-agent",
          params: { customerId: "c_big", amount: 500_000 },
        },
      });
      expect(blocked.status).toBe("blocked");
      const { intentId } = await submitPendingInvoice(h, `cust_${++customer}`);
      // The expiry job's own call, a week ahead: every pending approval is overdue by then.
      expect(await h.services.governor.expireDue(Date.now() + 7 * 24 * 3600 * 1000)).toBeGreaterThanOrEqual(
        1,
      );
      // Earlier tests' pending approvals expire too: wait for this test's two events by name.
      const payloadsNow = () => receiver.requests.map((r) => JSON.parse(r.body) as Payload);
      await dispatchUntil(
        () =>
          payloadsNow().some((p) => p.event === "intent.blocked") &&
          payloadsNow().some((p) => p.event === "intent.expired" && p.data.intentId === intentId),
      );
      const payloads = payloadsNow();
      expect(payloads.find((p) => p.event === "intent.blocked")?.data).toMatchObject({
        intentId: blocked.intentId,
        status: "blocked",
      });
      expect(
        payloads.find((p) => p.event === "intent.expired" && p.data.intentId === intentId)?.data,
      ).toMatchObject({
        status: "expired",
      });
    } finally {
      await h.data("DELETE", `/v1/policies/${policy.id}`);
    }
  });

  it("keeps delivering to other endpoints while one receiver hangs until the timeout", async () => {
    const hanging = await endpoint(["agent.trust.changed"]);
    const hangingReceiver = receiver;
    hangingReceiver.respond(() => ({ status: 200, hang: true }));
    const healthy = await endpoint(["agent.trust.changed"]);
    const start = Date.now();
    const make = (webhookId: string, offsetMs: number) => {
      const eventId = newId("webhookEvent");
      return {
        id: newId("delivery"),
        tenantId: TENANT,
        endpointId: webhookId,
        eventId,
        event: "webhook.never",
        body: `{"id":"${eventId}"}`,
        createdAt: new Date(start).toISOString(),
        nextAttemptAt: new Date(start - 1000 + offsetMs).toISOString(),
      };
    };
    await h.store.webhooks.deliveries.insertMany([
      make(hanging.id, 0),
      make(healthy.id, 1),
      make(healthy.id, 2),
      make(healthy.id, 3),
    ]);
    // Two slots: the hanging attempt holds one, the other serves the healthy endpoint meanwhile.
    const dispatcher = createWebhookDispatcher({
      store: h.store,
      sender: createHttpSender({ allowPrivate: true }),
      secrets: createSecretBox(),
      batchSize: 2,
      timeoutMs: 2000,
    });
    const running = dispatcher.run();
    await receiver.waitFor(3);
    const [stuck] = await deliveries(hanging.id);
    expect(stuck.attempts).toHaveLength(0);
    const outcome = await running;
    expect(outcome).toMatchObject({ processed: 4, failed: 1 });
    expect((await deliveries(hanging.id))[0].attempts[0].error).toBe("timeout after 2000 ms");
    await hangingReceiver.close();
  });

  it("delivers an event promptly when the server's job runs and a commit wakes it", async () => {
    const jobs: JobRegistry = createJobRegistry();
    // A long interval: only the wake-up from the commit can deliver within the wait below.
    registerWebhookJobs(jobs, { ...h.services, config: { ...h.services.config, jobIntervalMs: 3_600_000 } });
    jobs.start();
    try {
      await endpoint(["intent.submitted"]);
      await submitPendingInvoice(h, `cust_${++customer}`);
      await receiver.waitFor(1, 5_000);
      expect((JSON.parse(receiver.requests[0]!.body) as Payload).event).toBe("intent.submitted");
    } finally {
      await jobs.stop();
      h.services.webhooks.onWake(() => undefined);
    }
  });
});
