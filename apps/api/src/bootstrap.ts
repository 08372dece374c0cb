import type { KyselyStore } from "@intendedops/storage";
import { hashApiKey, parseApiKey } from "./api-key-format";
import { issueApiKey } from "./api-key-service";

export const DEFAULT_TENANT = "default";

export interface BootstrapResult {
  /** Bootstrap keys created now (by prefix, never the secret). */
  created: string[];
  /** Bootstrap keys that were revoked earlier and are deliberately not re-created. */
  skippedRevoked: string[];
  /** Set only when the database was empty and no bootstrap key was given: show it once. */
  generatedKey?: string;
}

/**
 * Make sure the operator can get in: create each configured bootstrap key that does not exist yet
 * (admin scope, tenant created), or — on an empty database with none configured — one admin key
 * for tenant `default`. A revoked bootstrap key stays revoked.
 */
export async function bootstrapKeys(
  store: KyselyStore,
  keys: readonly string[],
  now: number,
): Promise<BootstrapResult> {
  const result: BootstrapResult = { created: [], skippedRevoked: [] };
  for (const key of keys) {
    const parsed = parseApiKey(key);
    if (!parsed) throw new TypeError("Bootstrap key is not in the intendedops_<tenantId>_<secret> format");
    const hash = hashApiKey(key);
    if (await store.apiKeys.findByHash(hash)) continue;
    const existing = await store.apiKeys.list(parsed.tenantId);
    if (existing.some((record) => record.keyHash === hash)) {
      result.skippedRevoked.push(`${key.slice(0, key.length - parsed.secret.length)}…`);
      continue;
    }
    const { record } = await issueApiKey(
      store,
      { tenantId: parsed.tenantId, name: "bootstrap", scopes: ["admin"], key },
      now,
    );
    result.created.push(record.keyPrefix);
  }
  if (keys.length === 0 && (await store.tenants.list()).length === 0) {
    const { key } = await issueApiKey(
      store,
      { tenantId: DEFAULT_TENANT, name: "default admin", scopes: ["admin"] },
      now,
    );
    result.generatedKey = key;
  }
  return result;
}
