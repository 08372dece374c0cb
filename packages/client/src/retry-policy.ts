/** How the client retries: attempts after the first, and the backoff bounds. */
export interface RetryConfig {
  /** Retries after the first attempt; 0 disables retrying. Default 3. */
  maxRetries: number;
  /** The backoff ceiling of the first retry; doubles per retry. Default 250 ms. */
  baseDelayMs: number;
  /** No wait is longer; a `Retry-After` above it ends the retries. Default 30 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryConfig> = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 30_000 };

/** What went wrong with one attempt, as far as retrying is concerned. */
export type AttemptFailure =
  | { kind: "status"; status: number; retryAfterMs?: number }
  | { kind: "network"; retryAfterMs?: undefined };

/**
 * Whether a failed attempt may be repeated without risk of doing the work twice.
 * 429 always (the server did nothing); 5xx and network failures only when the request is
 * idempotent (GET/PUT/DELETE, or a POST that carries an idempotency key).
 */
export function isRetryable(failure: AttemptFailure, idempotent: boolean): boolean {
  if (failure.kind === "network") return idempotent;
  if (failure.status === 429) return true;
  // 501 and 505 say the server will never handle this request; repeating cannot help.
  const permanent = failure.status === 501 || failure.status === 505;
  return idempotent && failure.status >= 500 && !permanent;
}

/**
 * The wait before retry number `retry` (0-based): the server's `Retry-After` when given,
 * else "full jitter" — a uniform draw in [0, min(maxDelayMs, baseDelayMs · 2^retry)).
 * Returns undefined when the server asks for longer than `maxDelayMs` (give up now rather than
 * wait less than asked and be refused again).
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  config: Pick<RetryConfig, "baseDelayMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs > config.maxDelayMs ? undefined : retryAfterMs;
  const ceiling = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` in milliseconds: delta-seconds (`"2"`) or an HTTP date, relative to `now`.
 * Returns undefined when absent or unparseable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date always names a weekday or month; this keeps "-3" from parsing as year -3.
  const at = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
