/**
 * `npx tsx --conditions=@intendedops/source bench/policy-walk.bench.ts` (from apps/api): the two
 * paths a tenant at 1,000 policies (the mix of `tenant-at-limits.ts`, 200 active intentions, 300
 * agents, 75 types) takes through core, each against the path it replaced, alternated round by round
 * in one process:
 * - evaluate(): the candidate walk with open-candidate plans against the plain walk of every
 *   candidate (the same compiled set handed over without its plans), for the stored trace (≤ 20
 *   unmatched policies listed), the full trace (simulate) and `explain: false`; warm, and with 4 MB
 *   of memory touched between calls to stand in for the rest of a submission;
 * - the rules cache after one policy changed: `recompilePolicies` with the previous set against
 *   compiling all 1,000 again (`compilePolicies`, what the cache did before).
 * Flags: --rounds <n> (default 7), --policies <n> (default 1000).
 */
import { parseArgs } from "node:util";
import {
  type CompiledPolicies,
  compileIntentions,
  compilePolicies,
  type EvaluationAgent,
  type EvaluationContext,
  type EvaluationIntent,
  evaluate,
  type Policy,
} from "@intendedops/core";
import { recompilePolicies } from "../../../packages/core/src/policy/policy-compiler";
import { createDomainCatalog } from "../src/domain-catalog";
import {
  activeIntention,
  catalogTypes,
  generateSubmissions,
  generateTenant,
  seededRandom,
  storedPolicy,
} from "./tenant-at-limits";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "7" },
    policies: { type: "string", default: "1000" },
  },
});
const ROUNDS = Number(flags.rounds);

const catalog = createDomainCatalog();
const types = catalogTypes(catalog);
const tenant = generateTenant(types, 1, { policies: Number(flags.policies), intentions: 200 });
const agentInputs = tenant.agents;
const at = "2026-12-01T00:00:00.000Z";
const policies: Policy[] = tenant.policies.map((input, i) => storedPolicy(input, i, "bench", at));
const intentions = tenant.intentions.map((input, i) => activeIntention(input, i, "bench", at));
const agents = new Map<string, EvaluationAgent>(
  agentInputs.map((a) => [
    a.id,
    {
      id: a.id,
      trustTier: a.tier,
      status: "active",
      domains: a.domains ?? [],
      intentTypes: a.intentTypes ?? [],
    },
  ]),
);
const cases: { intent: EvaluationIntent; agent: EvaluationAgent }[] = generateSubmissions(
  seededRandom(4),
  types,
  agentInputs,
  intentions.map((i) => i.label),
  4,
).map((b) => {
  const c = catalog.classify(b.type, b.domain, b.params);
  return {
    agent: agents.get(b.agentId)!,
    intent: {
      type: c.type.name,
      domain: c.domain,
      agentId: b.agentId,
      params: c.params,
      riskLevel: c.riskLevel,
      intentClass: c.type.intentClass,
      ...(b.intention !== undefined && { intention: b.intention }),
      ...(b.dataElements !== undefined && { dataElements: b.dataElements }),
    },
  };
});

const compiled = compilePolicies(policies);
const plain: CompiledPolicies = {
  size: compiled.size,
  policies: compiled.policies,
  candidates: (domain, type) => compiled.candidates(domain, type),
};
const matcher = compileIntentions(intentions);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// Both paths must decide identically before their speed means anything.
for (const c of cases) {
  for (const options of [{ unmatchedPolicyEntries: 20 }, {}, { explain: false }]) {
    const ctx = { agent: c.agent, intentions: matcher, now: 0, ...options };
    const a = JSON.stringify(evaluate(c.intent, { ...ctx, policies: compiled }));
    if (a !== JSON.stringify(evaluate(c.intent, { ...ctx, policies: plain }))) {
      throw new Error(`paths disagree on ${c.intent.type}`);
    }
  }
}

const scratch = new Float64Array(512 * 1024); // 4 MB
let sink = 0;

/** µs per evaluation over one pass of every case (twice), touching `scratch` between calls when cold. */
function pass(policySet: CompiledPolicies, options: Partial<EvaluationContext>, cold: boolean): number {
  let total = 0n;
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < cases.length; i++) {
      if (cold) for (let j = (i * 8) % 8; j < scratch.length; j += 8) scratch[j]! += 1;
      const c = cases[i]!;
      const start = process.hrtime.bigint();
      sink += evaluate(c.intent, {
        agent: c.agent,
        policies: policySet,
        intentions: matcher,
        now: 1_800_000_000_000 + i,
        ...options,
      }).trace.length;
      total += process.hrtime.bigint() - start;
    }
  }
  return Number(total) / (2 * cases.length) / 1000;
}

const MODES: [string, Partial<EvaluationContext>][] = [
  ["stored trace (≤ 20 unmatched)", { unmatchedPolicyEntries: 20 }],
  ["full trace (simulate)", {}],
  ["explain: false", { explain: false }],
];

console.log(
  `${policies.length} policies, ${intentions.length} intentions, ${agents.size} agents, ${cases.length} cases over ${types.length} types; Node ${process.version}`,
);
console.log(
  `\n### evaluate(): µs per call, median of ${ROUNDS} rounds (each round runs both paths, in turn)\n`,
);
console.log("| trace | memory | plain walk | open-candidate plans | after / before |");
console.log("| --- | --- | ---: | ---: | ---: |");
// Warm every mode of both paths before the first timed round, so no row pays for the JIT.
for (let w = 0; w < 5; w++) {
  for (const [, options] of MODES) {
    pass(plain, options, false);
    pass(compiled, options, false);
  }
}
for (const [label, options] of MODES) {
  for (const cold of [false, true]) {
    const before: number[] = [];
    const after: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        before.push(pass(plain, options, cold));
        after.push(pass(compiled, options, cold));
      } else {
        after.push(pass(compiled, options, cold));
        before.push(pass(plain, options, cold));
      }
    }
    const b = median(before);
    const a = median(after);
    console.log(
      `| ${label} | ${cold ? "4 MB touched between calls" : "warm"} | ${b.toFixed(2)} | ${a.toFixed(2)} | ${(a / b).toFixed(2)} |`,
    );
  }
}

// The rules cache after one policy changed: the store hands back fresh copies of every policy.
const copies = (list: readonly Policy[]): Policy[] => list.map((p) => structuredClone(p));
const full: number[] = [];
const incremental: number[] = [];
let previous = recompilePolicies(copies(policies));
for (let r = 0; r < ROUNDS * 3; r++) {
  const changed = copies(policies);
  const k = (r * 37) % changed.length;
  changed[k] = { ...changed[k]!, version: changed[k]!.version + r + 1, name: `changed ${r}` };
  let start = performance.now();
  const fresh = compilePolicies(changed);
  full.push(performance.now() - start);
  start = performance.now();
  previous = recompilePolicies(changed, previous);
  incremental.push(performance.now() - start);
  sink += fresh.size + previous.size;
}
console.log(
  `\n### Rules cache after one of ${policies.length} policies changed: ms, median of ${ROUNDS * 3}\n`,
);
console.log("| compile all (before) | recompile the changed one (after) |");
console.log("| ---: | ---: |");
console.log(`| ${median(full).toFixed(2)} | ${median(incremental).toFixed(2)} |`);
if (sink === -1) console.log(sink);
