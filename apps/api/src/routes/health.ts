import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../context";
import { dateTime, defineRoute, envelope, mountRoute } from "./api-route";

const PING_TIMEOUT_MS = 2_000;

export const HealthSchema = z
  .object({
    status: z.enum(["healthy", "unhealthy"]),
    timestamp: dateTime(),
  })
  .openapi("Health");

export const healthRoute = defineRoute({
  operationId: "getHealth",
  method: "get",
  path: "/health",
  permission: "public",
  // GET /health is never counted nor refused by the rate limiter (see middleware/rate-limit).
  rateLimited: false,
  summary: "Liveness and database health (no authentication)",
  tags: ["System"],
  success: {
    status: 200,
    description: "Healthy: the database answered",
    schema: envelope(HealthSchema),
  },
  // Unhealthy is the same body, not the error envelope.
  alsoAnswers: [{ status: 503, description: "Unhealthy: the database did not answer within 2 seconds" }],
});

/** The database answers within the timeout; a hung connection counts as down. */
async function databaseAnswers(ping: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([ping().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoute(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, healthRoute, async (c) => {
    const store = c.get("store");
    const healthy = await databaseAnswers(() => store.ping());
    const timestamp = new Date(c.get("clock")()).toISOString();
    return c.json({ data: { status: healthy ? "healthy" : "unhealthy", timestamp } }, healthy ? 200 : 503);
  });
}
