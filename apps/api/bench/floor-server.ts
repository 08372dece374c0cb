import { createServer } from "node:http";
import { type Actor, CreateIntentInputSchema, newId, parseWithSchema } from "@intendedops/core";
import { bootstrapKeys } from "../src/bootstrap";
import { loadConfig } from "../src/config";
import type { Services } from "../src/context";
import { createDomainCatalog } from "../src/domain-catalog";
import { createServices } from "../src/services";
import { createSubmissionListener, type SubmissionStep } from "../src/submission-listener";
import { FLOORS, type Floor } from "./floors";

/**
 * A floor for `pnpm bench:api --floors`: `POST /v1/intents` on the server's own submission
 * listener — request id, API key lookup, rate limit, scope check, body read and JSON parse,
 * error envelope, log line — with the governor taken out. What the floor does instead decides how
 * much of a submission it keeps:
 *
 * - `http`: nothing; it answers a decision of the real answer's shape.
 * - `validate`: the governor's input checks first (the body schema, then the intent type's params
 *   schema through the catalog), as `governor.submit` runs them, then the same answer.
 * - `validate-zod`: the same with compiled schema checks turned off, so zod alone checks the body
 *   and the params (what the server did before they existed).
 *
 * Neither touches the database after start-up (the key is read once, then cached), so the gap
 * between a floor and the API is what deciding and recording costs. Started by the benchmark with
 * `DATABASE_URL`, `INTENDEDOPS_BOOTSTRAP_KEY` and `RATE_LIMIT_PER_MINUTE` in its environment;
 * prints one line once it listens.
 */
function floorStep(floor: Floor): SubmissionStep {
  const zodOnly = createDomainCatalog({ compiledParamsChecks: false });
  return async (services: Services, _actor: Actor, body: unknown) => {
    let riskLevel = "low";
    if (floor !== "http") {
      const compiled = floor === "validate";
      const input = parseWithSchema(CreateIntentInputSchema, body ?? {}, { compiled });
      const catalog = compiled ? services.catalog : zodOnly;
      riskLevel = catalog.classify(input.type, input.domain, input.params).riskLevel;
    }
    const now = services.clock();
    const payload = {
      data: {
        intentId: newId("intent", now),
        status: "approved",
        createdAt: new Date(now).toISOString(),
        decision: {
          outcome: "allow",
          reasons: ["Allowed for trust tier T3"],
          riskLevel,
          trustTier: "T3",
          intention: "ambient",
        },
      },
    };
    return { status: 201, replayed: false, payload };
  };
}

const port = process.argv[2] ?? "3002";
const floor = FLOORS.find((name) => name === process.argv[3]) ?? "http";
const config = loadConfig({ ...process.env, PORT: port });
const services = await createServices(config);
await bootstrapKeys(services.store, config.bootstrapKeys, services.clock());
const submissions = createSubmissionListener(services, floorStep(floor));
const server = createServer((req, res) => {
  if (submissions(req, res)) return;
  res.writeHead(404).end();
});
server.listen(config.port, config.host, () => process.stderr.write(`floor ${floor} listening\n`));
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => void services.store.close().then(() => process.exit(0)));
});
