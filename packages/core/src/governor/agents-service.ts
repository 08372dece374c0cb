import type { Catalog } from "../catalog/catalog";
import { intentTypeIssues } from "../catalog/intent-type-issues";
import { formatIssues, IntendedOpsError, isIntendedOpsError, type ValidationIssue } from "../errors";
import { type Agent, type RegisterAgentInput, RegisterAgentInputSchema } from "../model/agent";
import type { Page } from "../storage/storage-port";
import { initialTrust, overrideTrust } from "../trust/trust-progression";
import { tierName } from "../trust/trust-tiers";
import { parseWithSchema } from "../validation/compiled-check";
import { agentSlug } from "./agent-slug";
import { type GovernorContext, notFound, writeTransaction } from "./governor-context";
import { SetTrustInputSchema } from "./governor-inputs";
import type { Actor, AgentMetrics, PageInput } from "./governor-types";
import { toPageRequest } from "./page-input";
import { recordTrustChange, trustChangeTime } from "./trust-effects";

const RECENT_TRUST_CHANGES = 10;

/** Agents: registration, reads, metrics and the admin trust override. */
export function createAgentsService(ctx: GovernorContext) {
  async function registerAgent(actor: Actor, input: RegisterAgentInput): Promise<Agent> {
    const body = parseWithSchema(RegisterAgentInputSchema, input);
    const id = body.id ?? agentSlug(body.name);
    const issues = [...slugIssues(id), ...declarationIssues(ctx.catalog, body.domains, body.intentTypes)];
    if (issues.length > 0) throw new IntendedOpsError("VALIDATION_ERROR", formatIssues(issues), issues);

    const now = ctx.clock();
    const at = new Date(now).toISOString();
    const trust = initialTrust(ctx.trust, now);
    const agent: Agent = {
      id,
      tenantId: actor.tenantId,
      name: body.name,
      description: body.description ?? null,
      domains: body.domains,
      intentTypes: body.intentTypes,
      status: "active",
      trustTier: trust.trustTier,
      trustScore: trust.trustScore,
      tierSince: trust.tierSince ?? at,
      recentOutcomes: trust.recentOutcomes,
      failureStreak: trust.failureStreak,
      createdAt: at,
      updatedAt: at,
    };
    try {
      return await writeTransaction(
        ctx,
        actor,
        async (scope) => {
          await scope.tx.agents.insert(agent);
          const data = {
            agentId: id,
            name: agent.name,
            domains: agent.domains,
            intentTypes: agent.intentTypes,
            trustTier: agent.trustTier,
          };
          scope.audit({
            eventType: "agent.registered",
            agentId: id,
            data: { ...data, trustScore: agent.trustScore },
          });
          scope.publish({ event: "agent.registered", data });
          scope.afterCommit(() => ctx.metrics.trustScoreSet(agent));
          return agent;
        },
        now,
      );
    } catch (error) {
      if (isIntendedOpsError(error) && error.code === "CONFLICT") {
        throw new IntendedOpsError("CONFLICT", `Agent already exists: ${id}`, { agentId: id });
      }
      throw error;
    }
  }

  async function getAgent(tenantId: string, id: string): Promise<Agent> {
    const agent = await ctx.store.read((tx) => tx.agents.get(tenantId, id));
    if (!agent) throw notFound("Agent", id);
    return agent;
  }

  function listAgents(tenantId: string, page?: PageInput): Promise<Page<Agent>> {
    return ctx.store.read((tx) => tx.agents.list(tenantId, toPageRequest(page)));
  }

  async function agentMetrics(tenantId: string, agentId: string): Promise<AgentMetrics> {
    // One moment for every figure: the score must be the newest change's, the counts the values'.
    const found = await ctx.store.read(
      async (tx) => {
        const agent = await tx.agents.get(tenantId, agentId);
        if (!agent) return undefined;
        return {
          agent,
          byStatus: await tx.intents.countByStatus(tenantId, agentId),
          value: await tx.values.totals(tenantId, { agentId }),
          changes: await tx.trustChanges.list(tenantId, agentId, RECENT_TRUST_CHANGES),
        };
      },
      { snapshot: true },
    );
    if (!found) throw notFound("Agent", agentId);
    const { agent, byStatus, value, changes } = found;
    const completed = byStatus.completed ?? 0;
    const finished = completed + (byStatus.failed ?? 0);
    return {
      agentId,
      intents: { total: sum(Object.values(byStatus)), byStatus },
      successRate: finished === 0 ? null : completed / finished,
      trustScore: agent.trustScore,
      trustTier: agent.trustTier,
      tierName: tierName(agent.trustTier, ctx.trust),
      valueByCategory: value,
      valueGeneratedCents: sum(Object.values(value)),
      recentTrustChanges: changes,
    };
  }

  async function setTrust(actor: Actor, agentId: string, input: unknown): Promise<Agent> {
    const body = parseWithSchema(SetTrustInputSchema, input);
    return writeTransaction(ctx, actor, async (scope) => {
      const agent = await scope.tx.agents.get(scope.tenantId, agentId, { forUpdate: true });
      if (!agent) throw notFound("Agent", agentId);
      const at = trustChangeTime(scope, agent);
      const { agent: updated, change } = overrideTrust(
        agent,
        { tier: body.tier, score: body.score },
        body.reason,
        at,
        ctx.trust,
      );
      await scope.tx.agents.update(updated);
      if (change) {
        await recordTrustChange(ctx, scope, updated, change, "override", at);
      } else {
        scope.audit({
          eventType: "agent.trust.overridden",
          agentId,
          data: { fromTier: agent.trustTier, toTier: agent.trustTier, reason: body.reason, unchanged: true },
        });
      }
      return updated;
    });
  }

  return { registerAgent, getAgent, listAgents, agentMetrics, setTrust };
}

function sum(values: readonly (number | undefined)[]): number {
  let total = 0;
  for (const value of values) total += value ?? 0;
  return total;
}

function slugIssues(id: string): ValidationIssue[] {
  return id === ""
    ? [{ path: ["name"], message: "Agent name must contain a letter or digit to derive an id" }]
    : [];
}

/**
 * Declared domains must exist in the catalog, and declared types too (see `intentTypeIssues`), so a
 * typo fails at registration instead of blocking every intent.
 */
function declarationIssues(
  catalog: Catalog,
  domains: readonly string[],
  intentTypes: readonly string[],
): ValidationIssue[] {
  const known = new Set(catalog.domains);
  const issues: ValidationIssue[] = [];
  domains.forEach((domain, i) => {
    if (!known.has(domain)) issues.push({ path: ["domains", i], message: `Unknown domain: ${domain}` });
  });
  return [...issues, ...intentTypeIssues(catalog, intentTypes, "intentTypes")];
}
