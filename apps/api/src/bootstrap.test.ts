import { createStore, type KyselyStore } from "@intendedops/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
