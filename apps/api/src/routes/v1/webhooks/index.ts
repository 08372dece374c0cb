import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../../context";
import { registerCreateWebhook } from "./create";
import { registerDeleteWebhook } from "./delete";
import { registerListDeliveries } from "./deliveries";
import { registerGetWebhook } from "./get";
import { registerListWebhooks } from "./list";
import { registerPingWebhook } from "./ping";
import { registerRedeliver } from "./redeliver";
import { registerRotateWebhookSecret } from "./rotate-secret";
import { registerUpdateWebhook } from "./update";

export { createWebhookRoute } from "./create";
export { deleteWebhookRoute } from "./delete";
export { listDeliveriesRoute } from "./deliveries";
export { getWebhookRoute } from "./get";
export { listWebhooksRoute } from "./list";
export { pingWebhookRoute } from "./ping";
export { redeliverRoute } from "./redeliver";
export { rotateWebhookSecretRoute } from "./rotate-secret";
export { DISABLED_BY_ADMIN, updateWebhookRoute } from "./update";

/** `/v1/webhooks`: endpoints, their secrets, deliveries, redelivery and test pings (admin scope). */
export function registerWebhookRoutes(app: OpenAPIHono<AppEnv>): void {
  registerListWebhooks(app);
  registerCreateWebhook(app);
  registerRedeliver(app);
  registerGetWebhook(app);
  registerUpdateWebhook(app);
  registerDeleteWebhook(app);
  registerRotateWebhookSecret(app);
  registerListDeliveries(app);
  registerPingWebhook(app);
}
