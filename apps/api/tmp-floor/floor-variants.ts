import { createServer } from "node:http";
import { type Actor, CreateIntentInputSchema, newId, validationError } from "@intendedops/core";
import { bootstrapKeys } from "../src/bootstrap";
import { loadConfig } from "../src/config";
import type { Services } from "../src/context";
import { createServices } from "../src/services";
import { createSubmissionListener, type SubmissionStep } from "../src/submission-listener";

let variant = process.argv[3] ?? "http";
if (variant.endsWith("-jitless")) { const { z } = await import("zod"); z.config({ jitless: true }); variant = variant.slice(0, -8); }
const FIXED = JSON.stringify({ type: "billing.send_invoice", domain: "billing", agentId: "billing-bench", params: { customerId: "cust_1", amount: 12.5, currency: "USD", memo: "hello" }, description: "x" });
function step(): SubmissionStep {
  return async (services: Services, _actor: Actor, body: unknown) => {
    let riskLevel = "low";
    let b = body as any;
    if (variant === "fixed") b = JSON.parse(FIXED);
    if (variant === "body" || variant === "both" || variant === "fixed") {
      const parsed = CreateIntentInputSchema.safeParse(b ?? {});
      if (!parsed.success) throw validationError(parsed.error);
      b = parsed.data;
    }
    if (variant === "params" || variant === "both" || variant === "fixed") {
      riskLevel = services.catalog.classify(b.type, b.domain, b.params).riskLevel;
    }
    const now = services.clock();
    return { status: 201, replayed: false, payload: { data: { intentId: newId("intent", now), status: "approved", createdAt: new Date(now).toISOString(), decision: { outcome: "allow", reasons: ["Allowed for trust tier T3"], riskLevel, trustTier: "T3", intention: "ambient" } } } };
  };
}
const port = process.argv[2] ?? "3002";
const config = loadConfig({ ...process.env, PORT: port });
const services = await createServices(config);
await bootstrapKeys(services.store, config.bootstrapKeys, services.clock());
const submissions = createSubmissionListener(services, step());
const server = createServer((req, res) => { if (!submissions(req, res)) res.writeHead(404).end(); });
server.listen(config.port, config.host, () => process.stderr.write(`ready\n`));
process.on("SIGINT", () => process.exit(0));
