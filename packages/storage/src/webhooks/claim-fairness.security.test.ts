import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS, makeDelivery, makeEndpoint, randomSuffix, type TestStore } from "../test-fixtures";
import {
  MAX_CLAIMS_PER_ENDPOINT,
  MAX_CLAIMS_PER_TENANT,
  type WebhookDeliveryRecord,
} from "./webhook-delivery-repo";

const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
/** The dispatcher's slots (apps/api webhook-dispatcher batchSize). */
const SLOTS = 16;

/**
 * One tenant's endpoints together may hold at most MAX_CLAIMS_PER_TENANT deliveries: with only the
 * per-endpoint bound, a tenant with SLOTS / MAX_CLAIMS_PER_ENDPOINT hanging endpoints and a backlog
 * took every slot, and no other tenant's delivery was claimed until that backlog was attempted.
 */
describe.each(DIALECTS)("webhook claims across tenants on %s", (_dialect, open) => {
  let ctx: TestStore;
  beforeAll(async () => {
    ctx = await open();
  });
  afterAll(async () => {
    await ctx?.dispose();
  });

  it("leaves slots for another tenant while one tenant's endpoints hold claims", async () => {
    const { store } = ctx;
    const greedy = `tenant-${randomSuffix()}`;
    const victim = `tenant-${randomSuffix()}`;
    const endpoints = Array.from({ length: SLOTS / MAX_CLAIMS_PER_ENDPOINT + 1 }, () => makeEndpoint(greedy));
    const victimEndpoint = makeEndpoint(victim);
    for (const endpoint of [...endpoints, victimEndpoint]) await store.webhooks.endpoints.insert(endpoint);
    // The greedy tenant's backlog is due first.
    await store.webhooks.deliveries.insertMany([
      ...endpoints.flatMap((endpoint) =>
        Array.from({ length: 10 }, (_, i) => makeDelivery(endpoint, { nextAttemptAt: at(i) })),
      ),
      makeDelivery(victimEndpoint, { nextAttemptAt: at(30) }),
    ]);
    const claim = (limit: number) =>
      store.transaction((tx) => tx.webhooks.deliveries.claimDue({ now: at(40), claimUntil: at(100), limit }));
    const count = (claimed: WebhookDeliveryRecord[], tenantId: string) =>
      claimed.filter((d) => d.tenantId === tenantId).length;

    // The slots the greedy tenant may not take go to the other tenant in the same claim, though
    // its delivery is due after the whole backlog.
    const first = await claim(SLOTS);
    expect(count(first, greedy)).toBe(MAX_CLAIMS_PER_TENANT);
    expect(count(first, victim)).toBe(1);
    // The greedy tenant gets nothing more while its claims are held.
    expect(await claim(SLOTS - first.length)).toEqual([]);
  });
});
