import { centsToDollars } from "../value/money";
import type { GovernorContext } from "./governor-context";
import type { GovernorStats } from "./governor-types";

const DAY_MS = 86_400_000;

/**
 * Agents whose trust score becomes a series, at most: the built-in collector's default cap per
 * metric, so one scrape reads a bounded number of rows however many agents are registered.
 */
const MAX_TRUST_SCORE_SERIES = 10_000;

/** The dashboard figures of `GET /v1/stats`, and the recount of the gauges of stored state. */
export function createStatsService(ctx: GovernorContext) {
  let recounting: Promise<void> | undefined;

  async function stats(tenantId: string): Promise<GovernorStats> {
    const now = ctx.clock();
    const today = now - (now % DAY_MS);
    // Today's UTC date, both ends: an intent stamped after the next midnight (written before the
    // clock stepped back, or by an instance whose clock runs ahead) was not created today.
    const day = {
      createdFrom: new Date(today).toISOString(),
      createdBefore: new Date(today + DAY_MS).toISOString(),
    };
    // One moment for every figure (a completion moves the intent counts and the value together).
    const figures = await ctx.store.read(
      async (tx) => ({
        intentsToday: await tx.intents.count(tenantId, day),
        pendingApprovals: await tx.approvals.countPending(tenantId),
        activeAgents: await tx.agents.countActive(tenantId),
        valueCents: Object.values(await tx.values.totals(tenantId)).reduce(
          (sum, cents) => sum + (cents ?? 0),
          0,
        ),
      }),
      { snapshot: true },
    );
    return {
      intentsToday: figures.intentsToday,
      pendingApprovals: figures.pendingApprovals,
      activeAgents: figures.activeAgents,
      valueGenerated: centsToDollars(figures.valueCents),
    };
  }

  async function recount(): Promise<void> {
    const counts = await ctx.store.read(async (tx) => ({
      pendingApprovals: await tx.approvals.countPendingByTenant(),
      agentsByTier: await tx.agents.countByTier(),
      trustScores: await tx.agents.listTrustScores(MAX_TRUST_SCORE_SERIES),
    }));
    ctx.metrics.gaugesRecounted(counts);
  }

  function refreshGauges(): Promise<void> {
    if (!ctx.metrics.enabled) return Promise.resolve();
    // Scrapes that arrive while a recount runs share it instead of querying again.
    recounting ??= recount().finally(() => {
      recounting = undefined;
    });
    return recounting;
  }

  return { stats, refreshGauges };
}
