import { createStore, type KyselyStore } from "@intendedops/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { operatorActor } from "./admin-audit";
import { generateApiKey } from "./api-key-format";
import { issueApiKey } from "./api-key-service";
import { createKeyResolver } from "./key-resolver";

describe("createKeyResolver", () => {
  let store: KyselyStore;
  let now: number;
  const clock = () => now;
  beforeEach(async () => {
    store = await createStore({ url: "file::memory:" });
    now = Date.parse("2026-03-02T10:00:00.000Z");
  });
  afterEach(() => store.close());
  /** An agent key named "bot" in tenant acme, issued at `now`. */
  const issueBot = () =>
    issueApiKey(
      store,
      { tenantId: "acme", name: "bot", scopes: ["agent"] },
      now,
      operatorActor("acme", "cli"),
    );

  it("resolves a stored key to its tenant, id, name, scopes and limit", async () => {
    const { key, record } = await issueApiKey(
      store,
      { tenantId: "acme", name: "bot", scopes: ["agent"], rateLimitPerMinute: 50 },
      now,
      operatorActor("acme", "cli"),
    );
    const resolver = createKeyResolver({ keys: store.apiKeys, ttlMs: 5000, clock });
    expect(await resolver.resolve(key)).toEqual({
      tenantId: "acme",
      keyId: record.id,
      keyName: "bot",
      scopes: ["agent"],
      rateLimitPerMinute: 50,
    });
  });

  it("returns undefined when the key is unknown or malformed", async () => {
    const resolver = createKeyResolver({ keys: store.apiKeys, ttlMs: 5000, clock });
    expect(await resolver.resolve(generateApiKey("acme"))).toBeUndefined();
    expect(await resolver.resolve("not a key")).toBeUndefined();
  });

  it("keeps answering from the cache until the TTL passes, then sees a revocation", async () => {
    const { key, record } = await issueBot();
    const resolver = createKeyResolver({ keys: store.apiKeys, ttlMs: 5000, clock });
    await resolver.resolve(key);
    await store.apiKeys.revoke("acme", record.id);
    expect(await resolver.resolve(key)).toBeDefined();
    now += 5001;
    expect(await resolver.resolve(key)).toBeUndefined();
  });

  it("sees a revocation made elsewhere after the clock is stepped back, instead of waiting the step out", async () => {
    const { key, record } = await issueBot();
    const resolver = createKeyResolver({ keys: store.apiKeys, ttlMs: 5000, clock });
    await resolver.resolve(key);
    await store.apiKeys.revoke("acme", record.id);
    now -= 3_600_000;
    expect(await resolver.resolve(key)).toBeUndefined();
  });

  it("records lastUsedAt again after the clock is stepped back, instead of waiting the step out", async () => {
    const { key, record } = await issueBot();
    const resolver = createKeyResolver({ keys: store.apiKeys, ttlMs: 0, clock, touchIntervalMs: 60_000 });
    await resolver.resolve(key);
    now -= 3_600_000;
    await resolver.resolve(key);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await store.apiKeys.get("acme", record.id))?.lastUsedAt).toBe(new Date(now).toISOString());
  });

  it("forgets a key at once when it is invalidated", async () => {
    const { key, record } = await issueBot();
    const resolver = createKeyResolver({ keys: store.apiKeys, ttlMs: 60_000, clock });
    await resolver.resolve(key);
    await store.apiKeys.revoke("acme", record.id);
    resolver.invalidate(record.id);
    expect(await resolver.resolve(key)).toBeUndefined();
  });

  it("records lastUsedAt at most once per interval when a key is used repeatedly", async () => {
    const { key, record } = await issueBot();
    const resolver = createKeyResolver({ keys: store.apiKeys, ttlMs: 0, clock, touchIntervalMs: 60_000 });
    await resolver.resolve(key);
    await new Promise((resolve) => setImmediate(resolve));
    const first = (await store.apiKeys.get("acme", record.id))?.lastUsedAt;
    expect(first).toBe(new Date(now).toISOString());
    now += 1000;
    await resolver.resolve(key);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await store.apiKeys.get("acme", record.id))?.lastUsedAt).toBe(first);
    now += 60_000;
    await resolver.resolve(key);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await store.apiKeys.get("acme", record.id))?.lastUsedAt).toBe(new Date(now).toISOString());
  });

  it("forgets lookups and touch times that ran out once other keys are used, however many keys it saw", async () => {
    const issued: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { key } = await issueApiKey(
        store,
        { tenantId: "acme", name: `bot-${i}`, scopes: ["agent"] },
        now,
        operatorActor("acme", "cli"),
      );
      issued.push(key);
    }
    const resolver = createKeyResolver({ keys: store.apiKeys, ttlMs: 5000, clock, touchIntervalMs: 60_000 });
    for (const key of issued.slice(0, 4)) await resolver.resolve(key);
    expect(resolver.held()).toEqual({ cached: 4, touched: 4 });
    // Past the TTL and the touch interval, one more key's lookup sweeps what ran out.
    now += 60_000;
    await resolver.resolve(issued[4]!);
    expect(resolver.held()).toEqual({ cached: 1, touched: 1 });
    // A key still in use keeps its entries, and is touched again only after the interval.
    now += 1000;
    await resolver.resolve(issued[0]!);
    expect(resolver.held()).toEqual({ cached: 2, touched: 2 });
  });
});
