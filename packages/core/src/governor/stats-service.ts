import { centsToDollars } from "../value/money";
import type { GovernorContext } from "./governor-context";
import type { GovernorStats } from "./governor-types";

const DAY_MS = 86_400_000;

/** The dashboard figures of `GET /v1/stats`. */
export function createStatsService(ctx: GovernorContext) {
  async function stats(tenantId: string): Promise<GovernorStats> {
    const now = ctx.clock();
    const midnight = new Date(now - (now % DAY_MS)).toISOString();
    const figures = await ctx.store.read(async (tx) => ({
      intentsToday: await tx.intents.count(tenantId, { createdFrom: midnight }),
      pendingApprovals: await tx.approvals.countPending(tenantId),
      activeAgents: await tx.agents.countActive(tenantId),
      valueCents: Object.values(await tx.values.totals(tenantId)).reduce(
        (sum, cents) => sum + (cents ?? 0),
        0,
      ),
    }));
    // The exact count resynchronizes the pending gauge (moved by ±1 elsewhere; per process).
    ctx.metrics.pendingApprovalsCounted(tenantId, figures.pendingApprovals);
    return {
      intentsToday: figures.intentsToday,
      pendingApprovals: figures.pendingApprovals,
      activeAgents: figures.activeAgents,
      valueGenerated: centsToDollars(figures.valueCents),
    };
  }

  return { stats };
}
