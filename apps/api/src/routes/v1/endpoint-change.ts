import { IntendedOpsError } from "@intendedops/core";
import type { EndpointRows, WebhookRepos } from "@intendedops/storage";
import type { Context } from "hono";
import type { AppEnv } from "../../context";
import { type RotatableEndpoint, rotateSecret } from "../../webhooks/secret-rotation";
import { callerOf } from "./actor";

/**
 * Read, change and write one of the caller's endpoints in one transaction, its row locked from
 * the read: a PATCH and a secret rotation that overlap would otherwise each write back the row
 * they read, and the later one would silently undo the other (a rotated secret restored, or an
 * edit dropped). NOT_FOUND for an id of another tenant, as everywhere.
 * @example changeEndpoint(c, (repos) => repos.inbound, "Inbound endpoint", id, (e) => ({ ...e, description: "x" }))
 */
export function changeEndpoint<R>(
  c: Context<AppEnv>,
  rowsOf: (repos: WebhookRepos) => Pick<EndpointRows<R>, "get" | "update">,
  label: string,
  id: string,
  change: (endpoint: R) => R,
): Promise<R> {
  return c.get("store").transaction(async (tx) => {
    const rows = rowsOf(tx.webhooks);
    const endpoint = await rows.get(callerOf(c).tenantId, id, { forUpdate: true });
    if (!endpoint) throw new IntendedOpsError("NOT_FOUND", `${label} not found: ${id}`, { id });
    const changed = change(endpoint);
    await rows.update(changed);
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
): Promise<{ rotated: R; secret: string }> {
  let secret = "";
  const rotated = await changeEndpoint(c, rowsOf, label, id, (endpoint) => {
    const rotation = rotateSecret(endpoint, c.get("webhooks").secrets, now);
    secret = rotation.secret;
    return rotation.rotated;
  });
  return { rotated, secret };
}
