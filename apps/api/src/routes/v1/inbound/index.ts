import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerCreateInboundEndpoint } from "./create";
import { registerDeleteInboundEndpoint } from "./delete";
import { registerGetInboundEndpoint } from "./get";
import { registerListInboundEndpoints } from "./list";
import { registerReceiveInbound } from "./receive";
import { registerRotateInboundSecret } from "./rotate-secret";

export { createInboundEndpointRoute } from "./create";
export { deleteInboundEndpointRoute } from "./delete";
export { getInboundEndpointRoute } from "./get";
export { listInboundEndpointsRoute } from "./list";
export { receiveInboundRoute } from "./receive";
export { rotateInboundSecretRoute } from "./rotate-secret";

/** `/v1/inbound`: endpoints for external executors (admin scope) and the signed report receiver (no key). */
export function registerInboundRoutes(app: OpenAPIHono<AppEnv>): void {
  registerListInboundEndpoints(app);
  registerCreateInboundEndpoint(app);
  registerGetInboundEndpoint(app);
  registerDeleteInboundEndpoint(app);
  registerRotateInboundSecret(app);
  registerReceiveInbound(app);
}
