import { describe, expect, it } from "vitest";
import { copyRow } from "./row-copy";

describe("copyRow", () => {
  it("returns an equal value sharing no objects when the row is nested JSON-like data", () => {
    const row = { a: 1, b: [1, { c: "x" }], d: null, e: undefined, f: { g: true } };
    const copied = copyRow(row);
    expect(copied).toStrictEqual(row);
    expect(copied.b).not.toBe(row.b);
    expect(copied.b[1]).not.toBe(row.b[1]);
    expect(copied.f).not.toBe(row.f);
  });

  it("copies dates and maps through structuredClone when a result holds them", () => {
    const row = { result: { at: new Date(0), seen: new Map([["k", 1]]) } };
    const copied = copyRow(row);
    expect(copied.result.at).toEqual(new Date(0));
    expect(copied.result.at).not.toBe(row.result.at);
    expect(copied.result.seen.get("k")).toBe(1);
  });
});
