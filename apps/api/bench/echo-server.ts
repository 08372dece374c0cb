import { serve } from "@hono/node-server";
import { Hono } from "hono";

/**
 * The baseline: a bare Hono server on @hono/node-server that parses the same JSON body and answers
 * a response of the same shape, with no auth, validation, storage or logging.
 */
const app = new Hono();
let counter = 0;
app.post("/v1/intents", async (c) => {
  const body = (await c.req.json()) as { type?: string };
  counter += 1;
  return c.json(
    {
      data: {
        intentId: `int_${String(counter).padStart(26, "0")}`,
        status: "approved",
        createdAt: new Date().toISOString(),
        decision: {
          outcome: "allow",
          reasons: [`echo ${body.type ?? ""}`],
          riskLevel: "low",
          trustTier: "T3",
        },
      },
    },
    201,
  );
});

const port = Number(process.argv[2] ?? 3001);
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => {
  process.stdout.write(`echo listening on ${port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
