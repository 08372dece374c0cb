import type { Result, Router } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";

/** Distinct static paths remembered per method; past this the cache starts over. */
const MAX_CACHED_PATHS = 512;

/**
 * Hono's default router with the matches of parameterless paths remembered. Our route table
 * falls back to the trie router, which walks the tree and allocates a fresh result on every
 * request; the hot paths (`POST /v1/intents`, `GET /v1/approvals`, …) have no path parameters,
 * so their match is the same every time. Paths with parameters (`/v1/intents/:id`) are never
 * cached, so ids cannot fill the cache; unknown paths can, which is why it is bounded and
 * cleared when full rather than grown. (Like Hono's default
 * router, the inner router refuses routes added after the first match.)
 */
export class CachedRouter<T> implements Router<T> {
  readonly name = "CachedRouter";
  readonly #inner: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] });
  readonly #byMethod = new Map<string, Map<string, Result<T>>>();

  add(method: string, path: string, handler: T): void {
    this.#inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    let cache = this.#byMethod.get(method);
    const cached = cache?.get(path);
    if (cached) return cached;
    const result = this.#inner.match(method, path);
    if (hasNoParams(result)) {
      if (!cache) {
        cache = new Map();
        this.#byMethod.set(method, cache);
      } else if (cache.size >= MAX_CACHED_PATHS) {
        cache.clear();
      }
      cache.set(path, result);
    }
    return result;
  }
}

/** True when no handler of the match captured a path parameter (and no param stash exists). */
function hasNoParams<T>(result: Result<T>): boolean {
  if (result.length > 1) return false;
  for (const entry of result[0]) {
    for (const _ in entry[1]) return false;
  }
  return true;
}
