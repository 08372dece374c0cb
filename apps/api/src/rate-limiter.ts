/** The fixed window: one minute, aligned to the start of each minute. */
export const WINDOW_MS = 60_000;

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the current window ends (≥ 1). */
  resetSeconds: number;
}

export interface RateLimiter {
  /** Count one request for `bucket` at `now` against `limit` per window. */
  hit(bucket: string, limit: number, now: number): RateLimitVerdict;
  /** The budget `bucket` has left at `now`, without counting a request; `allowed` says if one more may pass. */
  peek(bucket: string, limit: number, now: number): RateLimitVerdict;
  /** Forget every counter (tests, key revocation). */
  reset(): void;
}

interface Counter {
  window: number;
  count: number;
}

/** Whole seconds until the end of `window` at `now` (in `window`): 1 at :59.999, 60 at :00.000. */
function secondsUntilReset(window: number, now: number): number {
  return Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
}

/**
 * In-process fixed-window counters. Counters live per server instance: with N instances
 * behind a balancer a key may reach N × its limit (documented in docs/configuration.md).
 *
 * When the clock steps back into an earlier minute (an NTP correction), a bucket keeps what it
 * spent and carries it into the minute the clock now reads, resetting at that minute's end: the
 * step neither refunds the budget (a new counter for the earlier minute did, so a key could spend
 * its limit again at once) nor holds a key back longer than one minute of the clock as it reads.
 */
export function createRateLimiter(): RateLimiter {
  let counters = new Map<string, Counter>();
  let currentWindow = -1;

  /** What a counter holds against `window`: nothing once its own minute has passed. */
  const spent = (counter: Counter | undefined, window: number): number =>
    counter !== undefined && counter.window >= window ? counter.count : 0;

  return {
    hit(bucket, limit, now) {
      const window = Math.floor(now / WINDOW_MS);
      // A minute later than any seen: every counter is dead, so drop them all at once instead of
      // sweeping. Only forward: a request while the clock reads an earlier minute must not make
      // the minute it returns to look new, which wiped the budgets other keys had spent in it.
      if (window > currentWindow) {
        counters = new Map();
        currentWindow = window;
      }
      let counter = counters.get(bucket);
      if (!counter) {
        counter = { window, count: 0 };
        counters.set(bucket, counter);
      }
      // A counter of a minute that has passed (kept across a step back) holds nothing now, as in
      // `spent`; one of a later minute (the clock stepped back) moves to this one with its count.
      if (counter.window < window) counter.count = 0;
      counter.window = window;
      const resetSeconds = secondsUntilReset(window, now);
      if (counter.count >= limit) return { allowed: false, limit, remaining: 0, resetSeconds };
      counter.count += 1;
      return { allowed: true, limit, remaining: limit - counter.count, resetSeconds };
    },
    peek(bucket, limit, now) {
      const window = Math.floor(now / WINDOW_MS);
      const remaining = Math.max(0, limit - spent(counters.get(bucket), window));
      return { allowed: remaining > 0, limit, remaining, resetSeconds: secondsUntilReset(window, now) };
    },
    reset() {
      counters = new Map();
    },
  };
}

/** The IETF draft's `RateLimit-Policy` header value. */
export function rateLimitPolicyHeader(limit: number): string {
  return `"default";q=${limit};w=${WINDOW_MS / 1000}`;
}

/** The IETF draft's `RateLimit` header value. */
export function rateLimitHeader(verdict: RateLimitVerdict): string {
  return `"default";r=${verdict.remaining};t=${verdict.resetSeconds}`;
}
