import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BILLING_AGENT } from "./support/test-app";
import {
  type Harness,
  type HungReceiverSetup,
  openHarness,
  openWithHungReceiver,
  type Receiver,
  startReceiver,
  submitPendingInvoice,
} from "./webhooks-support";

const invoice = (customerId: string) => ({
  type: "billing.send_invoice",
  domain: "billing",
  agentId: "billing-agent",
  params: { customerId, amount: 1 },
});

/**
 * The per-endpoint claim bound (4 of the dispatcher's 16 slots) alone let one tenant with four
 * endpoints whose receiver hangs, and a backlog for them, hold every slot: another tenant's
 * deliveries waited until that whole backlog had been attempted (each attempt lasting the timeout).
 */
describe("webhook delivery slots shared between tenants", () => {
  const TIMEOUT_MS = 3_000;
  let setup: HungReceiverSetup;

  beforeEach(async () => {
    setup = await openWithHungReceiver({
      schedule: [0, 60_000],
      random: () => 0.5,
      timeoutMs: TIMEOUT_MS,
      claimMarginMs: 1000,
      pollMs: 50,
    });
  });
  afterEach(async () => {
    await setup?.close();
  });

  it("delivers another tenant's event while one tenant's hanging endpoints have a backlog", async () => {
    const { h } = setup;
    for (let i = 0; i < 4; i++) {
      await h.data("POST", "/v1/webhooks", {
        body: { url: setup.hanging.url, events: ["intent.submitted"] },
      });
    }
    await h.data("POST", "/v1/webhooks", {
      key: h.other,
      body: { url: setup.other.url, events: ["intent.submitted"] },
    });
    await h.data("POST", "/v1/agents", { key: h.other, body: BILLING_AGENT });
    // 8 events × 4 endpoints: a backlog due before the other tenant's event.
    for (let i = 0; i < 8; i++) await submitPendingInvoice(h, `cust_${i}`);
    await new Promise((r) => setTimeout(r, 5));
    await h.data("POST", "/v1/intents", { key: h.other, body: invoice("cust_other") });

    const stop = new AbortController();
    const running = h.services.webhooks.dispatcher.run({ signal: stop.signal });
    try {
      // Before any hung attempt has timed out.
      await setup.other.waitFor(1, TIMEOUT_MS - 1_000);
      expect(setup.hanging.requests.length).toBeLessThanOrEqual(8);
    } finally {
      stop.abort();
      await running;
    }
  });
});

/**
 * A claim held to the bounds is not "nothing due": read as drained, a run ended after the first
 * bounded batch and one endpoint's backlog went out 4 attempts per run (a run a second).
 */
describe("a backlog held to the claim bounds", () => {
  let h: Harness;
  let receiver: Receiver;

  beforeEach(async () => {
    h = await openHarness("sqlite", {
      webhooks: {
        dispatcher: { schedule: [0, 60_000], random: () => 0.5, timeoutMs: 2000, claimMarginMs: 1000 },
      },
    });
    await h.data("POST", "/v1/agents", { body: BILLING_AGENT, key: h.agent });
    await h.services.webhooks.dispatcher.run();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
    await h.close();
  });

  it.each([1, 4])("goes out in one run to %i healthy endpoint(s)", async (endpoints) => {
    for (let i = 0; i < endpoints; i++) {
      await h.data("POST", "/v1/webhooks", { body: { url: receiver.url, events: ["intent.submitted"] } });
    }
    const events = 30;
    for (let i = 0; i < events; i++)
      await h.data("POST", "/v1/intents", { key: h.agent, body: invoice(`c${i}`) });
    const outcome = await h.services.webhooks.dispatcher.run();
    expect(outcome.processed).toBe(events * endpoints);
    expect(receiver.requests).toHaveLength(events * endpoints);
  });
});
