import type { IncomingMessage } from "node:http";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

/**
 * The baseline: a bare Hono server on @hono/node-server that parses the same JSON body and answers
 * a response of the same shape, with no auth, validation, storage or logging.
 *
 * `node-stream` (the default) reads the body from Node's request, as apps/api does: this is the
 * fastest a bare Hono server answers, and the baseline the ratio target is measured against.
 * `web` reads it with `c.req.json()`, the idiomatic call, which makes @hono/node-server build a web
 * Request and a web stream over the socket — about three times the CPU of everything else here.
 */
type BodyReading = "node-stream" | "web";

async function readBody(c: { env: unknown; req: { json(): Promise<unknown> } }, reading: BodyReading) {
  if (reading === "web") return c.req.json();
  const { incoming } = c.env as { incoming: IncomingMessage };
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const port = Number(process.argv[2] ?? 3001);
const reading: BodyReading = process.argv[3] === "web" ? "web" : "node-stream";

const app = new Hono();
let counter = 0;
app.post("/v1/intents", async (c) => {
  const body = (await readBody(c, reading)) as { type?: string };
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

serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => {
  process.stdout.write(`echo (${reading}) listening on ${port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
