import type { Insertable, Kysely, Selectable } from "kysely";
import type { ApiKeysTable, Database } from "../database";
import { fromJson, toJson } from "./json-columns";
import { conflict, inserted } from "./write-results";

/** A stored API key: only the SHA-256 of the key text is kept, never the key. */
export interface ApiKeyRecord {
  /** `key_…`. */
  id: string;
  tenantId: string;
  name: string;
  scopes: string[];
  /** SHA-256 hex of the full key string. */
  keyHash: string;
  /** The first characters of the key, for display (e.g. "intendedops_default_ab12"). */
  keyPrefix: string;
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeyRepo {
  /** Throws IntendedOpsError CONFLICT when the id or the key hash exists. */
  insert(record: ApiKeyRecord): Promise<void>;
  /** The active (non-revoked) key with this hash. */
  findByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  get(tenantId: string, id: string): Promise<ApiKeyRecord | undefined>;
  /** The tenant's keys (revoked ones included), oldest first. */
  list(tenantId: string): Promise<ApiKeyRecord[]>;
  /** Revokes the key; true when it exists in the tenant (revoking twice keeps the first time). */
  revoke(tenantId: string, id: string): Promise<boolean>;
  /** Records a use: one single-row update, cheap enough per request (callers may still debounce). */
  touch(id: string, at: string): Promise<void>;
}

function toRow(record: ApiKeyRecord): Insertable<ApiKeysTable> {
  return {
    id: record.id,
    tenant_id: record.tenantId,
    name: record.name,
    scopes: toJson(record.scopes),
    key_hash: record.keyHash,
    key_prefix: record.keyPrefix,
    rate_limit_per_minute: record.rateLimitPerMinute,
    created_at: record.createdAt,
    last_used_at: record.lastUsedAt,
    revoked_at: record.revokedAt,
  };
}

function fromRow(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    scopes: fromJson(row.scopes),
    keyHash: row.key_hash,
    keyPrefix: row.key_prefix,
    rateLimitPerMinute: row.rate_limit_per_minute,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** API keys, found by hash for authentication and managed per tenant. */
export function createApiKeyRepo(db: Kysely<Database>, clock: () => number): ApiKeyRepo {
  const get = async (tenantId: string, id: string): Promise<ApiKeyRecord | undefined> => {
    const row = await db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", id)
      .where("tenant_id", "=", tenantId)
      .executeTakeFirst();
    return row && fromRow(row);
  };

  return {
    async insert(record) {
      const result = await db
        .insertInto("api_keys")
        .values(toRow(record))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirstOrThrow();
      if (!inserted(result)) throw conflict("API key already exists", { id: record.id });
    },
    async findByHash(keyHash) {
      const row = await db
        .selectFrom("api_keys")
        .selectAll()
        .where("key_hash", "=", keyHash)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return row && fromRow(row);
    },
    get,
    async list(tenantId) {
      const rows = await db
        .selectFrom("api_keys")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(fromRow);
    },
    async revoke(tenantId, id) {
      const result = await db
        .updateTable("api_keys")
        .set({ revoked_at: new Date(clock()).toISOString() })
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId)
        .where("revoked_at", "is", null)
        .executeTakeFirstOrThrow();
      return result.numUpdatedRows === 1n || (await get(tenantId, id)) !== undefined;
    },
    async touch(id, at) {
      await db.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", id).execute();
    },
  };
}
