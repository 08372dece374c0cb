import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";

describe("canonicalJson", () => {
  it("sorts object keys recursively when keys were inserted in any order", () => {
    const a = { b: 1, a: { d: [3, { z: true, y: null }], c: "x" } };
    const b = { a: { c: "x", d: [3, { y: null, z: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it("keeps array order when arrays hold the same items differently ordered", () => {
    expect(canonicalJson([2, 1])).toBe("[2,1]");
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it("omits undefined members and turns undefined array slots into null when present", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, 1])).toBe("[null,1]");
  });

  it("writes numbers as JSON.stringify does when given integers, fractions and exponents", () => {
    expect(canonicalJson([0, -0, 1, -1.5, 0.1, 1e21, 1e-7, 2 ** 53])).toBe(
      "[0,0,1,-1.5,0.1,1e+21,1e-7,9007199254740992]",
    );
  });

  it("throws a TypeError when a number is NaN or infinite", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson([Number.NEGATIVE_INFINITY])).toThrow(TypeError);
  });

  it("throws a TypeError when given a bigint, a function, a symbol or a cycle", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(10n)).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson(Symbol("s"))).toThrow(TypeError);
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it("accepts a shared (non-cyclic) object referenced twice", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it("keeps non-ASCII text as UTF-8 characters and escapes control characters when strings hold unicode", () => {
    expect(canonicalJson({ name: "Zoë 👋 日本", ctl: 'a\u0001\n"\\' })).toBe(
      '{"ctl":"a\\u0001\\n\\"\\\\","name":"Zoë 👋 日本"}',
    );
  });

  it("orders keys by UTF-16 code units when keys are non-ASCII", () => {
    // "\u00e9" (é) < "\ud83d\ude00" (😀, a surrogate pair) < "\uff41" (ａ) in code units.
    expect(canonicalJson({ "\uff41": 3, "😀": 2, é: 1, Z: 0 })).toBe('{"Z":0,"é":1,"😀":2,"ａ":3}');
  });

  it("serializes a Date as its ISO string when a value has toJSON", () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it("round-trips to the same value as JSON when given any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toStrictEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("is independent of key insertion order when given any object", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });

  it("quotes any string exactly as JSON.stringify does when it holds any UTF-16 code units", () => {
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit: codeUnit }), (text) => {
        expect(canonicalJson(text)).toBe(JSON.stringify(text));
        expect(canonicalJson({ [text]: 1 })).toBe(JSON.stringify({ [text]: 1 }));
      }),
    );
  });
});
