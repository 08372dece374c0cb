import { type Actor, recordEvents, type StoreTx } from "@intendedops/core";

/**
 * The changes the server makes outside the governor that belong in the tenant's audit chain: who
 * may act (API keys) and where its events go (webhook and inbound endpoints). Never a secret.
 */
export type AdminEventType =
  | "api_key.created"
  | "api_key.revoked"
  | "webhook_endpoint.created"
  | "webhook_endpoint.updated"
  | "webhook_endpoint.secret_rotated"
  | "webhook_endpoint.deleted"
  | "inbound_endpoint.created"
  | "inbound_endpoint.secret_rotated"
  | "inbound_endpoint.deleted";

/** Record one admin change in the tenant's audit chain, in the transaction that makes it. */
export async function auditAdminChange(
  tx: StoreTx,
  actor: Actor,
  eventType: AdminEventType,
  data: Record<string, unknown>,
  now: number,
): Promise<void> {
  await recordEvents(tx, actor.tenantId, actor, { audit: [{ eventType, data }], outbox: [] }, now);
}

/** The actor of key changes made at start-up or from the CLI, where no API key acts. */
export function operatorActor(tenantId: string, id: "bootstrap" | "cli"): Actor {
  const name = id === "cli" ? "intendedops CLI" : "INTENDEDOPS_BOOTSTRAP_KEY";
  return { tenantId, id, name, kind: "system" };
}
