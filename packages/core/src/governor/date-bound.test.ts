import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDateBound } from "./date-bound";

describe("parseDateBound", () => {
  // A zone far from UTC: any reading in local time would show up as a five-hour shift.
  let savedTz: string | undefined;
  beforeEach(() => {
    savedTz = process.env.TZ;
    process.env.TZ = "America/New_York";
  });
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it("covers a bare date's whole UTC day when it is a start or an end", () => {
    expect(parseDateBound("2026-12-07", "start")).toBe("2026-12-07T00:00:00.000Z");
    expect(parseDateBound("2026-12-07", "end")).toBe("2026-12-07T23:59:59.999Z");
  });

  it("reads a date-time without a zone as UTC whatever the process's time zone", () => {
    expect(new Date(2026, 11, 7).getTimezoneOffset()).toBe(300);
    expect(parseDateBound("2026-12-07T01:41:00", "start")).toBe("2026-12-07T01:41:00.000Z");
    expect(parseDateBound("2026-12-07T01:41", "end")).toBe("2026-12-07T01:41:00.000Z");
    expect(parseDateBound("2026-12-07T01:41:05.5", "start")).toBe("2026-12-07T01:41:05.500Z");
  });

  it("applies the zone when a date-time has one", () => {
    expect(parseDateBound("2026-12-07T01:41:00Z", "start")).toBe("2026-12-07T01:41:00.000Z");
    expect(parseDateBound("2026-12-07T01:41:00.123456Z", "start")).toBe("2026-12-07T01:41:00.124Z");
    expect(parseDateBound("2026-12-07T01:41:00.123456Z", "end")).toBe("2026-12-07T01:41:00.123Z");
    expect(parseDateBound("2026-12-07T01:41:00.123000Z", "start")).toBe("2026-12-07T01:41:00.123Z");
    expect(parseDateBound("2026-12-07T01:41:00+02:00", "start")).toBe("2026-12-06T23:41:00.000Z");
    expect(parseDateBound("2026-12-07T23:41:00-01:30", "start")).toBe("2026-12-08T01:11:00.000Z");
  });

  it("rejects zone forms outside RFC 3339 rather than guessing", () => {
    for (const value of ["2026-12-07T01:41:00+05", "2026-12-07T01:41:00+0530", "2026-12-07t01:41:00z"]) {
      expect(parseDateBound(value, "start"), value).toBeUndefined();
    }
  });

  it("accepts 29 February only in a leap year", () => {
    expect(parseDateBound("2024-02-29", "start")).toBe("2024-02-29T00:00:00.000Z");
    expect(parseDateBound("2000-02-29T12:00:00Z", "start")).toBe("2000-02-29T12:00:00.000Z");
    expect(parseDateBound("2026-02-29", "start")).toBeUndefined();
    expect(parseDateBound("1900-02-29", "start")).toBeUndefined();
  });

  it("rejects impossible calendar dates and times", () => {
    for (const value of [
      "2026-02-30",
      "2026-13-45",
      "2026-00-10",
      "2026-04-31",
      "2026-01-00",
      "2026-12-07T24:00:00Z",
      "2026-12-07T10:60:00Z",
      "2026-12-07T10:00:60Z",
      "2026-12-07T10:00:00+24:00",
      "2026-12-07T10:00:00+01:60",
    ]) {
      expect(parseDateBound(value, "start"), value).toBeUndefined();
    }
  });

  it("rejects what is not an ISO 8601 date or date-time", () => {
    for (const value of [
      "",
      "yesterday",
      "2026-1-5",
      "20261207",
      "2026-12-07 01:41:00",
      "2026-12-07T1:41",
      "2026-12-07T01:41:00Zjunk",
      "Mon, 07 Dec 2026 01:41:00 GMT",
      "1765071660000",
    ]) {
      expect(parseDateBound(value, "start"), value).toBeUndefined();
    }
  });
});
