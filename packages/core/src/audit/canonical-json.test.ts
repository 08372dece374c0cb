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

  describe("objects whose keys already come in canonical order", () => {
    /** A reference serializer: key by key, every object sorted. */
    function keyByKey(value: unknown): string | undefined {
      if (value === null) return "null";
      if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") {
        return JSON.stringify(value);
      }
      if (typeof value !== "object") return undefined;
      if (Array.isArray(value)) return `[${value.map((item) => keyByKey(item) ?? "null").join(",")}]`;
      const members = Object.keys(value)
        .sort()
        .flatMap((key) => {
          const member = keyByKey((value as Record<string, unknown>)[key]);
          return member === undefined ? [] : [`${JSON.stringify(key)}:${member}`];
        });
      return `{${members.join(",")}}`;
    }

    /** The same value rebuilt with every object's keys inserted in sorted order. */
    function sortedCopy(value: unknown): unknown {
      if (Array.isArray(value)) return value.map(sortedCopy);
      if (value === null || typeof value !== "object") return value;
      // fromEntries defines own properties, so a "__proto__" key stays a key.
      const keys = Object.keys(value).sort();
      return Object.fromEntries(
        keys.map((key) => [key, sortedCopy((value as Record<string, unknown>)[key])]),
      );
    }

    it("writes exactly what key-by-key serialization writes when given any JSON value, sorted or not", () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          expect(canonicalJson(value)).toBe(keyByKey(value));
          expect(canonicalJson(sortedCopy(value))).toBe(keyByKey(value));
        }),
        { numRuns: Number(process.env.FC_RUNS ?? 100) },
      );
    });

    it("writes exactly what key-by-key serialization writes when sorted objects hold unsorted ones", () => {
      const value = { a: { x: 1, b: [{ z: 1, y: 2 }] }, b: "t", c: { d: { f: 1, e: 2 } } };
      expect(canonicalJson(value)).toBe('{"a":{"b":[{"y":2,"z":1}],"x":1},"b":"t","c":{"d":{"e":2,"f":1}}}');
    });

    it("orders integer-like keys as text when objects have keys such as 2 and 10", () => {
      expect(canonicalJson({ 10: "a", 2: "b", x: 1 })).toBe('{"10":"a","2":"b","x":1}');
    });

    it("keeps an own __proto__ key as a key when the object comes from JSON.parse", () => {
      expect(canonicalJson(JSON.parse('{"__proto__":1,"a":{"__proto__":[2]}}'))).toBe(
        '{"__proto__":1,"a":{"__proto__":[2]}}',
      );
    });

    it("omits undefined members and writes undefined array slots as null when the object is sorted", () => {
      expect(canonicalJson({ a: undefined, b: [undefined, 1], c: 2 })).toBe('{"b":[null,1],"c":2}');
    });

    it("still refuses what JSON would quietly change when the object is sorted", () => {
      expect(() => canonicalJson({ a: 1, b: Number.NaN })).toThrow(TypeError);
      expect(() => canonicalJson({ a: [Number.POSITIVE_INFINITY] })).toThrow(TypeError);
      expect(() => canonicalJson({ a: () => 1 })).toThrow(TypeError);
      expect(() => canonicalJson({ a: Symbol("s") })).toThrow(TypeError);
      expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.b = cyclic;
      expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
    });

    it("serializes toJSON values, class instances, boxed text and null-prototype objects as before when nested in sorted objects", () => {
      class Point {
        constructor(
          readonly y: number,
          readonly x: number,
        ) {}
      }
      const bare = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
      const value = { at: new Date(0), bare, boxed: new String("hi"), point: new Point(2, 1) };
      expect(canonicalJson(value)).toBe(
        '{"at":"1970-01-01T00:00:00.000Z","bare":{"a":2,"b":1},"boxed":{"0":"h","1":"i"},"point":{"x":1,"y":2}}',
      );
      const sortedBare = Object.assign(Object.create(null) as object, { a: 2, b: 1 });
      expect(canonicalJson({ bare: sortedBare })).toBe('{"bare":{"a":2,"b":1}}');
    });
  });
});
