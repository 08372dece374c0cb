/**
 * Core evaluation benchmark: `pnpm bench` in packages/core (tsx bench/evaluate.bench.ts).
 * Measures evaluate() over 50 policies in seven domains, with the full explain trace and with
 * explain:false, and Cedar's WASM build on an equivalent policy set in the same run.
 */
import os from "node:os";
import { getCedarVersion, preparsePolicySet, statefulIsAuthorized } from "@cedar-policy/cedar-wasm/nodejs";
import { compilePolicies } from "../src/policy/policy-compiler";
import { evaluate } from "../src/policy/policy-evaluator";
import { DEFAULT_READ_ONLY_CLASS_RULE, DEFAULT_TIER_MATRIX } from "../src/trust/tier-matrix";
import { cedarOutcome, cedarRequest, translatePolicies } from "./cedar-policies";
import { buildCases, POLICIES } from "./evaluation-fixture";

interface Result {
  name: string;
  opsPerSec: number;
  p50: number;
  p99: number;
}

const BASE_NOW = Date.UTC(2026, 0, 15, 10, 30);
let sink = 0;

/** Median ops/s over timed batches (after warm-up), and per-call latency percentiles from sampled calls. */
function measure(
  name: string,
  count: number,
  run: (i: number) => number,
  batch: number,
  batches: number,
): Result {
  for (let i = 0; i < batch * 2; i++) sink += run(i % count);
  const rates: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) sink += run(i % count);
    const ns = Number(process.hrtime.bigint() - start);
    rates.push((batch / ns) * 1e9);
  }
  const samples = new Float64Array(Math.min(batch * 2, 200_000));
  for (let i = 0; i < samples.length; i++) {
    const start = process.hrtime.bigint();
    sink += run(i % count);
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  samples.sort();
  rates.sort((a, b) => a - b);
  return {
    name,
    opsPerSec: rates[Math.floor(rates.length / 2)]!,
    p50: samples[Math.floor(samples.length * 0.5)]! / 1000,
    p99: samples[Math.floor(samples.length * 0.99)]! / 1000,
  };
}

const OUTCOME_CODE = { allow: 1, require_approval: 2, block: 3 } as const;

function main(): void {
  const cases = buildCases();
  const compiled = compilePolicies(POLICIES);
  const ours = (explain: boolean) => (i: number) => {
    const c = cases[i]!;
    const d = evaluate(c.intent, { agent: c.agent, policies: compiled, now: BASE_NOW + i, explain });
    return OUTCOME_CODE[d.outcome] + d.trace.length;
  };

  const { policies: cedarPolicies, blockingIds } = translatePolicies(
    POLICIES,
    DEFAULT_TIER_MATRIX,
    DEFAULT_READ_ONLY_CLASS_RULE,
  );
  const parsed = preparsePolicySet("bench", { staticPolicies: cedarPolicies });
  if (parsed.type !== "success")
    throw new Error(`Cedar policy parse failed: ${JSON.stringify(parsed.errors)}`);
  const requests = cases.map((c) => ({ ...cedarRequest(c.intent, c.agent), preparsedPolicySetId: "bench" }));
  const cedarDecide = (i: number) => {
    const answer = statefulIsAuthorized(requests[i]!);
    if (answer.type !== "success") throw new Error(`Cedar failed: ${JSON.stringify(answer.errors)}`);
    return OUTCOME_CODE[
      cedarOutcome(answer.response.decision, answer.response.diagnostics.reason, blockingIds)
    ];
  };

  // The two engines must agree on every case, or the comparison means nothing.
  const tally = { allow: 0, require_approval: 0, block: 0 };
  let disagreements = 0;
  for (const [i, c] of cases.entries()) {
    const outcome = evaluate(c.intent, { agent: c.agent, policies: compiled, now: BASE_NOW }).outcome;
    tally[outcome]++;
    if (OUTCOME_CODE[outcome] !== cedarDecide(i)) {
      disagreements++;
      console.error(`disagreement on ${c.intent.type} ${JSON.stringify(c.intent.params)} ${c.agent.id}`);
    }
  }

  const results = [
    measure("evaluate (full explain trace)", cases.length, ours(true), 200_000, 10),
    measure("evaluate (explain: false)", cases.length, ours(false), 200_000, 10),
    measure(`Cedar ${getCedarVersion()} WASM (statefulIsAuthorized)`, cases.length, cedarDecide, 10_000, 5),
  ];

  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`Node ${process.version} on ${cpu} (${os.cpus().length} vCPU), ${os.platform()} ${os.arch()}`);
  console.log(
    `${POLICIES.length} policies, ${cases.length} cases (allow ${tally.allow}, require_approval ${tally.require_approval}, block ${tally.block}); Cedar agrees on ${cases.length - disagreements}/${cases.length}`,
  );
  console.log("");
  console.log("| engine | ops/s | p50 (µs) | p99 (µs) |");
  console.log("|---|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.name} | ${Math.round(r.opsPerSec).toLocaleString("en-US")} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`,
    );
  }
  const cedar = results[2]!;
  console.log("");
  console.log(`ours/cedar (full trace): ${(results[0]!.opsPerSec / cedar.opsPerSec).toFixed(1)}×`);
  console.log(`ours/cedar (explain: false): ${(results[1]!.opsPerSec / cedar.opsPerSec).toFixed(1)}×`);
  const target = results[0]!.opsPerSec >= 200_000 && results[0]!.p50 <= 5;
  console.log(`target ≥ 200,000 ops/s and p50 ≤ 5 µs with the full trace: ${target ? "met" : "NOT met"}`);
  if (sink === -1) console.log(sink);
  if (disagreements > 0) process.exitCode = 1;
}

main();
