import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { callerOf } from "../actor";
import { ambientClusters, describeClusters } from "./ambient-view";
import { AmbientClusterSchema, AmbientQuerySchema } from "./schema";

export const listAmbientClustersRoute = defineRoute({
  operationId: "listAmbientClusters",
  method: "get",
  path: "/v1/intentions/ambient",
  permission: "read",
  summary:
    "Traffic no intention matched, grouped by domain, intent type and data-element set, each with a suggested draft",
  tags: ["Intentions"],
  query: AmbientQuerySchema,
  success: {
    status: 200,
    description: "`{ data: [...] }`, the largest clusters first",
    schema: envelope(z.array(AmbientClusterSchema)),
  },
});

export function registerListAmbientClusters(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, listAmbientClustersRoute, async (c, { query }) => {
    const tenantId = callerOf(c).tenantId;
    const [stats, intentions] = await Promise.all([
      ambientClusters(c).list(tenantId, query.limit),
      c.get("governor").listIntentions(tenantId),
    ]);
    return c.json({ data: describeClusters(c, stats, intentions) });
  });
}
