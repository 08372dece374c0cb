import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  eventually,
  type Harness,
  type HungReceiverSetup,
  openWithHungReceiver,
  submitPendingInvoice,
} from "./webhooks-support";

/**
 * Slow receivers holding every delivery slot must not stop the outbox's fan-out: it used to run
 * only when a run started, so while attempts hung until their timeout, every event committed
 * meanwhile waited in the outbox, and under sustained load the outbox grew without bound.
 */
describe("webhook fan-out while every delivery slot is held by a hung receiver", () => {
  const TIMEOUT_MS = 3_500;
  let setup: HungReceiverSetup;
  let h: Harness;

  beforeEach(async () => {
    setup = await openWithHungReceiver({
      schedule: [0, 60_000],
      random: () => 0.5,
      timeoutMs: TIMEOUT_MS,
      claimMarginMs: 1000,
      // One slot, and one event fanned out per round and run: the hung attempt holds the slot.
      batchSize: 1,
      maxRounds: 1,
      fanOutBatchSize: 1,
      pollMs: 50,
    });
    h = setup.h;
  });

  afterEach(async () => {
    await setup?.close();
  });

  it("keeps turning new events into deliveries while the hung attempt is open", async () => {
    await h.data("POST", "/v1/webhooks", { body: { url: setup.hanging.url, events: ["intent.submitted"] } });
    const healthy = await h.data("POST", "/v1/webhooks", {
      body: { url: setup.other.url, events: ["intent.submitted"] },
    });
    for (const customer of ["cust_a", "cust_b", "cust_c"]) await submitPendingInvoice(h, customer);
    const stop = new AbortController();
    const running = h.services.webhooks.dispatcher.run({ signal: stop.signal });
    try {
      await setup.hanging.waitFor(1, 2_000);
      // All three events reach the healthy endpoint's delivery log before the hung attempt ends.
      await eventually(async () => {
        const page = await h.data("GET", `/v1/webhooks/${healthy.id}/deliveries`);
        return page.total === 3;
      }, TIMEOUT_MS - 2_000);
      expect(setup.hanging.requests).toHaveLength(1);
    } finally {
      stop.abort();
      await running;
    }
  });
});
