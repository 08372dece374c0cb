import { type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  type Governor,
  getMetricsCollector,
  IntendedOpsError,
  type MetricsCollector,
  PROMETHEUS_CONTENT_TYPE,
  renderPrometheusText,
} from "@intendedops/core";
import type { Logger } from "pino";
import { hashApiKey, hashesEqual } from "../api-key-format";
import type { AppEnv } from "../context";
import { requestHeader } from "../node-request";
import { errorResponse, responseHeaders } from "./api-route";

/** A scrape waits this long for the recount; Prometheus' own scrape timeout defaults to 10 s. */
const RECOUNT_TIMEOUT_MS = 2_000;

/**
 * Recounts the gauges of stored state (pending approvals, agents by tier, trust scores) so the
 * scrape reports the database, not what this process happened to see since it started. When the
 * database fails or is slow the scrape still answers: the counters matter most then, and those
 * gauges keep their last values (`/health` reports the database).
 */
async function recountGauges(governor: Governor, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), RECOUNT_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([governor.refreshGauges(), timeout]);
    if (outcome === "timeout") logger.warn("metrics: gauges not recounted within the timeout");
  } catch (error) {
    logger.warn({ err: error }, "metrics: could not recount gauges from the database");
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Samples the collector dropped so far because a metric reached its series cap, when it reports
 * them (`InMemoryMetricsCollector.droppedSamples`); undefined for collectors that do not.
 */
function droppedSamplesOf(collector: MetricsCollector): number | undefined {
  const dropped = (collector as { droppedSamples?: unknown }).droppedSamples;
  return typeof dropped === "number" ? dropped : undefined;
}

/**
 * Per tenant, the samples the collector dropped so far because that tenant had used its share
 * (`InMemoryMetricsCollector.droppedSamplesByTenant`); undefined for collectors that do not say.
 */
function droppedByTenantOf(collector: MetricsCollector): ReadonlyMap<string, number> | undefined {
  const byTenant = (collector as { droppedSamplesByTenant?: unknown }).droppedSamplesByTenant;
  return byTenant instanceof Map ? (byTenant as ReadonlyMap<string, number>) : undefined;
}

/** The tenants whose dropped count grew from `before` to `now`, in the collector's order. */
function tenantsGrown(now: ReadonlyMap<string, number>, before: ReadonlyMap<string, number>): string[] {
  return [...now]
    .filter(([tenant, dropped]) => dropped > (before.get(tenant) ?? 0))
    .map(([tenant]) => tenant);
}

/** The current collector's samples as Prometheus text 0.0.4 (all 17 metrics, HELP/TYPE even when empty). */
export function renderMetrics(): string {
  const collector = getMetricsCollector();
  // A custom collector (e.g. prom-client behind the interface) may render itself; otherwise format its samples.
  return collector.render?.() ?? renderPrometheusText(collector.getMetrics());
}

/** `GET /metrics`: open by default (scrapers sit inside the network); METRICS_TOKEN makes it a bearer secret. */
export function registerMetricsRoute(app: OpenAPIHono<AppEnv>): void {
  // The collector and its dropped-sample counts at the last scrape, so each drop is logged once.
  const reported = new WeakMap<
    MetricsCollector,
    { dropped: number; byTenant: ReadonlyMap<string, number> }
  >();
  app.openAPIRegistry.registerComponent("securitySchemes", "MetricsToken", {
    type: "http",
    scheme: "bearer",
    description: "METRICS_TOKEN, only when the server sets it",
  });
  app.openAPIRegistry.registerPath({
    operationId: "getMetrics",
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics (text format 0.0.4); a bearer token when METRICS_TOKEN is set",
    tags: ["System"],
    // Open unless METRICS_TOKEN is set: no credentials, or the token as a bearer.
    security: [{}, { MetricsToken: [] }],
    responses: {
      200: {
        description: "All 17 metrics of the guide",
        headers: responseHeaders(200),
        content: { "text/plain": { schema: z.string() } },
      },
      401: errorResponse(401, "METRICS_TOKEN is set and the bearer token is missing or wrong (UNAUTHORIZED)"),
      500: errorResponse(500),
    },
  });
  app.get("/metrics", async (c) => {
    const token = c.get("config").metricsToken;
    if (token !== undefined) {
      const presented = /^Bearer\s+(\S+)$/i.exec(requestHeader(c, "authorization") ?? "")?.[1] ?? "";
      // Compare digests, not the strings, so the comparison time says nothing about the token.
      if (!hashesEqual(hashApiKey(presented), hashApiKey(token))) {
        throw new IntendedOpsError("UNAUTHORIZED", "Metrics token missing or invalid");
      }
    }
    const logger = c.get("logger");
    await recountGauges(c.get("governor"), logger);
    const body = renderMetrics();
    // Past the series cap new label sets vanish from the scrape; say so where operators look.
    const collector = getMetricsCollector();
    const dropped = droppedSamplesOf(collector);
    if (dropped !== undefined) {
      const byTenant = droppedByTenantOf(collector) ?? new Map<string, number>();
      // A count below the last one means the collector was reset: count from 0 again.
      const last = reported.get(collector);
      const wasReset = last === undefined || dropped < last.dropped;
      const before = wasReset ? 0 : last.dropped;
      if (dropped > before) {
        // Name the tenants that used their share, so the one crowding the scrape is known.
        const tenantsAtShare = tenantsGrown(byTenant, wasReset ? new Map() : last.byTenant);
        logger.warn(
          {
            droppedSamples: dropped,
            sinceLastScrape: dropped - before,
            ...(tenantsAtShare.length > 0 ? { tenantsAtShare } : {}),
          },
          "metrics: series cap reached, samples of new label sets were dropped and are missing from /metrics",
        );
      }
      reported.set(collector, { dropped, byTenant });
    }
    return c.body(body, 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  });
}
