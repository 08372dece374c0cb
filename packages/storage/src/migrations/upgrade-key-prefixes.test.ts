import { createHash } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { DIALECTS, randomSuffix } from "../test-fixtures";
import { useUnmigratedStore } from "../test-unmigrated-store";

const BEFORE = "202612071400_webhook_log_retention";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe.each(DIALECTS)("upgrade: migration 202612071500_operator_key_prefixes on %s", (dialect, open) => {
  const t = useUnmigratedStore(dialect, open);

  /** An api_keys row exactly as a server before 7 December stored it (values read from its database). */
  async function oldKey(tenantId: string, name: string, key: string, keyPrefix: string): Promise<string> {
    const id = `key_${randomSuffix()}`;
    const scopes = dialect === "postgres" ? sql`${'["admin"]'}::jsonb` : sql`${'["admin"]'}`;
    await sql`insert into api_keys (id, tenant_id, name, scopes, key_hash, key_prefix, rate_limit_per_minute, created_at, last_used_at, revoked_at)
      values (${id}, ${tenantId}, ${name}, ${scopes}, ${sha256(key)}, ${keyPrefix}, ${null}, ${"2026-12-07T14:54:28.024Z"}, ${"2026-12-07T14:55:02.759Z"}, ${null})`.execute(
      t.store.db,
    );
    return id;
  }

  it("hides the secret characters of operator-chosen keys stored before, and keeps the keys working", async () => {
    expect((await t.migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const tenantId = `acme-${randomSuffix()}`;
    await sql`insert into tenants (id, name, created_at) values (${tenantId}, ${tenantId}, ${"2026-12-07T14:54:28.027Z"})`.execute(
      t.store.db,
    );
    const bootstrapKey = `intendedops_${tenantId}_0123456789abcdef0123456789abcdef`;
    const generatedKey = `intendedops_${tenantId}_7XkiQv2mN8pR4sT6uW9yZ1aB3cD5eF7g`;
    const bootstrapId = await oldKey(tenantId, "bootstrap", bootstrapKey, `intendedops_${tenantId}_0123`);
    const generatedId = await oldKey(tenantId, "agent key", generatedKey, `intendedops_${tenantId}_7Xki`);

    expect((await t.migrator.migrateToLatest()).error).toBeUndefined();

    expect(await t.store.apiKeys.get(tenantId, bootstrapId)).toMatchObject({
      keyPrefix: `intendedops_${tenantId}_`,
      scopes: ["admin"],
    });
    // A generated key's 32 characters may show 4: left as stored.
    expect((await t.store.apiKeys.get(tenantId, generatedId))?.keyPrefix).toBe(
      `intendedops_${tenantId}_7Xki`,
    );
    expect((await t.store.apiKeys.findByHash(sha256(bootstrapKey)))?.id).toBe(bootstrapId);
  });
});
