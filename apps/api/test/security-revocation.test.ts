import { afterEach, describe, expect, it } from "vitest";
import { hashApiKey } from "../src/api-key-format";
import { createTestApp, DIALECTS, type TestApp } from "./support/test-app";

describe.each(DIALECTS)("key revocation with the key cache on (%s)", (dialect) => {
  let t: TestApp;
  afterEach(() => t.close());

  // Regression: a lookup that read the key just before DELETE committed cached it after the
  // DELETE had cleared the cache, so the revoked key kept working for KEY_CACHE_TTL_MS.
  it("refuses the key at once when a lookup of it was in flight during the revocation", async () => {
    t = await createTestApp(dialect, { KEY_CACHE_TTL_MS: "60000" });
    const created = await t.data("POST", "/v1/api-keys", { body: { name: "victim", scopes: ["read_only"] } });
    const victimHash = hashApiKey(created.key);

    const repo = t.store.apiKeys;
    const findByHash = repo.findByHash.bind(repo);
    let readDone!: () => void;
    const read = new Promise<void>((resolve) => {
      readDone = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let gated = true;
    repo.findByHash = async (hash) => {
      const record = await findByHash(hash);
      if (hash === victimHash && gated) {
        gated = false;
        readDone();
        await released;
      }
      return record;
    };

    // The victim's lookup reads the still-valid record, then stalls before it caches the answer.
    const inFlight = t.request("GET", "/v1/stats", { key: created.key });
    await read;
    const revoked = await t.request("DELETE", `/v1/api-keys/${created.id}`);
    expect(revoked.status).toBe(200);
    release();
    // Admitted before the revocation finished: that one request is allowed through.
    expect((await inFlight).status).toBe(200);

    const after = await t.request("GET", "/v1/stats", { key: created.key });
    expect(after.status).toBe(401);
    expect((await after.json()).error).toEqual({ code: "UNAUTHORIZED", message: "Invalid API key" });
  });

  it("keeps caching keys that nobody revoked", async () => {
    t = await createTestApp(dialect, { KEY_CACHE_TTL_MS: "60000" });
    const repo = t.store.apiKeys;
    const findByHash = repo.findByHash.bind(repo);
    let lookups = 0;
    const readOnlyHash = hashApiKey(t.keys.read_only);
    repo.findByHash = async (hash) => {
      if (hash === readOnlyHash) lookups += 1;
      return findByHash(hash);
    };
    for (let i = 0; i < 3; i++) {
      expect((await t.request("GET", "/v1/stats", { key: t.keys.read_only })).status).toBe(200);
    }
    expect(lookups).toBe(1);
  });
});
