import type { OpenAPIHono } from "@hono/zod-openapi";
import { IntendedOpsError, isIntendedOpsError } from "@intendedops/core";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { ambientClusters, describeClusters } from "./ambient-view";
import { ClusterParamsSchema, IntentionViewSchema, toIntentionView } from "./schema";

export const generalizeAmbientClusterRoute = defineRoute({
  operationId: "generalizeAmbientCluster",
  method: "post",
  path: "/v1/intentions/ambient/{clusterId}/generalize",
  permission: "policy_write",
  summary: "Create the draft intention an ambient cluster suggests",
  tags: ["Intentions"],
  params: ClusterParamsSchema,
  success: { status: 201, description: "The new draft intention", schema: envelope(IntentionViewSchema) },
  errors: [404, 409],
});

/** Tries before a label race is reported: each retry re-reads the labels another request just took. */
const LABEL_ATTEMPTS = 5;

export function registerGeneralizeAmbientCluster(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, generalizeAmbientClusterRoute, async (c, { params }) => {
    const actor = actorOf(c);
    const governor = c.get("governor");
    for (let attempt = 1; ; attempt++) {
      const [stats, intentions] = await Promise.all([
        ambientClusters(c).get(actor.tenantId, params.clusterId),
        governor.listIntentions(actor.tenantId),
      ]);
      if (!stats) {
        throw new IntendedOpsError("NOT_FOUND", `Ambient cluster not found: ${params.clusterId}`, {
          id: params.clusterId,
        });
      }
      // The suggested label is the first free one (`…_2`, `…_3`) among the labels read above.
      const [cluster] = describeClusters(c, [stats], intentions);
      if (!cluster) throw new IntendedOpsError("INTERNAL_ERROR", "The cluster could not be described");
      try {
        const intention = await governor.createIntention(actor, cluster.suggested, {
          ambientClusterId: cluster.id,
        });
        return c.json({ data: toIntentionView(intention) }, 201);
      } catch (error) {
        // Two clusters generalized at once can pick the same free label; the loser picks again.
        const labelTaken = isIntendedOpsError(error) && error.code === "CONFLICT";
        if (!labelTaken || attempt === LABEL_ATTEMPTS) throw error;
      }
    }
  });
}
