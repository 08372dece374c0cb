import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerListAmbientClusters } from "./ambient";
import { registerArchiveIntention } from "./archive";
import { registerCreateIntention } from "./create";
import { registerGeneralizeAmbientCluster } from "./generalize";
import { registerGetIntention } from "./get";
import { registerListIntentions } from "./list";
import { registerPublishIntention } from "./publish";
import { registerUpdateIntention } from "./update";

export { listAmbientClustersRoute } from "./ambient";
export { archiveIntentionRoute } from "./archive";
export { createIntentionRoute } from "./create";
export { generalizeAmbientClusterRoute } from "./generalize";
export { getIntentionRoute } from "./get";
export { listIntentionsRoute } from "./list";
export { publishIntentionRoute } from "./publish";
export { updateIntentionRoute } from "./update";

export function registerIntentionRoutes(app: OpenAPIHono<AppEnv>): void {
  // `ambient` first: a static segment must not be taken for an intention id.
  registerListAmbientClusters(app);
  registerGeneralizeAmbientCluster(app);
  registerListIntentions(app);
  registerCreateIntention(app);
  registerGetIntention(app);
  registerUpdateIntention(app);
  registerPublishIntention(app);
  registerArchiveIntention(app);
}
