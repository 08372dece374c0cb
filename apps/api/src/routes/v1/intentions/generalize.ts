import type { OpenAPIHono } from "@hono/zod-openapi";
import { IntendedOpsError } from "@intendedops/core";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { ambientClusters, describeClusters } from "./ambient-view";
import { ClusterParamsSchema, IntentionViewSchema, toIntentionView } from "./schema";

export const generalizeAmbientClusterRoute = defineRoute({
  method: "post",
  path: "/v1/intentions/ambient/{clusterId}/generalize",
  permission: "policy_write",
  summary: "Create the draft intention an ambient cluster suggests",
  tags: ["Intentions"],
  params: ClusterParamsSchema,
  success: { status: 201, description: "The new draft intention", schema: envelope(IntentionViewSchema) },
  errors: [404, 409],
});

export function registerGeneralizeAmbientCluster(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, generalizeAmbientClusterRoute, async (c, { params }) => {
    const actor = actorOf(c);
    const governor = c.get("governor");
    const [stats, intentions] = await Promise.all([
      ambientClusters(c).get(actor.tenantId, params.clusterId),
      governor.listIntentions(actor.tenantId),
    ]);
    if (!stats) {
      throw new IntendedOpsError("NOT_FOUND", `Ambient cluster not found: ${params.clusterId}`, {
        id: params.clusterId,
      });
    }
    const [cluster] = describeClusters(c, [stats], intentions);
    if (!cluster) throw new IntendedOpsError("INTERNAL_ERROR", "The cluster could not be described");
    const intention = await governor.createIntention(actor, cluster.suggested, {
      ambientClusterId: cluster.id,
    });
    return c.json({ data: toIntentionView(intention) }, 201);
  });
}
