/**
 * `node --import tsx bench/input-checks.bench.ts` (from apps/api): the governor's input checks of a
 * submission (the body schema, then the type's params through the catalog), compiled against zod
 * alone, in one process, alternating. Each call gets the server's shape of work: the 75 built-in
 * types in turn, on JSON freshly parsed per call, with 1 MB of unrelated memory touched between
 * calls (a request's own churn evicts the checks' code and data from the cache, which is what
 * made zod's shared functions slow in the server). Prints µs per check for each mode and round.
 * Flags: --rounds <n> (default 6), --calls <n> per round and mode (default 40000).
 */
import { parseArgs } from "node:util";
import { type Catalog, CreateIntentInputSchema, parseWithSchema } from "@intendedops/core";
import { createDomainCatalog } from "../src/domain-catalog";
import { ALL_FIXTURES } from "./fixtures";

const { values: flags } = parseArgs({
  options: { rounds: { type: "string", default: "6" }, calls: { type: "string", default: "40000" } },
});
const ROUNDS = Number(flags.rounds);
const CALLS = Number(flags.calls);

const texts = Object.entries(ALL_FIXTURES).map(([type, fixture]) =>
  JSON.stringify({ type, agentId: "bench-agent", params: fixture.valid, description: `Benchmark ${type}` }),
);

const modes: Record<string, { catalog: Catalog; compiled: boolean }> = {
  compiled: { catalog: createDomainCatalog(), compiled: true },
  "zod alone": { catalog: createDomainCatalog({ compiledParamsChecks: false }), compiled: false },
};

// 1 MB of memory touched between calls: about a request's worth of other work.
const churn = new Float64Array(131_072);
let sink = 0;

function run(mode: { catalog: Catalog; compiled: boolean }): number {
  let elapsed = 0n;
  for (let i = 0; i < CALLS; i++) {
    const body = JSON.parse(texts[i % texts.length] as string);
    for (let j = 0; j < churn.length; j += 8) churn[j] = (churn[j] as number) + i;
    const started = process.hrtime.bigint();
    const input = parseWithSchema(CreateIntentInputSchema, body, { compiled: mode.compiled });
    sink += mode.catalog.classify(input.type, input.domain, input.params).params === undefined ? 1 : 0;
    elapsed += process.hrtime.bigint() - started;
  }
  return Number(elapsed) / 1000 / CALLS;
}

for (const mode of Object.values(modes)) run(mode); // warm-up
const results: Record<string, number[]> = { compiled: [], "zod alone": [] };
for (let round = 1; round <= ROUNDS; round++) {
  const order = round % 2 === 1 ? ["compiled", "zod alone"] : ["zod alone", "compiled"];
  const line: string[] = [];
  for (const name of order) {
    const micros = run(modes[name] as { catalog: Catalog; compiled: boolean });
    results[name]?.push(micros);
    line.push(`${name} ${micros.toFixed(2)} µs`);
  }
  process.stdout.write(`round ${round}: ${line.join(", ")}\n`);
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
process.stdout.write(
  `median µs per check (body + params, ${texts.length} types in turn): compiled ${median(results.compiled ?? []).toFixed(2)}, ` +
    `zod alone ${median(results["zod alone"] ?? []).toFixed(2)}${sink < 0 ? "" : ""}\n`,
);
