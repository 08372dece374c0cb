import { IntendedOpsError, type StoreTx } from "@intendedops/core";
import type { EndpointRows, WebhookRepos } from "@intendedops/storage";
import type { Context } from "hono";
import { type AdminEventType, auditAdminChange } from "../../admin-audit";
import type { AppEnv } from "../../context";
import { type RotatableEndpoint, rotateSecret } from "../../webhooks/secret-rotation";
import { actorOf, callerOf } from "./actor";

/** What an endpoint change records in the audit chain: its event type, and data beside the id. */
export interface EndpointAudit<R> {
  eventType: AdminEventType;
  data?: (endpoint: R) => Record<string, unknown>;
}

/**
 * Insert one of the caller's endpoints and audit it, in one transaction; CONFLICT once the tenant
 * would hold more than MAX_WEBHOOKS_PER_TENANT endpoints of that kind (`label`): every event is
 * written once per subscribed endpoint, so an unbounded number made one tenant's events cost the
 * whole server.
 */
export function insertEndpoint<R extends { id: string }>(
  c: Context<AppEnv>,
  rowsOf: (repos: WebhookRepos) => Pick<EndpointRows<R>, "insert" | "count">,
  label: string,
  record: R,
  audit: EndpointAudit<R>,
): Promise<void> {
  return c.get("store").transaction(async (tx) => {
    const rows = rowsOf(tx.webhooks);
    await rows.insert(record);
    await auditEndpoint(c, tx, record, audit);
    // Counted after the audit event: appending it holds the tenant's audit head until commit, so
    // a concurrent insert waits there and then counts this endpoint too.
    const limit = c.get("config").maxWebhooksPerTenant;
    if ((await rows.count(callerOf(c).tenantId)) > limit) {
      throw new IntendedOpsError(
        "CONFLICT",
        `This tenant already holds ${limit} ${label.toLowerCase()}s, the most it may; delete one first`,
        { limit },
      );
    }
  });
}

/** Delete one of the caller's endpoints (NOT_FOUND for another tenant's) and audit it, in one transaction. */
export function deleteEndpoint<R extends { id: string }>(
  c: Context<AppEnv>,
  rowsOf: (repos: WebhookRepos) => Pick<EndpointRows<R>, "get" | "delete">,
  label: string,
  id: string,
  audit: EndpointAudit<R>,
): Promise<R> {
  return c.get("store").transaction(async (tx) => {
    const rows = rowsOf(tx.webhooks);
    const { tenantId } = callerOf(c);
    const endpoint = await rows.get(tenantId, id, { forUpdate: true });
    if (!endpoint || !(await rows.delete(tenantId, id))) {
      throw new IntendedOpsError("NOT_FOUND", `${label} not found: ${id}`, { id });
    }
    await auditEndpoint(c, tx, endpoint, audit);
    return endpoint;
  });
}

function auditEndpoint<R extends { id: string }>(
  c: Context<AppEnv>,
  tx: StoreTx,
  endpoint: R,
  audit: EndpointAudit<R>,
): Promise<void> {
  const data = { endpointId: endpoint.id, ...audit.data?.(endpoint) };
  return auditAdminChange(tx, actorOf(c), audit.eventType, data, c.get("clock")());
}

/**
 * Read, change and write one of the caller's endpoints in one transaction, its row locked from
 * the read: a PATCH and a secret rotation that overlap would otherwise each write back the row
 * they read, and the later one would silently undo the other (a rotated secret restored, or an
 * edit dropped). NOT_FOUND for an id of another tenant, as everywhere.
 * @example changeEndpoint(c, (repos) => repos.inbound, "Inbound endpoint", id, (e) => ({ ...e, description: "x" }))
 */
export function changeEndpoint<R extends { id: string }>(
  c: Context<AppEnv>,
  rowsOf: (repos: WebhookRepos) => Pick<EndpointRows<R>, "get" | "update">,
  label: string,
  id: string,
  change: (endpoint: R) => R,
  audit: EndpointAudit<R>,
): Promise<R> {
  return c.get("store").transaction(async (tx) => {
    const rows = rowsOf(tx.webhooks);
    const endpoint = await rows.get(callerOf(c).tenantId, id, { forUpdate: true });
    if (!endpoint) throw new IntendedOpsError("NOT_FOUND", `${label} not found: ${id}`, { id });
    const changed = change(endpoint);
    await rows.update(changed);
    await auditEndpoint(c, tx, changed, audit);
    return changed;
  });
}

/**
 * Rotate one of the caller's endpoint secrets under the row lock (see `changeEndpoint`): the
 * stored record, and the new secret in plain text to show once.
 */
export async function rotateEndpointSecret<R extends RotatableEndpoint>(
  c: Context<AppEnv>,
  rowsOf: (repos: WebhookRepos) => Pick<EndpointRows<R>, "get" | "update">,
  label: string,
  id: string,
  now: number,
  eventType: AdminEventType,
): Promise<{ rotated: R; secret: string }> {
  let secret = "";
  const rotate = (endpoint: R) => {
    const rotation = rotateSecret(endpoint, c.get("webhooks").secrets, now);
    secret = rotation.secret;
    return rotation.rotated;
  };
  const rotated = await changeEndpoint(c, rowsOf, label, id, rotate, { eventType });
  return { rotated, secret };
}
