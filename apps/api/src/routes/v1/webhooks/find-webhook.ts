import { IntendedOpsError } from "@intendedops/core";
import type { WebhookEndpointRecord } from "@intendedops/storage";
import type { Context } from "hono";
import type { AppEnv } from "../../../context";
import { callerOf } from "../actor";

/** The caller's endpoint, or NOT_FOUND (another tenant's id included). */
export async function findWebhook(c: Context<AppEnv>, id: string): Promise<WebhookEndpointRecord> {
  const endpoint = await c.get("store").webhooks.endpoints.get(callerOf(c).tenantId, id);
  if (!endpoint) throw new IntendedOpsError("NOT_FOUND", `Webhook not found: ${id}`, { id });
  return endpoint;
}
