import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyStore, KyselyTx } from "../kysely-store";
import {
  makeDelivery,
  makeEndpoint,
  openPostgresTestStore,
  randomSuffix,
  type TestStore,
  whileFirstHoldsItsTurn,
} from "../test-fixtures";
import { MAX_CLAIMS_PER_ENDPOINT, MAX_CLAIMS_PER_TENANT } from "./webhook-delivery-repo";

const at = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

/**
 * docs/webhooks.md: the per-endpoint and per-tenant bounds on deliveries in flight are counted
 * across every server instance on the database. Two instances' dispatchers claim at the same time
 * on PostgreSQL; a claim one has made but not committed is invisible to the other's count, so
 * claims take turns. Regression: each counted only committed claims, and together they held twice
 * the bounds (a row the other had locked was given back and the same endpoint's next one taken).
 */
describe("webhook claims of two instances at once (postgres)", () => {
  let ctx: TestStore;
  let store: KyselyStore;

  beforeAll(async () => {
    ctx = await openPostgresTestStore();
    store = ctx.store;
  });
  afterAll(async () => {
    await ctx?.dispose();
  });

  /** The first claim holds its transaction open while the second claims; both claims' deliveries. */
  async function claimTogether(now: number, secondLimit = 16) {
    const claim = (limit: number) => (tx: KyselyTx) =>
      tx.webhooks.deliveries.claimDue({ now: at(now), claimUntil: at(now + 60), limit });
    const { secondWaited, first, second } = await whileFirstHoldsItsTurn(
      store,
      "webhook_claims",
      (claimed, mayCommit) =>
        store.transaction(async (tx) => {
          const deliveries = await claim(16)(tx);
          claimed();
          await mayCommit;
          return deliveries;
        }),
      () => store.transaction(claim(secondLimit)),
    );
    const both = [...first, ...second];
    expect(new Set(both.map((d) => d.id)).size).toBe(both.length);
    return { claimed: both, secondWaited };
  }

  it.each([
    ["the due window (the second claim takes 4, as a dispatcher claims its free slots)", 12, 4],
    ["the endpoint-by-endpoint path (a backlog of more than 64 in front)", 70, 16],
  ])(
    "hold at most MAX_CLAIMS_PER_ENDPOINT of one endpoint, through %s",
    async (_path, backlog, secondLimit) => {
      const endpoint = makeEndpoint(`tenant-${randomSuffix()}`);
      await store.webhooks.endpoints.insert(endpoint);
      const base = backlog === 12 ? 0 : 200;
      await store.webhooks.deliveries.insertMany(
        Array.from({ length: backlog }, (_, i) => makeDelivery(endpoint, { nextAttemptAt: at(base + i) })),
      );
      const { claimed, secondWaited } = await claimTogether(base + 100, secondLimit);
      expect(claimed.filter((d) => d.endpointId === endpoint.id)).toHaveLength(MAX_CLAIMS_PER_ENDPOINT);
      expect(secondWaited).toBe(true);
    },
  );

  it("hold at most MAX_CLAIMS_PER_TENANT of one tenant", async () => {
    const tenantId = `tenant-${randomSuffix()}`;
    const endpoints = [0, 1, 2, 3].map(() => makeEndpoint(tenantId));
    for (const endpoint of endpoints) await store.webhooks.endpoints.insert(endpoint);
    await store.webhooks.deliveries.insertMany(
      endpoints.flatMap((endpoint) =>
        Array.from({ length: 20 }, (_, i) => makeDelivery(endpoint, { nextAttemptAt: at(1000 + i) })),
      ),
    );
    const { claimed, secondWaited } = await claimTogether(1100);
    expect(claimed.filter((d) => d.tenantId === tenantId)).toHaveLength(MAX_CLAIMS_PER_TENANT);
    expect(secondWaited).toBe(true);
  });
});
