import { describe, expect, it } from "vitest";
import { createRateLimiter, rateLimitHeader, rateLimitPolicyHeader } from "./rate-limiter";

const MINUTE = 60_000;
const start = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);

describe("createRateLimiter", () => {
  it("keeps a budget spent in a minute when another key calls during a clock step back", () => {
    // Regression: a request while the clock read an earlier minute made the minute it returned to
    // look new, and every counter of that minute (key b's spent budget) was wiped.
    const limiter = createRateLimiter();
    const minute = start + 5 * MINUTE;
    for (let i = 0; i < 2; i++) expect(limiter.hit("key:b", 2, minute + 30_000).allowed).toBe(true);
    expect(limiter.hit("key:b", 2, minute + 30_000).allowed).toBe(false);
    // The clock steps back into the minute before; only key a calls during the step.
    limiter.hit("key:a", 2, minute - 10_000);
    // Back in the minute b spent its budget in, which has not ended.
    expect(limiter.peek("key:b", 2, minute + 31_000).remaining).toBe(0);
    expect(limiter.hit("key:b", 2, minute + 31_000).allowed).toBe(false);
    // And a's counter from the earlier minute holds nothing now.
    expect(limiter.hit("key:a", 2, minute + 31_000)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("counts down the remaining requests when a bucket is hit within one minute", () => {
    const limiter = createRateLimiter();
    expect(limiter.hit("k", 3, start + 10_000)).toEqual({
      allowed: true,
      limit: 3,
      remaining: 2,
      resetSeconds: 50,
    });
    expect(limiter.hit("k", 3, start + 10_500).remaining).toBe(1);
    expect(limiter.hit("k", 3, start + 11_000).remaining).toBe(0);
  });

  it("reports a bucket's budget without spending it when peeked", () => {
    const limiter = createRateLimiter();
    expect(limiter.peek("k", 2, start)).toMatchObject({ allowed: true, remaining: 2 });
    limiter.hit("k", 2, start);
    expect(limiter.peek("k", 2, start + 1)).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.peek("k", 2, start + 2)).toMatchObject({ remaining: 1 });
    limiter.hit("k", 2, start + 3);
    expect(limiter.peek("k", 2, start + 4)).toMatchObject({ allowed: false, remaining: 0 });
    expect(limiter.peek("k", 2, start + 60_000)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("refuses requests over the limit when the window has not ended", () => {
    const limiter = createRateLimiter();
    for (let i = 0; i < 2; i++) limiter.hit("k", 2, start);
    expect(limiter.hit("k", 2, start + 59_999)).toEqual({
      allowed: false,
      limit: 2,
      remaining: 0,
      resetSeconds: 1,
    });
  });

  it("resets at the start of the next minute when the window rolls over", () => {
    const limiter = createRateLimiter();
    for (let i = 0; i < 2; i++) limiter.hit("k", 2, start + 59_000);
    expect(limiter.hit("k", 2, start + 59_500).allowed).toBe(false);
    expect(limiter.hit("k", 2, start + MINUTE).allowed).toBe(true);
  });

  it("keeps buckets independent when two keys are hit", () => {
    const limiter = createRateLimiter();
    limiter.hit("a", 1, start);
    expect(limiter.hit("a", 1, start).allowed).toBe(false);
    expect(limiter.hit("b", 1, start).allowed).toBe(true);
  });
});

describe("rate limit headers", () => {
  it("formats the policy and the state as the IETF draft writes them", () => {
    expect(rateLimitPolicyHeader(1000)).toBe('"default";q=1000;w=60');
    expect(rateLimitHeader({ allowed: true, limit: 1000, remaining: 999, resetSeconds: 42 })).toBe(
      '"default";r=999;t=42',
    );
  });
});
