import { randomBytes } from "node:crypto";
import { generateWebhookSecret, newId } from "@intendedops/core";
import { createStore, type KyselyStore } from "@intendedops/storage";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpSender } from "../src/webhooks/http-sender";
import { createSecretBox } from "../src/webhooks/secret-box";
import { createWebhookDispatcher, type WebhookDispatcher } from "../src/webhooks/webhook-dispatcher";
import { PG_URL } from "./support/test-app";
import { type Receiver, startReceiver } from "./webhooks-support";

const EVENTS = 200;
const TENANT = "acme";

describe("two dispatchers on one PostgreSQL", () => {
  const schema = `wh_pair_${randomBytes(6).toString("hex")}`;
  let first: KyselyStore;
  let second: KyselyStore;
  let receiver: Receiver;

  beforeAll(async () => {
    // Two stores (two pools) on one schema: two server instances as far as the database can tell.
    first = await createStore({ url: PG_URL, schema, poolSize: 4 });
    second = await createStore({ url: PG_URL, schema, poolSize: 4 });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(first.db);
    await first?.close();
    await second?.close();
  });

  function dispatcher(store: KyselyStore): WebhookDispatcher {
    return createWebhookDispatcher({
      store,
      sender: createHttpSender({ allowPrivate: true }),
      secrets: createSecretBox(),
      batchSize: 8,
      fanOutBatchSize: 20,
      maxRounds: 3,
      timeoutMs: 5000,
    });
  }

  it("delivers each event exactly once when both run at the same time", async () => {
    const now = Date.now();
    await first.webhooks.endpoints.insert({
      id: newId("webhook"),
      tenantId: TENANT,
      url: receiver.url,
      description: null,
      events: ["*"],
      secret: generateWebhookSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      disabledAt: null,
      disabledReason: null,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
    });
    const ids = Array.from({ length: EVENTS }, () => newId("webhookEvent"));
    await first.transaction((tx) =>
      tx.outbox.enqueue(
        ids.map((id, i) => ({
          id,
          tenantId: TENANT,
          event: "intent.submitted",
          data: { intentId: `int_${i}` },
          createdAt: new Date(now + i).toISOString(),
        })),
      ),
    );

    const totals = [
      { processed: 0, failed: 0 },
      { processed: 0, failed: 0 },
    ];
    const deadline = Date.now() + 60_000;
    const loop = async (worker: WebhookDispatcher, total: { processed: number; failed: number }) => {
      while (receiver.requests.length < EVENTS && Date.now() < deadline) {
        const outcome = await worker.run();
        total.processed += outcome.processed;
        total.failed += outcome.failed;
        if (outcome.processed === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await Promise.all([loop(dispatcher(first), totals[0]!), loop(dispatcher(second), totals[1]!)]);
    // One more pass each: nothing may be left to send, and nothing may be sent again.
    const after = await Promise.all([dispatcher(first).run(), dispatcher(second).run()]);

    const received = receiver.requests.map((r) => String(r.headers["webhook-id"]));
    expect(received).toHaveLength(EVENTS);
    expect(new Set(received).size).toBe(EVENTS);
    expect([...received].sort()).toEqual([...ids].sort());
    expect(totals[0]!.failed + totals[1]!.failed).toBe(0);
    expect(totals[0]!.processed + totals[1]!.processed).toBe(EVENTS);
    expect(totals[0]!.processed).toBeGreaterThan(0);
    expect(totals[1]!.processed).toBeGreaterThan(0);
    expect(after.map((o) => o.processed)).toEqual([0, 0]);
    const pending = await first.db
      .withTables<{ webhook_deliveries: { status: string } }>()
      .selectFrom("webhook_deliveries")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "!=", "succeeded")
      .executeTakeFirstOrThrow();
    expect(pending.n).toBe(0);
  });
});
