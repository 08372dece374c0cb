import {
  type Actor,
  type CreateIntentInput,
  compileIntentions,
  compilePolicies,
  createGovernor,
  createMemoryStore,
  type Decision,
  evaluate,
  type Governor,
  type IntentionInput,
  type TraceEntry,
} from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activeIntention,
  catalogTypes,
  generateSubmissions,
  generateTenant,
  seededRandom,
  storedPolicy,
} from "../bench/tenant-at-limits";
import { createDomainCatalog } from "../src/domain-catalog";
import { createTestApp, createTestClock, DIALECTS, TENANT, type TestApp } from "./support/test-app";

/**
 * A tenant at the limits — 1,000 policies mixing every policy feature, 200 active intentions (and
 * drafts and archived ones), 300 agents at every tier, all 75 intent types — set up identically on
 * SQLite, PostgreSQL and the embedded memory store. Every policy is created at the same instant
 * (the test clock stands still), so their order rests on the id tie-break alone.
 */

const catalog = createDomainCatalog();
const types = catalogTypes(catalog);
const { agents, policies: policyInputs, intentions: intentionInputs } = generateTenant(types, 11);
const STORED_UNMATCHED = 20;
const actor: Actor = { tenantId: TENANT, id: "key_setup", name: "setup", kind: "key" };

/** Two intentions the last two submissions name: their effect must survive 1,000 policies. */
const APPROVAL_INTENTION: IntentionInput = {
  label: "scale_refund_approval",
  intent_class: "write",
  approval_required: true,
  intent_types: ["billing.process_refund"],
};
const STRICT_INTENTION: IntentionInput = {
  label: "scale_strict_lookup",
  intent_class: "lookup",
  intent_types: ["support.*"],
  data_elements: [{ data_source_id: "zendesk", path: "Ticket.Body" }],
};

async function setUp(governor: Governor): Promise<{ labels: string[] }> {
  for (const { tier, ...input } of agents) {
    await governor.registerAgent(actor, input);
    if (tier !== "T0") await governor.setTrust(actor, input.id, { tier, reason: "scale test" });
  }
  const labels: string[] = [];
  for (const [i, input] of [...intentionInputs, APPROVAL_INTENTION, STRICT_INTENTION].entries()) {
    const created = await governor.createIntention(actor, input);
    if (i < 200 || i >= intentionInputs.length) {
      await governor.publishIntention(actor, created.id);
      labels.push(created.label);
    } else if (i % 2 === 0) {
      await governor.archiveIntention(actor, created.id);
    }
  }
  for (const input of policyInputs) await governor.createPolicy(actor, input);
  return { labels };
}

/** The bodies every store is sent, in this order: two per type, then the intention cases. */
function submissions(labels: string[]): CreateIntentInput[] {
  const bodies = generateSubmissions(seededRandom(14), types, agents, labels, 2);
  const refunder = agents.find((a) => a.domains?.includes("billing") && a.intentTypes?.length === 0)!;
  const supporter = agents.find((a) => a.domains?.includes("support") && a.intentTypes?.length === 0)!;
  const refund = types.find((t) => t.name === "billing.process_refund")!;
  const ticket = types.find((t) => t.domain === "support")!;
  bodies.push(
    {
      type: refund.name,
      domain: "billing",
      agentId: refunder.id,
      params: refund.valid,
      intention: APPROVAL_INTENTION.label,
    },
    {
      type: ticket.name,
      domain: "support",
      agentId: supporter.id,
      params: ticket.valid,
      intention: STRICT_INTENTION.label,
      dataElements: [{ dataSourceId: "zendesk", path: "Contact.Phone" }],
    },
  );
  return bodies;
}

/** The stored trace, from simulate's full one: every matched policy, the first 20 unmatched, then "N more". */
function storedTrace(trace: readonly TraceEntry[]): TraceEntry[] {
  const out: TraceEntry[] = [];
  let unmatched = 0;
  let lastPolicy = -1;
  for (const entry of trace) {
    if (entry.kind === "policy") {
      if (!entry.matched && unmatched++ >= STORED_UNMATCHED) continue;
      out.push(entry);
      lastPolicy = out.length;
    } else {
      out.push(entry);
    }
  }
  const more = unmatched - STORED_UNMATCHED;
  if (more > 0) {
    out.splice(lastPolicy, 0, {
      rule: `${more} more ${more === 1 ? "policy" : "policies"}`,
      kind: "policy",
      matched: false,
      why: "Did not match this intent (POST /v1/policies/simulate lists each policy)",
    });
  }
  return out;
}

/** A decision with policy ids replaced by policy names, so stores whose ids differ compare. */
function byName(decision: Decision, names: ReadonlyMap<string, string>): unknown {
  const rename = (id: string) => names.get(id) ?? id;
  return {
    ...decision,
    matchedPolicies: decision.matchedPolicies.map(rename),
    shadow: decision.shadow.map((s) => ({ ...s, policyId: rename(s.policyId) })),
    trace: decision.trace.map((e) => ({ ...e, rule: e.rule.replace(/pol_[0-9A-Z]{26}/g, rename) })),
  };
}

interface Run {
  /** Stored decisions in submission order, policy ids renamed. */
  decisions: unknown[];
}

describe("a tenant at 1,000 policies, 200 intentions, 300 agents and 75 types", () => {
  const runs = new Map<string, Run>();
  const apps: TestApp[] = [];

  beforeAll(async () => {
    for (const dialect of DIALECTS) apps.push(await createTestApp(dialect));
  }, 60_000);
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it.each(DIALECTS.map((d, i) => [d, i] as const))(
    "%s: stores for each submission the decision simulate gives, its trace cut to 20 unmatched policies in the tenant's order",
    async (dialect, index) => {
      const t = apps[index]!;
      const { labels } = await setUp(t.services.governor);
      const listed = await t.services.governor.listPolicies(TENANT);
      expect(listed).toHaveLength(1000);
      // One creation instant for all: the id decides the order, which is creation order.
      expect(new Set(listed.map((p) => p.createdAt)).size).toBe(1);
      expect(listed.map((p) => p.name)).toEqual(policyInputs.map((p) => p.name));
      const position = new Map(listed.map((p, i) => [p.id, i]));
      const names = new Map(listed.map((p) => [p.id, p.name]));

      const decisions: unknown[] = [];
      let truncated = 0;
      for (const body of submissions(labels)) {
        const simulated = await t.data("POST", "/v1/policies/simulate", { key: t.keys.policy_write, body });
        const again = await t.data("POST", "/v1/policies/simulate", { key: t.keys.policy_write, body });
        expect(again).toEqual(simulated);
        const full: Decision = simulated.decision;
        const policyIds = full.trace
          .filter((e) => e.kind === "policy")
          .map((e) => /\((pol_[0-9A-Z]{26}) v\d+\)$/.exec(e.rule)![1]!);
        const positions = policyIds.map((id) => position.get(id)!);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));

        const submitted = await t.data("POST", "/v1/intents", { key: t.keys.agent, body });
        const stored = await t.data("GET", `/v1/intents/${submitted.intentId}`);
        const { outcome, reasons, riskLevel, trustTier, intention } = stored.decision;
        expect({ outcome, reasons, riskLevel, trustTier, intention }).toEqual(submitted.decision);
        // The test clock stands still: simulate and submit decide at the same instant.
        expect(stored.decision).toEqual({ ...full, trace: storedTrace(full.trace) });
        if (stored.decision.trace.some((e: TraceEntry) => / more polic(y|ies)$/.test(e.rule))) truncated += 1;
        decisions.push(byName(stored.decision, names));
      }
      expect(truncated).toBeGreaterThan(50);
      runs.set(dialect, { decisions });
    },
    600_000,
  );

  it("decides every submission the same on SQLite, PostgreSQL and the embedded memory store", async () => {
    const clock = createTestClock();
    const governor = createGovernor({ store: createMemoryStore(), catalog, clock, metrics: false });
    const { labels } = await setUp(governor);
    const names = new Map((await governor.listPolicies(TENANT)).map((p) => [p.id, p.name]));
    const decisions: unknown[] = [];
    for (const body of submissions(labels)) {
      const { intent } = await governor.submit(actor, body);
      decisions.push(byName(intent.decision, names));
    }
    expect(runs.get("sqlite")?.decisions).toHaveLength(decisions.length);
    expect(runs.get("postgres")?.decisions).toEqual(runs.get("sqlite")?.decisions);
    expect(decisions).toEqual(runs.get("sqlite")?.decisions);
  }, 600_000);

  it("combines a matched intention with 100 or 1,000 policies by precedence, at every tier", () => {
    const at = "2026-03-02T10:00:00.000Z";
    const active = [...intentionInputs.slice(0, 200), APPROVAL_INTENTION, STRICT_INTENTION];
    const activeLabels = active.map((i) => i.label);
    const intentions = compileIntentions(active.map((input, i) => activeIntention(input, i, TENANT, at)));
    const seen = { allow: 0, require_approval: 0, block: 0, approvalIntention: 0, disallowed: 0 };
    for (const count of [100, 1000]) {
      const policies = compilePolicies(
        policyInputs.slice(0, count).map((input, i) => storedPolicy(input, i, TENANT, at)),
      );
      for (const body of submissions(activeLabels)) {
        const c = catalog.classify(body.type, body.domain, body.params);
        const declared = agents.find((a) => a.id === body.agentId)!;
        const intent = {
          type: c.type.name,
          domain: c.domain,
          agentId: body.agentId,
          params: c.params,
          riskLevel: c.riskLevel,
          intentClass: c.type.intentClass,
          ...(body.intention !== undefined && { intention: body.intention }),
          ...(body.dataElements !== undefined && { dataElements: body.dataElements }),
        };
        for (const trustTier of ["T0", "T1", "T2", "T3", "T4"] as const) {
          const agent = {
            id: declared.id,
            trustTier,
            status: "active" as const,
            domains: declared.domains ?? [],
            intentTypes: declared.intentTypes ?? [],
          };
          const ctx = { agent, policies, now: 0, unmatchedPolicyEntries: STORED_UNMATCHED };
          const alone = evaluate(intent, ctx);
          const combined = evaluate(intent, { ...ctx, intentions });
          const match = intentions.match(intent);
          seen[alone.outcome] += 1;
          if (match.kind === "matched" && match.disallowed.length > 0) {
            seen.disallowed += 1;
            expect(combined.outcome).toBe("block");
            for (const ref of match.disallowed) {
              expect(combined.reasons).toContain(
                `Intention ${match.intention.label} does not allow ${ref.dataSourceId}:${ref.path}`,
              );
            }
          } else if (match.kind === "matched" && match.intention.approval_required) {
            seen.approvalIntention += 1;
            expect(combined.outcome).toBe(alone.outcome === "block" ? "block" : "require_approval");
            if (combined.outcome === "require_approval") {
              expect(combined.reasons[0]).toBe(`Intention ${match.intention.label} requires approval`);
            } else {
              expect(combined.reasons).toEqual(alone.reasons);
            }
          } else {
            const { intention: _a, trace: _b, ...rest } = combined;
            const { intention: _c, trace: _d, ...restAlone } = alone;
            expect(rest).toEqual(restAlone);
          }
        }
      }
    }
    // Every branch ran, with policies allowing, requiring approval and blocking.
    expect(Math.min(...Object.values(seen))).toBeGreaterThan(0);
  });

  it("still applies a matched intention's approval requirement and allowlist among 1,000 policies", () => {
    const decisions = runs.get("sqlite")!.decisions as Decision[];
    const [approval, strict] = decisions.slice(-2) as [Decision, Decision];
    expect(approval.intention).toBe(APPROVAL_INTENTION.label);
    expect(approval.outcome).not.toBe("allow");
    if (approval.outcome === "require_approval") {
      expect(approval.reasons).toContain(`Intention ${APPROVAL_INTENTION.label} requires approval`);
    }
    expect(strict).toMatchObject({
      intention: STRICT_INTENTION.label,
      outcome: "block",
      reasons: expect.arrayContaining([
        `Intention ${STRICT_INTENTION.label} does not allow zendesk:Contact.Phone`,
      ]),
    });
  });
});
