import { hashApiKey, hashesEqual, parseApiKey } from "./api-key-format";

/** The fields of a stored API key the server reads (storage's ApiKeyRecord satisfies it). */
export interface StoredApiKey {
  id: string;
  tenantId: string;
  name: string;
  scopes: string[];
  keyHash: string;
  rateLimitPerMinute: number | null;
  revokedAt: string | null;
}

/** The API key lookups the resolver needs (storage's `apiKeys` repo satisfies it). */
export interface ApiKeyLookup {
  findByHash(hash: string): Promise<StoredApiKey | undefined>;
  touch(id: string, at: string): Promise<void>;
}

/** Who is calling: resolved from a valid key. */
export interface Caller {
  tenantId: string;
  keyId: string;
  keyName: string;
  scopes: readonly string[];
  rateLimitPerMinute: number | null;
}

export interface KeyResolver {
  /** The caller for a presented key, or undefined when it is malformed, unknown or revoked. */
  resolve(presented: string): Promise<Caller | undefined>;
  /** Drop a key from the cache (called on revocation so it stops working at once). */
  invalidate(keyId: string): void;
  /** Entries held in memory: cached lookups and keys whose last `lastUsedAt` write is remembered. */
  held(): { cached: number; touched: number };
}

export interface KeyResolverOptions {
  keys: ApiKeyLookup;
  /** Successful lookups are reused for this long; 0 disables the cache. */
  ttlMs: number;
  clock: () => number;
  /** `lastUsedAt` is written at most this often per key. */
  touchIntervalMs?: number;
  onTouchError?: (error: unknown) => void;
}

const MAX_CACHED_KEYS = 10_000;

interface CacheEntry {
  caller: Caller;
  expiresAt: number;
}

/**
 * Resolve keys by SHA-256 hash with a short in-process cache: the hot path does no query.
 * Revocation through this process clears the entry at once; other instances notice within `ttlMs`.
 */
export function createKeyResolver(options: KeyResolverOptions): KeyResolver {
  const { keys, ttlMs, clock } = options;
  const touchIntervalMs = options.touchIntervalMs ?? 60_000;
  const cache = new Map<string, CacheEntry>();
  const lastTouched = new Map<string, number>();
  // Bumped by every invalidation: a lookup that read the key before a revocation committed must
  // not cache that stale answer after the revocation has already cleared the cache.
  let generation = 0;

  // Both maps keep their entries in time order (an entry is re-inserted, never updated in place),
  // so what has run out sits at the front and is dropped from there: they hold the keys used
  // within the last TTL or touch interval, not every key the process has seen since it started.
  const touch = (keyId: string, now: number) => {
    const last = lastTouched.get(keyId);
    // A touch "after" now means the clock was stepped back: write again rather than wait the step out.
    if (last !== undefined && last <= now && now - last < touchIntervalMs) return;
    lastTouched.delete(keyId);
    lastTouched.set(keyId, now);
    for (const [id, at] of lastTouched) {
      if (now - at < touchIntervalMs) break;
      lastTouched.delete(id);
    }
    keys.touch(keyId, new Date(now).toISOString()).catch((error) => options.onTouchError?.(error));
  };

  const dropExpired = (now: number) => {
    for (const [hash, entry] of cache) {
      if (entry.expiresAt > now) break;
      cache.delete(hash);
    }
  };

  return {
    async resolve(presented) {
      const parsed = parseApiKey(presented);
      if (!parsed) return undefined;
      const hash = hashApiKey(presented);
      const now = clock();
      const cached = cache.get(hash);
      // Cached at a later time than now means the clock was stepped back (NTP): an entry that
      // counted as fresh until the clock caught up kept a key revoked elsewhere working for the
      // length of the step, so such an entry is looked up again.
      if (cached && cached.expiresAt > now && cached.expiresAt - ttlMs <= now) {
        touch(cached.caller.keyId, now);
        return cached.caller;
      }
      if (cached) cache.delete(hash);
      dropExpired(now);
      const lookedUpIn = generation;
      const record = await keys.findByHash(hash);
      if (!record || record.revokedAt !== null) return undefined;
      // The tenant in the key text must be the key's tenant: a key cannot be replayed under another prefix.
      if (!hashesEqual(record.keyHash, hash) || record.tenantId !== parsed.tenantId) return undefined;
      const caller: Caller = {
        tenantId: record.tenantId,
        keyId: record.id,
        keyName: record.name,
        scopes: [...record.scopes],
        rateLimitPerMinute: record.rateLimitPerMinute,
      };
      if (ttlMs > 0 && lookedUpIn === generation) {
        // Bounded: the oldest entry goes first, so a flood of distinct keys cannot grow memory.
        if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
        cache.set(hash, { caller, expiresAt: now + ttlMs });
      }
      touch(record.id, now);
      return caller;
    },
    invalidate(keyId) {
      generation += 1;
      for (const [hash, entry] of cache) {
        if (entry.caller.keyId === keyId) cache.delete(hash);
      }
      lastTouched.delete(keyId);
    },
    held() {
      return { cached: cache.size, touched: lastTouched.size };
    },
  };
}
