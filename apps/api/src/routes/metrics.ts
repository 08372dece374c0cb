import type { OpenAPIHono } from "@hono/zod-openapi";
import { getMetricsCollector, IntendedOpsError, renderPrometheusText } from "@intendedops/core";
import { hashApiKey, hashesEqual } from "../api-key-format";
import type { AppEnv } from "../context";

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The current collector's samples as Prometheus text 0.0.4 (all 17 metrics, HELP/TYPE even when empty). */
export function renderMetrics(): string {
  const collector = getMetricsCollector() as ReturnType<typeof getMetricsCollector> & {
    renderPrometheus?: () => string;
  };
  return collector.renderPrometheus
    ? collector.renderPrometheus()
    : renderPrometheusText(collector.getMetrics());
}

/** `GET /metrics`: open by default (scrapers sit inside the network); METRICS_TOKEN makes it a bearer secret. */
export function registerMetricsRoute(app: OpenAPIHono<AppEnv>): void {
  app.get("/metrics", (c) => {
    const token = c.get("config").metricsToken;
    if (token !== undefined) {
      const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
      // Compare digests, not the strings, so the comparison time says nothing about the token.
      if (!hashesEqual(hashApiKey(presented), hashApiKey(token))) {
        throw new IntendedOpsError("UNAUTHORIZED", "Metrics token missing or invalid");
      }
    }
    return c.body(renderMetrics(), 200, { "content-type": CONTENT_TYPE });
  });
}
