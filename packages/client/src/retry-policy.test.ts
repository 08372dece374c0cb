import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, isRetryable, parseRetryAfter, retryDelayMs } from "./retry-policy";

describe("isRetryable", () => {
  it("retries a 429 when the request is not idempotent", () => {
    expect(isRetryable({ kind: "status", status: 429 }, false)).toBe(true);
  });

  it("retries 500, 502, 503 and 504 when the request is idempotent", () => {
    for (const status of [500, 502, 503, 504]) {
      expect(isRetryable({ kind: "status", status }, true)).toBe(true);
    }
  });

  it("refuses to retry a 5xx when the request is not idempotent", () => {
    expect(isRetryable({ kind: "status", status: 503 }, false)).toBe(false);
  });

  it("refuses to retry 501 and 505 when the request is idempotent", () => {
    expect(isRetryable({ kind: "status", status: 501 }, true)).toBe(false);
    expect(isRetryable({ kind: "status", status: 505 }, true)).toBe(false);
  });

  it("refuses to retry a 4xx other than 429", () => {
    for (const status of [400, 401, 403, 404, 409, 413, 422]) {
      expect(isRetryable({ kind: "status", status }, true)).toBe(false);
    }
  });

  it("retries a network failure only when the request is idempotent", () => {
    expect(isRetryable({ kind: "network" }, true)).toBe(true);
    expect(isRetryable({ kind: "network" }, false)).toBe(false);
  });
});

describe("retryDelayMs", () => {
  const config = { baseDelayMs: 250, maxDelayMs: 30_000 };

  it("draws from [0, base · 2^retry) when no Retry-After is given", () => {
    expect(retryDelayMs(0, undefined, config, () => 0)).toBe(0);
    expect(retryDelayMs(0, undefined, config, () => 0.999_999)).toBe(249);
    expect(retryDelayMs(2, undefined, config, () => 0.5)).toBe(500);
    expect(retryDelayMs(3, undefined, config, () => 0.999_999)).toBe(1999);
  });

  it("caps the jitter ceiling at maxDelayMs when the retry count grows", () => {
    expect(retryDelayMs(20, undefined, config, () => 0.999_999)).toBe(29_999);
  });

  it("uses the Retry-After exactly when it is within maxDelayMs", () => {
    expect(retryDelayMs(0, 1000, config, () => 0.5)).toBe(1000);
    expect(retryDelayMs(5, 0, config, () => 0.5)).toBe(0);
  });

  it("gives up when Retry-After exceeds maxDelayMs", () => {
    expect(retryDelayMs(0, 30_001, config, () => 0.5)).toBeUndefined();
  });

  it("keeps every jittered delay inside its bounds when drawn with Math.random", () => {
    for (let retry = 0; retry < 12; retry++) {
      const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** retry);
      for (let i = 0; i < 200; i++) {
        const delay = retryDelayMs(retry, undefined, DEFAULT_RETRY)!;
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2024-01-15T10:30:00.000Z");

  it("reads delta-seconds when the header is a number", () => {
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
  });

  it("reads an HTTP date relative to now when the header is a date", () => {
    expect(parseRetryAfter("Mon, 15 Jan 2024 10:30:05 GMT", now)).toBe(5000);
  });

  it("returns 0 when the date is in the past", () => {
    expect(parseRetryAfter("Mon, 15 Jan 2024 10:29:00 GMT", now)).toBe(0);
  });

  it("returns undefined when the header is absent or unparseable", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-3", now)).toBeUndefined();
  });
});
