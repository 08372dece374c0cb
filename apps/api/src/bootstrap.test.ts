import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStore, type KyselyStore } from "@intendedops/storage";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PG_URL } from "../test/support/test-app";
import { generateApiKey, hashApiKey } from "./api-key-format";
import { bootstrapKeys } from "./bootstrap";

describe("bootstrapKeys", () => {
  let store: KyselyStore;
  beforeEach(async () => {
    store = await createStore({ url: "file::memory:" });
  });
  afterEach(() => store.close());

  it("creates tenant default with one admin key when the database is empty and no key is configured", async () => {
    const result = await bootstrapKeys(store, [], Date.now());
    expect(result.generatedKey).toMatch(/^intendedops_default_[A-Za-z0-9]{32}$/);
    const record = await store.apiKeys.findByHash(hashApiKey(result.generatedKey!));
    expect(record).toMatchObject({ tenantId: "default", scopes: ["admin"] });
    expect((await store.tenants.list()).map((t) => t.id)).toEqual(["default"]);
  });

  it("generates nothing when a tenant already exists", async () => {
    await bootstrapKeys(store, [], Date.now());
    expect((await bootstrapKeys(store, [], Date.now())).generatedKey).toBeUndefined();
    expect(await store.apiKeys.list("default")).toHaveLength(1);
  });

  it("creates each configured key once, in its own tenant, with admin scope", async () => {
    const keys = [generateApiKey("acme"), generateApiKey("globex")];
    const first = await bootstrapKeys(store, keys, Date.now());
    expect(first.created).toHaveLength(2);
    expect(first.generatedKey).toBeUndefined();
    const again = await bootstrapKeys(store, keys, Date.now());
    expect(again.created).toEqual([]);
    for (const key of keys) {
      expect((await store.apiKeys.findByHash(hashApiKey(key)))?.scopes).toEqual(["admin"]);
    }
    expect((await store.tenants.list()).map((t) => t.id).sort()).toEqual(["acme", "globex"]);
  });

  it("does not resurrect a bootstrap key that was revoked", async () => {
    const key = generateApiKey("acme");
    await bootstrapKeys(store, [key], Date.now());
    const record = await store.apiKeys.findByHash(hashApiKey(key));
    await store.apiKeys.revoke("acme", record!.id);
    const result = await bootstrapKeys(store, [key], Date.now());
    expect(result.created).toEqual([]);
    expect(result.skippedRevoked).toHaveLength(1);
    expect(result.skippedRevoked[0]).not.toContain(key.slice(-10));
    expect(await store.apiKeys.findByHash(hashApiKey(key))).toBeUndefined();
  });
});

/**
 * Several instances may start on one database at once (docs/configuration.md): two stores on one
 * SQLite file, or on one PostgreSQL schema, run the bootstrap side by side.
 */
describe.each([
  ["sqlite", openTwoSqliteStores],
  ["postgres", openTwoPostgresStores],
])("bootstrapKeys from two instances at once on %s", (_dialect, openTwo) => {
  let stores: { a: KyselyStore; b: KyselyStore; dispose(): Promise<void> };
  beforeEach(async () => {
    stores = await openTwo();
  });
  afterEach(() => stores.dispose());

  it("generates and prints exactly one admin key on an empty database", async () => {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([
        bootstrapKeys(stores.a, [], Date.now()),
        bootstrapKeys(stores.b, [], Date.now()),
      ]);
      expect(results.filter((r) => r.generatedKey !== undefined)).toHaveLength(round === 0 ? 1 : 0);
      expect(await stores.a.apiKeys.list("default")).toHaveLength(1);
    }
  });

  it("creates a configured key once when both instances start with it", async () => {
    const key = generateApiKey("race");
    const results = await Promise.all([
      bootstrapKeys(stores.a, [key], Date.now()),
      bootstrapKeys(stores.b, [key], Date.now()),
    ]);
    expect(results.flatMap((r) => r.created)).toHaveLength(1);
    expect(await stores.a.apiKeys.list("race")).toHaveLength(1);
    expect(await stores.b.apiKeys.findByHash(hashApiKey(key))).toBeDefined();
  });
});

async function openTwoSqliteStores() {
  const dir = await mkdtemp(join(tmpdir(), "bootstrap-"));
  const url = `file:${join(dir, "db.sqlite")}`;
  const a = await createStore({ url });
  const b = await createStore({ url });
  return {
    a,
    b,
    async dispose() {
      await Promise.all([a.close(), b.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function openTwoPostgresStores() {
  const schema = `bootstrap_${randomBytes(6).toString("hex")}`;
  const a = await createStore({ url: PG_URL, schema });
  const b = await createStore({ url: PG_URL, schema });
  return {
    a,
    b,
    async dispose() {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(a.db);
      await Promise.all([a.close(), b.close()]);
    },
  };
}
