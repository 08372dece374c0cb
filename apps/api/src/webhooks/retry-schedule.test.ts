import { describe, expect, it } from "vitest";
import {
  JITTER,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryDelayMs,
  STANDARD_RETRY_SCHEDULE_MS,
} from "./retry-schedule";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("STANDARD_RETRY_SCHEDULE_MS", () => {
  it("is Standard Webhooks' schedule when read", () => {
    expect(STANDARD_RETRY_SCHEDULE_MS).toEqual([
      0,
      5000,
      5 * MINUTE,
      30 * MINUTE,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      14 * HOUR,
      20 * HOUR,
      24 * HOUR,
    ]);
  });
});

describe("retryDelayMs", () => {
  it("waits the scheduled delay when the jitter source sits in the middle", () => {
    expect(retryDelayMs(STANDARD_RETRY_SCHEDULE_MS, 1, () => 0.5)).toBe(5000);
    expect(retryDelayMs(STANDARD_RETRY_SCHEDULE_MS, 9, () => 0.5)).toBe(24 * HOUR);
  });

  it("stays within ±20% of the scheduled delay when the jitter source is at its ends", () => {
    expect(retryDelayMs(STANDARD_RETRY_SCHEDULE_MS, 2, () => 0)).toBe(5 * MINUTE * (1 - JITTER));
    expect(retryDelayMs(STANDARD_RETRY_SCHEDULE_MS, 2, () => 0.999_999)).toBeCloseTo(
      5 * MINUTE * (1 + JITTER),
      -1,
    );
  });

  it("returns undefined when every scheduled attempt was made", () => {
    expect(retryDelayMs(STANDARD_RETRY_SCHEDULE_MS, 10, () => 0.5)).toBeUndefined();
    expect(retryDelayMs([0, 10], 2, () => 0.5)).toBeUndefined();
  });

  it("honours a longer Retry-After and ignores a shorter one", () => {
    expect(retryDelayMs(STANDARD_RETRY_SCHEDULE_MS, 1, () => 0.5, 60_000)).toBe(60_000);
    expect(retryDelayMs(STANDARD_RETRY_SCHEDULE_MS, 3, () => 0.5, 60_000)).toBe(30 * MINUTE);
  });

  it("caps Retry-After at a day when the receiver asks for longer", () => {
    expect(retryDelayMs(STANDARD_RETRY_SCHEDULE_MS, 1, () => 0.5, 7 * 24 * HOUR)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-02T10:00:00.000Z");

  it("reads delta-seconds when the header is a number", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP date when the header is one", () => {
    expect(parseRetryAfter("Mon, 02 Mar 2026 10:05:00 GMT", now)).toBe(5 * MINUTE);
    expect(parseRetryAfter("Mon, 02 Mar 2026 09:00:00 GMT", now)).toBe(0);
  });

  it("reads every HTTP-date form as GMT whatever the process's time zone", () => {
    const zone = process.env.TZ;
    process.env.TZ = "America/Los_Angeles";
    try {
      expect(new Date(now).getTimezoneOffset()).toBe(480);
      expect(parseRetryAfter("Mon, 02 Mar 2026 10:05:00 GMT", now)).toBe(5 * MINUTE);
      expect(parseRetryAfter("Monday, 02-Mar-26 10:05:00 GMT", now)).toBe(5 * MINUTE);
      // asctime names no zone; RFC 9110 §5.6.7 has every HTTP date in GMT.
      expect(parseRetryAfter("Mon Mar  2 10:05:00 2026", now)).toBe(5 * MINUTE);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("returns undefined when the header is absent or unreadable", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
  });
});
