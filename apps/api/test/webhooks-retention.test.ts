import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { createWebhookMaintenanceJob } from "../src/jobs/webhook-jobs";
import { BILLING_AGENT, DIALECTS } from "./support/test-app";
import {
  type Harness,
  openHarness,
  type Receiver,
  startReceiver,
  submitPendingInvoice,
} from "./webhooks-support";

const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(DIALECTS)("webhook delivery log retention on %s", (dialect) => {
  let h: Harness;
  let receiver: Receiver;
  let webhookId: string;

  beforeAll(async () => {
    h = await openHarness(dialect);
    await h.data("POST", "/v1/agents", { body: BILLING_AGENT, key: h.agent });
    receiver = await startReceiver();
    webhookId = (await h.data("POST", "/v1/webhooks", { body: { url: receiver.url, events: ["*"] } })).id;
    await submitPendingInvoice(h, "cust_retention");
    await h.services.webhooks.dispatcher.run();
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  const deliveries = async () =>
    (await h.data("GET", `/v1/webhooks/${webhookId}/deliveries?pageSize=100`)).items as { status: string }[];

  it("keeps 30 days of delivered webhooks by default, then deletes them; 0 keeps them for good", async () => {
    expect(loadConfig({}).webhookLogRetentionDays).toBe(30);
    const delivered = await deliveries();
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((d) => d.status === "succeeded")).toBe(true);

    const at = (days: number) => () => Date.now() + days * DAY_MS;
    const job = (days: number, retention: number) =>
      createWebhookMaintenanceJob(h.store, 60_000, at(days), retention);
    await job(29, 30).run();
    expect(await deliveries()).toHaveLength(delivered.length);
    await job(3650, 0).run();
    expect(await deliveries()).toHaveLength(delivered.length);
    await job(31, 30).run();
    expect(await deliveries()).toEqual([]);
  });
});
