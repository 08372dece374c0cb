import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobRegistry, type JobRegistry } from "../src/jobs/job-registry";
import { registerWebhookJobs } from "../src/jobs/webhook-jobs";
import { CUT_AT_SHUTDOWN } from "../src/webhooks/http-sender";
import {
  type Harness,
  type HungReceiverSetup,
  openWithHungReceiver,
  type Receiver,
  submitPendingInvoice,
} from "./webhooks-support";

/**
 * A receiver that hangs until the attempt timeout must hold one delivery slot, not the whole
 * dispatcher: other endpoints' new events and due retries keep flowing meanwhile.
 */
describe("webhook delivery while one receiver hangs", () => {
  const TIMEOUT_MS = 6_000;
  let setup: HungReceiverSetup;
  let h: Harness;
  let jobs: JobRegistry;
  let hanging: Receiver;
  let healthy: Receiver;
  let hangingId: string;

  beforeAll(async () => {
    setup = await openWithHungReceiver({
      schedule: [0, 100, 100],
      random: () => 0.5,
      timeoutMs: TIMEOUT_MS,
      claimMarginMs: 1000,
    });
    ({ h, hanging, other: healthy } = setup);
    // The healthy receiver refuses its first request once: its retry is due 100 ms later.
    healthy.respond((_request, index) => ({ status: index === 0 ? 503 : 200 }));
    hangingId = (
      await h.data("POST", "/v1/webhooks", { body: { url: hanging.url, events: ["intent.submitted"] } })
    ).id;
    await h.data("POST", "/v1/webhooks", { body: { url: healthy.url, events: ["intent.submitted"] } });
    jobs = createJobRegistry();
    registerWebhookJobs(jobs, { ...h.services, config: { ...h.services.config, jobIntervalMs: 200 } });
    jobs.start();
  });

  afterAll(async () => {
    await jobs?.stop();
    h?.services.webhooks.onWake(() => undefined);
    await setup?.close();
  });

  it("retries and delivers new events to other endpoints without waiting for the hung attempt", async () => {
    const started = Date.now();
    await submitPendingInvoice(h, "cust_hang_1");
    await hanging.waitFor(1, 3_000);
    // The first attempt to the healthy receiver failed; its retry is due 100 ms later.
    await healthy.waitFor(2, TIMEOUT_MS - 2_000);
    // A new event while the hung attempt is still open reaches the healthy receiver promptly.
    await submitPendingInvoice(h, "cust_hang_2");
    await healthy.waitFor(3, TIMEOUT_MS - 2_000);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
    const events = healthy.requests.map((r) => (JSON.parse(r.body) as { id: string }).id);
    expect(new Set(events).size).toBe(2);
  });

  it("stops promptly: a shutdown starts no new attempts and cuts the hung one, to be retried, after its grace", async () => {
    const stopping = jobs.stop();
    const before = healthy.requests.length;
    await submitPendingInvoice(h, "cust_hang_3");
    await stopping;
    expect(healthy.requests.length).toBe(before);
    // The hung attempt did not run to its timeout: it was cut, recorded, and its retry scheduled.
    type Delivery = { status: string; attempts: { error: string | null }[] };
    const { items } = (await h.data("GET", `/v1/webhooks/${hangingId}/deliveries`)) as { items: Delivery[] };
    const cut = items.find((d) => d.attempts.some((a) => a.error === CUT_AT_SHUTDOWN));
    expect(cut).toMatchObject({ status: "pending" });
  });
});
