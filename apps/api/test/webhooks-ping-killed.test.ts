import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { removedAfterAll } from "./support/killed-process-leftovers";
import { openProcessDatabase } from "./support/process-database";
import { spawnServer } from "./support/server-process";
import { eventually, startReceiver } from "./webhooks-support";

/**
 * `POST /v1/webhooks/:id/test` is "one attempt, no retries" (docs/webhooks.md, docs/api). The
 * server is killed with SIGKILL while that one attempt is in flight (the receiver has not
 * answered yet), then started again on the same database.
 */

const ADMIN = generateApiKey("ping");
const { dirs, servers, receivers, drops } = removedAfterAll();

async function call(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "x-api-key": ADMIN, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: checked by value
  return { status: response.status, body: (await response.json()) as any };
}

describe.each(["sqlite", "postgres"] as const)("a webhook test ping cut by SIGKILL on %s", (dialect) => {
  it("is not turned into a delivery retried on the standard schedule after the restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-ping-killed-"));
    dirs.push(dir);
    const database = await openProcessDatabase(dialect, dir, "pingkilled");
    drops.push(database.drop);
    const receiver = await startReceiver();
    receivers.push(receiver);
    // The first ping hangs (the server dies waiting for it); every later request is refused.
    receiver.respond((_request, index) => (index === 0 ? { status: 200, hang: true } : { status: 500 }));
    const env = {
      DATABASE_URL: database.url,
      INTENDEDOPS_BOOTSTRAP_KEY: ADMIN,
      INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1",
      JOB_INTERVAL_MS: "200",
      LOG_LEVEL: "warn",
    };
    const first = await spawnServer({ env });
    servers.push(first);
    const webhook = await call(first.url, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["intent.completed"],
    });
    expect(webhook.status).toBe(201);
    const webhookId = webhook.body.data.id as string;

    const test = fetch(`${first.url}/v1/webhooks/${webhookId}/test`, {
      method: "POST",
      headers: { "x-api-key": ADMIN },
    }).catch(() => undefined);
    await receiver.waitFor(1, 10_000);
    expect(JSON.parse(receiver.requests[0]!.body).event).toBe("webhook.ping");
    first.child.kill("SIGKILL");
    await first.exited;
    expect(await test).toBeUndefined(); // the caller got no answer

    const second = await spawnServer({ env });
    servers.push(second);
    // biome-ignore lint/suspicious/noExplicitAny: checked by value
    const pingDelivery = async (): Promise<any> => {
      const list = await call(second.url, "GET", `/v1/webhooks/${webhookId}/deliveries`);
      // biome-ignore lint/suspicious/noExplicitAny: checked by value
      return list.body.data.items.find((d: any) => d.event === "webhook.ping");
    };
    const stored = await pingDelivery();
    expect(stored).toBeDefined();
    // Wait until the killed process's claim lapsed (15 s) and the restarted server acted on the
    // ping (if it does): the receiver sees it again and the attempt is recorded.
    await eventually(
      async () =>
        (await pingDelivery()).attempts.some((a: { statusCode: number | null }) => a.statusCode === 500),
      30_000,
    ).catch(() => {});
    const after = await pingDelivery();
    const pings = receiver.requests.filter((r) => JSON.parse(r.body).event === "webhook.ping").length;
    // One attempt, no retries: whatever became of the cut attempt, the ping must not be left
    // pending with a retry scheduled (5 min, then on for three days).
    expect(
      { status: after.status, nextAttemptAt: after.nextAttemptAt, pingsReceived: pings },
      JSON.stringify(after),
    ).toEqual({ status: "failed", nextAttemptAt: null, pingsReceived: expect.any(Number) });
  }, 60_000);
});
