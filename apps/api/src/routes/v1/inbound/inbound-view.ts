import { IntendedOpsError } from "@intendedops/core";
import type { InboundEndpointRecord } from "@intendedops/storage";
import type { Context } from "hono";
import type { AppEnv } from "../../../context";
import { callerOf } from "../actor";

/** The inbound endpoint as the API shows it: never its secrets. */
export function toInboundView(record: InboundEndpointRecord, now: number) {
  const rotating =
    record.previousSecretExpiresAt !== null && record.previousSecretExpiresAt > new Date(now).toISOString();
  return {
    id: record.id,
    description: record.description,
    intentTypes: record.intentTypes,
    path: `/v1/inbound/${record.id}`,
    previousSecretExpiresAt: rotating ? record.previousSecretExpiresAt : null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The caller's inbound endpoint, or NOT_FOUND (another tenant's id included). */
export async function findInboundEndpoint(c: Context<AppEnv>, id: string): Promise<InboundEndpointRecord> {
  const endpoint = await c.get("store").webhooks.inbound.get(callerOf(c).tenantId, id);
  if (!endpoint) throw new IntendedOpsError("NOT_FOUND", `Inbound endpoint not found: ${id}`, { id });
  return endpoint;
}
