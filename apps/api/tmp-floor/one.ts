import { spawn } from "node:child_process";
import { mkdtempSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { generateApiKey } from "../src/api-key-format";
import { createDomainCatalog } from "../src/domain-catalog";
import { freePort, SERVER_NODE_FLAGS } from "../test/support/server-process";
const domains = ["billing","support","sales","compliance","vendors","contracts","identity"];
const fixtures: Record<string, any> = {};
for (const d of domains) { const m = await import(`@intendedops/${d}-agent`); Object.assign(fixtures, m[`${d}Fixtures`]); }
const catalog = createDomainCatalog();
const bodies: string[] = [];
for (const [type, f] of Object.entries(fixtures)) { const domain = type.slice(0, type.indexOf(".")); if (catalog.classify(type, domain, f.valid).riskLevel === "critical") continue; bodies.push(JSON.stringify({ type, domain, agentId: `${domain}-bench`, params: f.valid, description: `Benchmark ${type}` })); }
const [variant, ...flags] = process.argv.slice(2);
const port = await freePort(); const key = generateApiKey("bench"); const dir = mkdtempSync(join(tmpdir(), "fv-"));
const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...flags, "--import", "tsx", "tmp-floor/floor-variants.ts", String(port), variant!], { env: { ...process.env, DATABASE_URL: `file:${join(dir, "f.db")}`, INTENDEDOPS_BOOTSTRAP_KEY: key, RATE_LIMIT_PER_MINUTE: "10000000", LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] });
child.stdout!.pipe(createWriteStream("/tmp/one.out"));
await new Promise((r) => child.stderr!.once("data", r));
let n = 0;
const r: any = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 50, duration: Number(process.env.D ?? 8), requests: [{ method: "POST", path: "/v1/intents", headers: { "x-api-key": key, "content-type": "application/json" }, setupRequest: (q: any) => { n = (n + 1) % bodies.length; return { ...q, body: bodies[n] }; } }] } as any);
console.log(`${variant} ${r.requests.average.toFixed(0)} req/s`);
child.kill("SIGINT"); await new Promise((r) => setTimeout(r, 500)); process.exit(0);
