import { isIntendedOpsError } from "@intendedops/core";
import type { KyselyStore } from "@intendedops/storage";
import { operatorActor } from "./admin-audit";
import { hashApiKey, parseApiKey } from "./api-key-format";
import { auditKeyCreated, issueApiKey, newApiKey } from "./api-key-service";

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
 * for tenant `default`. A revoked bootstrap key stays revoked. Safe when several instances start
 * on one database at once: a key another instance created first counts as existing, and only the
 * instance that creates tenant `default` on the empty database generates (and prints) a key.
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
    try {
      const { record } = await issueApiKey(
        store,
        { tenantId: parsed.tenantId, name: "bootstrap", scopes: ["admin"], key },
        now,
        operatorActor(parsed.tenantId, "bootstrap"),
      );
      result.created.push(record.keyPrefix);
    } catch (error) {
      // Another instance stored the same key between our check and our insert.
      if (!(isIntendedOpsError(error) && error.code === "CONFLICT")) throw error;
    }
  }
  if (keys.length === 0) {
    const generated = await generateFirstKey(store, now);
    if (generated !== undefined) result.generatedKey = generated;
  }
  return result;
}

/**
 * The first start's admin key, in one transaction that also creates tenant `default`: of two
 * instances starting on one empty database, only the one whose insert creates the tenant
 * goes on (on PostgreSQL the other's insert waits for that commit, then finds the row).
 */
function generateFirstKey(store: KyselyStore, now: number): Promise<string | undefined> {
  return store.transaction(async (tx) => {
    if ((await tx.tenants.list()).length > 0) return undefined;
    if (!(await tx.tenants.ensure(DEFAULT_TENANT)).created) return undefined;
    const { key, record } = newApiKey(
      { tenantId: DEFAULT_TENANT, name: "default admin", scopes: ["admin"] },
      now,
    );
    await tx.apiKeys.insert(record);
    await auditKeyCreated(tx, record, operatorActor(DEFAULT_TENANT, "bootstrap"), now);
    return key;
  });
}
