import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Harness,
  type HungReceiverSetup,
  openWithHungReceiver,
  type Receiver,
  submitPendingInvoice,
} from "./webhooks-support";

/** An endpoint deleted (with its delivery log) while one of its attempts is still in flight. */
describe("deleting a webhook endpoint during an attempt", () => {
  let setup: HungReceiverSetup;
  let h: Harness;
  let slow: Receiver;
  let other: Receiver;

  beforeAll(async () => {
    setup = await openWithHungReceiver({
      schedule: [0, 50],
      random: () => 0.5,
      timeoutMs: 1_500,
      claimMarginMs: 500,
    });
    ({ h, hanging: slow, other } = setup);
  });

  afterAll(() => setup?.close());

  it("drops the attempt's outcome quietly and keeps delivering to the other endpoints", async () => {
    const doomed = await h.data("POST", "/v1/webhooks", {
      body: { url: slow.url, events: ["intent.submitted"] },
    });
    await h.data("POST", "/v1/webhooks", { body: { url: other.url, events: ["intent.submitted"] } });
    await submitPendingInvoice(h, "cust_deleted");
    const run = h.services.webhooks.dispatcher.run();
    await slow.waitFor(1, 3_000);
    await h.data("DELETE", `/v1/webhooks/${doomed.id}`);
    // The attempt times out after the delete: the run must neither throw nor resurrect the log.
    const outcome = await run;
    expect(outcome.processed).toBe(2);
    expect(other.requests).toHaveLength(1);
    const response = await h.request("GET", `/v1/webhooks/${doomed.id}/deliveries`);
    expect(response.status).toBe(404);
    // Nothing left to send to the deleted endpoint.
    expect((await h.services.webhooks.dispatcher.run()).processed).toBe(0);
  });
});
