import { type Actor, newId, type StoreTx } from "@intendedops/core";
import type { ApiKeyRecord, KyselyStore } from "@intendedops/storage";
import { auditAdminChange } from "./admin-audit";
import { displayPrefix, generateApiKey, hashApiKey, parseApiKey } from "./api-key-format";
import type { Scope } from "./scopes";

export interface IssueKeyInput {
  tenantId: string;
  name: string;
  scopes: readonly Scope[];
  rateLimitPerMinute?: number | null;
  /** Use this key text instead of generating one (bootstrap keys chosen by the operator). */
  key?: string;
}

/** A key as the API shows it: never the hash, never the secret. */
export interface ApiKeyView {
  id: string;
  name: string;
  tenantId: string;
  scopes: string[];
  keyPrefix: string;
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Strip what must never leave the server. */
export function toApiKeyView(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    tenantId: record.tenantId,
    scopes: [...record.scopes],
    keyPrefix: record.keyPrefix,
    rateLimitPerMinute: record.rateLimitPerMinute,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
  };
}

/**
 * Create a key (and its tenant if needed), audited in the tenant's chain; the returned `key` is
 * the only time the secret exists outside the caller's hands — only its SHA-256 hash is stored.
 */
export async function issueApiKey(
  store: KyselyStore,
  input: IssueKeyInput,
  now: number,
  actor: Actor,
): Promise<{ key: string; record: ApiKeyRecord }> {
  const issued = newApiKey(input, now);
  await store.transaction(async (tx) => {
    await tx.tenants.ensure(input.tenantId);
    await tx.apiKeys.insert(issued.record);
    await auditKeyCreated(tx, issued.record, actor, now);
  });
  return issued;
}

/** The `api_key.created` event of a key just stored (its id, name, scopes and limit; never the hash). */
export function auditKeyCreated(tx: StoreTx, record: ApiKeyRecord, actor: Actor, now: number): Promise<void> {
  const { id: keyId, name, scopes, rateLimitPerMinute } = record;
  return auditAdminChange(tx, actor, "api_key.created", { keyId, name, scopes, rateLimitPerMinute }, now);
}

/**
 * Revoke a key of the tenant, audited. The record when this call revoked it; `already` when it was
 * revoked before; undefined when the tenant has no such key.
 */
export function revokeApiKey(
  store: KyselyStore,
  tenantId: string,
  keyId: string,
  actor: Actor,
  now: number,
): Promise<{ record: ApiKeyRecord; already: boolean } | undefined> {
  return store.transaction(async (tx) => {
    const before = await tx.apiKeys.get(tenantId, keyId);
    if (!before) return undefined;
    if (before.revokedAt !== null) return { record: before, already: true };
    await tx.apiKeys.revoke(tenantId, keyId);
    const record = (await tx.apiKeys.get(tenantId, keyId)) ?? before;
    await auditAdminChange(tx, actor, "api_key.revoked", { keyId, name: record.name }, now);
    return { record, already: false };
  });
}

/** A key and the record that stores it (hash and display prefix only), not yet stored. */
export function newApiKey(input: IssueKeyInput, now: number): { key: string; record: ApiKeyRecord } {
  const key = input.key ?? generateApiKey(input.tenantId);
  const parsed = parseApiKey(key);
  if (!parsed || parsed.tenantId !== input.tenantId) throw new TypeError("Key does not belong to the tenant");
  const record: ApiKeyRecord = {
    id: newId("apiKey", now),
    tenantId: input.tenantId,
    name: input.name,
    scopes: [...input.scopes],
    keyHash: hashApiKey(key),
    keyPrefix: displayPrefix(key, { operatorChosen: input.key !== undefined }),
    rateLimitPerMinute: input.rateLimitPerMinute ?? null,
    createdAt: new Date(now).toISOString(),
    lastUsedAt: null,
    revokedAt: null,
  };
  return { key, record };
}
