import { type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  getMetricsCollector,
  IntendedOpsError,
  PROMETHEUS_CONTENT_TYPE,
  renderPrometheusText,
} from "@intendedops/core";
import { hashApiKey, hashesEqual } from "../api-key-format";
import type { AppEnv } from "../context";
import { requestHeader } from "../node-request";

/** The current collector's samples as Prometheus text 0.0.4 (all 17 metrics, HELP/TYPE even when empty). */
export function renderMetrics(): string {
  const collector = getMetricsCollector();
  // A custom collector (e.g. prom-client behind the interface) may render itself; otherwise format its samples.
  return collector.render?.() ?? renderPrometheusText(collector.getMetrics());
}

/** `GET /metrics`: open by default (scrapers sit inside the network); METRICS_TOKEN makes it a bearer secret. */
export function registerMetricsRoute(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics (text format 0.0.4); a bearer token when METRICS_TOKEN is set",
    tags: ["System"],
    responses: {
      200: { description: "All 17 metrics of the guide", content: { "text/plain": { schema: z.string() } } },
    },
  });
  app.get("/metrics", (c) => {
    const token = c.get("config").metricsToken;
    if (token !== undefined) {
      const presented = /^Bearer\s+(\S+)$/i.exec(requestHeader(c, "authorization") ?? "")?.[1] ?? "";
      // Compare digests, not the strings, so the comparison time says nothing about the token.
      if (!hashesEqual(hashApiKey(presented), hashApiKey(token))) {
        throw new IntendedOpsError("UNAUTHORIZED", "Metrics token missing or invalid");
      }
    }
    return c.body(renderMetrics(), 200, { "content-type": PROMETHEUS_CONTENT_TYPE });
  });
}
