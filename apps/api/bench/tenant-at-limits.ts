import {
  type Catalog,
  type Condition,
  type CreateIntentInput,
  type Intention,
  type IntentionInput,
  type Policy,
  type PolicyInput,
  PolicyInputSchema,
  type RegisterAgentInput,
  type TrustTier,
} from "@intendedops/core";
import { ALL_FIXTURES } from "./fixtures";

/**
 * A tenant at the limits, generated from a seed: up to 1,000 policies mixing every policy feature
 * the docs describe, 200 active intentions (plus drafts and archived ones), 300 agents and
 * submissions of all 75 built-in intent types. Used by `tenant-at-limits.bench.ts`.
 */

/** A small deterministic PRNG (mulberry32): the same seed gives the same tenant. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (random: Random, p: number): boolean => random() < p;
function sample<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0)
    out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return out;
}

const TIERS: TrustTier[] = ["T0", "T1", "T2", "T3", "T4"];
const RISKS = ["low", "medium", "high", "critical"] as const;
const SOURCES = ["salesforce_prod", "stripe", "zendesk", "netsuite", "okta"];
const PATHS = [
  "Account.Name",
  "Contact.Email",
  "Contact.Phone",
  "Invoice.Total",
  "Ticket.Body",
  "User.Groups",
];

export interface TypeInfo {
  name: string;
  domain: string;
  valid: Record<string, unknown>;
}

export function catalogTypes(catalog: Catalog): TypeInfo[] {
  return catalog.list().map((t) => ({
    name: t.name,
    domain: t.name.slice(0, t.name.indexOf(".")),
    valid: ALL_FIXTURES[t.name]!.valid,
  }));
}

/** A params condition on the type's own fields, near the fixture's values so it matches some intents. */
function paramsCondition(random: Random, type: TypeInfo, depth = 0): Condition {
  const entries = Object.entries(type.valid).filter(([, v]) => typeof v !== "object" || v === null);
  if (depth < 2 && chance(random, 0.25)) {
    const kind = pick(random, ["all", "any", "not"] as const);
    if (kind === "not") return { not: paramsCondition(random, type, depth + 1) };
    const items = [paramsCondition(random, type, depth + 1), paramsCondition(random, type, depth + 1)];
    return kind === "all" ? { all: items } : { any: items };
  }
  if (entries.length === 0) return { field: "note", op: "exists", value: false };
  const [field, value] = pick(random, entries);
  if (typeof value === "number") {
    const op = pick(random, ["gt", "gte", "lt", "lte", "eq", "in", "not_in"] as const);
    const around = Math.round(value * pick(random, [0.5, 0.9, 1, 1.1, 2]));
    if (op === "in" || op === "not_in") return { field, op, value: [value, around, around + 1] };
    return { field, op, value: op === "eq" ? value : around };
  }
  if (typeof value === "string") {
    const op = pick(random, ["eq", "neq", "in", "matches", "matches", "exists", "gt"] as const);
    if (op === "matches") {
      const pattern = pick(random, [`^${value.slice(0, 3)}`, "[0-9]+", "(?i)pro|urgent", "_[a-z]+$"]);
      return { field, op, value: pattern };
    }
    if (op === "exists") return { field, op, value: chance(random, 0.8) };
    if (op === "in") return { field, op, value: [value, `${value}_other`] };
    return { field, op, value };
  }
  return { field, op: "eq", value };
}

/**
 * `count` policies over the catalog's types: scope, agents, tiers, risk, params, effect and mode mixed.
 * `inert` adds a condition no submission meets (`bench_never` exists) to every policy: each is still
 * walked and tested to its last check, but the outcomes stay those of a tenant without policies.
 */
export function generatePolicies(
  random: Random,
  types: readonly TypeInfo[],
  agentIds: readonly string[],
  count: number,
  inert = false,
): PolicyInput[] {
  const domains = [...new Set(types.map((t) => t.domain))];
  const policies: PolicyInput[] = [];
  for (let i = 0; i < count; i++) {
    const type = pick(random, types);
    const sameDomain = types.filter((t) => t.domain === type.domain);
    const match: PolicyInput["match"] = {};
    const scope = random();
    if (scope < 0.6) {
      match.types = sample(random, sameDomain, 1 + Math.floor(random() * 3)).map((t) => t.name);
    } else if (scope < 0.75) {
      match.types = [
        pick(random, [`${type.domain}.*`, `${type.domain}.${type.name.split(".")[1]!.slice(0, 4)}*`]),
      ];
    } else if (scope < 0.8) {
      match.types = [pick(random, ["*.delete_*", "*.update_*", "*_report", "*.export*"])];
    } else if (scope < 0.92) {
      match.domains = chance(random, 0.9) ? sample(random, domains, 1 + Math.floor(random() * 2)) : ["s*"];
    } else if (scope < 0.97) {
      match.domains = [type.domain];
      match.types = [type.name];
    }
    // else: no scope, every domain.
    if (chance(random, 0.2)) match.agentIds = sample(random, agentIds, 1 + Math.floor(random() * 5));
    if (chance(random, 0.3)) {
      const a = Math.floor(random() * 5);
      const b = Math.floor(random() * 5);
      match.tiers = { min: TIERS[Math.min(a, b)]!, max: TIERS[Math.max(a, b)]! };
      if (chance(random, 0.3)) delete match.tiers.min;
    }
    if (chance(random, 0.3)) match.riskLevels = sample(random, RISKS, 1 + Math.floor(random() * 3));
    if (chance(random, 0.5)) match.params = paramsCondition(random, type);
    if (inert) {
      const never: Condition = { field: "bench_never", op: "exists" };
      match.params = match.params ? { all: [match.params, never] } : never;
    }

    const roll = random();
    const effect = roll < 0.55 ? "allow" : roll < 0.88 ? "require_approval" : "block";
    // A block is narrow: a condition on params, or named agents.
    if (effect === "block" && match.params === undefined && match.agentIds === undefined) {
      match.agentIds = sample(random, agentIds, 1 + Math.floor(random() * 3));
    }
    const policy: PolicyInput = {
      name: `p${String(i).padStart(4, "0")} ${effect} ${match.types?.[0] ?? match.domains?.[0] ?? "all"}`,
      effect,
      match,
      mode: chance(random, 0.1) ? "shadow" : "enforce",
      enabled: !chance(random, 0.05),
    };
    if (effect === "require_approval" && chance(random, 0.6)) {
      policy.approval = {
        approvers: 1 + Math.floor(random() * 4),
        ...(chance(random, 0.5) && { expiresInSeconds: 600 * (1 + Math.floor(random() * 100)) }),
      };
    }
    if (chance(random, 0.5)) policy.reason = `Rule ${i} of the governance handbook`;
    policies.push(policy);
  }
  return policies;
}

/** 300 agents over the seven domains at every tier; about a third declare intent types. */
export function generateAgents(
  random: Random,
  types: readonly TypeInfo[],
  count: number,
): (RegisterAgentInput & { id: string; tier: TrustTier })[] {
  const domains = [...new Set(types.map((t) => t.domain))];
  const agents: (RegisterAgentInput & { id: string; tier: TrustTier })[] = [];
  for (let i = 0; i < count; i++) {
    const own = [domains[i % domains.length]!];
    if (chance(random, 0.3)) own.push(pick(random, domains));
    const declared = [...new Set(own)];
    const intentTypes = chance(random, 0.35)
      ? declared.map((d) => `${d}.*`)
      : chance(random, 0.5)
        ? []
        : types.filter((t) => declared.includes(t.domain)).map((t) => t.name);
    agents.push({
      id: `agent-${String(i).padStart(3, "0")}`,
      name: `Agent ${i}`,
      domains: declared,
      intentTypes,
      tier: pick(random, TIERS),
    });
  }
  return agents;
}

/** `count` intentions to publish (about a tenth with approval_required), plus a few drafts. */
export function generateIntentions(
  random: Random,
  types: readonly TypeInfo[],
  count: number,
): IntentionInput[] {
  const intentions: IntentionInput[] = [];
  for (let i = 0; i < count; i++) {
    const type = pick(random, types);
    const intentTypes = chance(random, 0.3)
      ? [`${type.domain}.*`]
      : chance(random, 0.1)
        ? []
        : sample(
            random,
            types.filter((t) => t.domain === type.domain),
            1 + Math.floor(random() * 3),
          ).map((t) => t.name);
    const elements = sample(
      random,
      SOURCES.flatMap((s) => PATHS.map((p) => ({ data_source_id: s, path: p }))),
      Math.floor(random() * 6),
    );
    intentions.push({
      label: `intention_${String(i).padStart(3, "0")}`,
      intent_class: pick(random, [
        "lookup",
        "reporting",
        "analysis",
        "write",
        "export",
        "admin",
        "other",
      ] as const),
      approval_required: chance(random, 0.1),
      intent_types: intentTypes,
      data_elements: elements,
    });
  }
  return intentions;
}

/**
 * Submissions of every type, each from an agent declared for it, with the type's valid fixture as
 * params; about a third name an intention or request a data element.
 */
export function generateSubmissions(
  random: Random,
  types: readonly TypeInfo[],
  agents: readonly (RegisterAgentInput & { id: string })[],
  intentionLabels: readonly string[],
  perType: number,
): CreateIntentInput[] {
  const bodies: CreateIntentInput[] = [];
  for (const type of types) {
    const senders = agents.filter(
      (a) =>
        (a.domains ?? []).includes(type.domain) &&
        ((a.intentTypes ?? []).length === 0 ||
          (a.intentTypes ?? []).some((p) => p === type.name || p === `${type.domain}.*`)),
    );
    for (let k = 0; k < perType; k++) {
      const params: Record<string, unknown> = { ...type.valid };
      const body: CreateIntentInput = {
        type: type.name,
        domain: type.domain,
        agentId: pick(random, senders).id,
        params,
      };
      if (intentionLabels.length > 0 && chance(random, 0.15)) body.intention = pick(random, intentionLabels);
      if (chance(random, 0.2)) {
        body.dataElements = [{ dataSourceId: pick(random, SOURCES), path: pick(random, PATHS) }];
      }
      bodies.push(body);
    }
  }
  return bodies;
}

/**
 * A whole tenant from one seed: 300 agents (random `seed`), `policies` policies (`seed + 1`) and
 * `intentions` intentions (`seed + 2`), the same for the same seed and counts.
 */
export function generateTenant(
  types: readonly TypeInfo[],
  seed: number,
  { policies = 1000, intentions = 220, inert = false } = {},
): {
  agents: ReturnType<typeof generateAgents>;
  policies: PolicyInput[];
  intentions: IntentionInput[];
} {
  const agents = generateAgents(seededRandom(seed), types, 300);
  return {
    agents,
    policies: generatePolicies(
      seededRandom(seed + 1),
      types,
      agents.map((a) => a.id),
      policies,
      inert,
    ),
    intentions: generateIntentions(seededRandom(seed + 2), types, intentions),
  };
}

/** Generated policy `i` as the store would hold it, for evaluating without a store. */
export function storedPolicy(input: PolicyInput, i: number, tenantId: string, at: string): Policy {
  return {
    ...PolicyInputSchema.parse(input),
    id: `pol_${String(i).padStart(4, "0")}`,
    tenantId,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** Generated intention `i`, published, as the store would hold it, for evaluating without a store. */
export function activeIntention(input: IntentionInput, i: number, tenantId: string, at: string): Intention {
  return {
    id: `intention_${i}`,
    tenant_id: tenantId,
    label: input.label,
    display_name: input.label,
    description: null,
    intent_class: input.intent_class,
    status: "active",
    approval_required: input.approval_required ?? false,
    ttl_minutes: 5,
    intent_types: input.intent_types ?? [],
    data_elements: input.data_elements ?? [],
    created_at: at,
    updated_at: at,
  };
}
