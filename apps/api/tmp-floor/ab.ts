import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
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
const variants = process.argv.slice(2);
const cpu = (pid: number) => { const s = readFileSync(`/proc/${pid}/stat`, "utf8"); const f = s.slice(s.lastIndexOf(")") + 2).split(" "); return (Number(f[11]) + Number(f[12])) / 100; };
const servers: Record<string, { pid: number; url: string; key: string }> = {};
for (const v of variants) {
  const port = await freePort(); const key = generateApiKey("bench"); const dir = mkdtempSync(join(tmpdir(), "fv-"));
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, "--import", "tsx", "tmp-floor/floor-variants.ts", String(port), v], { env: { ...process.env, DATABASE_URL: `file:${join(dir, "f.db")}`, INTENDEDOPS_BOOTSTRAP_KEY: key, RATE_LIMIT_PER_MINUTE: "10000000", LOG_LEVEL: "info" }, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise((r) => child.stderr!.once("data", r));
  servers[v] = { pid: child.pid!, url: `http://127.0.0.1:${port}`, key };
  process.on("exit", () => child.kill());
}
const drive = (s: { url: string; key: string }, duration: number) => { let n = 0; return autocannon({ url: s.url, connections: 50, duration, requests: [{ method: "POST", path: "/v1/intents", headers: { "x-api-key": s.key, "content-type": "application/json" }, setupRequest: (r: any) => { n = (n + 1) % bodies.length; return { ...r, body: bodies[n] }; } }] } as any); };
for (const v of variants) await drive(servers[v]!, 2);
for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) for (const v of variants) {
  const s = servers[v]!; const c0 = cpu(s.pid); const r: any = await drive(s, 8); const c1 = cpu(s.pid);
  console.log(`${v.padEnd(8)} ${r.requests.average.toFixed(0).padStart(6)} req/s  p99 ${r.latency.p99} ms  CPU ${(((c1 - c0) * 1e6) / r.requests.total).toFixed(0)} µs/req  non2xx ${r.non2xx}`);
}
process.exit(0);
