import { describe, expect, it } from "vitest";
import { assertStorableJson, MAX_JSON_DEPTH } from "./json-shape";

const check = (text: string) => () => assertStorableJson(JSON.parse(text), text);
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("assertStorableJson", () => {
  it("accepts ordinary bodies, valid surrogate pairs and escapes included", () => {
    expect(check('{"a":[1,{"b":"x"}],"c":null,"d":"\\u00e9 \\ud83d\\ude00 😀"}')).not.toThrow();
    expect(check(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(check('{"__proto__":{"x":1}}')).not.toThrow();
  });

  it("refuses nesting deeper than the limit, with the path where it goes too deep", () => {
    expect(check(nested(MAX_JSON_DEPTH + 1))).toThrow(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(check(nested(100_000))).toThrow(/nests deeper/);
    try {
      check(`{"result":{"a":${nested(MAX_JSON_DEPTH)}}}`)();
      expect.unreachable();
    } catch (error) {
      expect((error as { details: unknown }).details).toEqual([
        {
          path: ["result", "a", ...Array(MAX_JSON_DEPTH - 2).fill(0)],
          message: expect.stringMatching(/nests/),
        },
      ]);
    }
  });

  it("refuses lone surrogates and NUL in strings and keys, naming where", () => {
    expect(check('{"name":"ls\\ud800x"}')).toThrow(
      "name: String holds a NUL character or a lone surrogate, which cannot be stored",
    );
    expect(check('{"a":["ok","\\udc00"]}')).toThrow("a.1: String holds");
    expect(check('{"p":{"\\ud800":1}}')).toThrow("p: Key holds a NUL character or a lone surrogate");
    expect(check('{"memo":"a\\u0000b"}')).toThrow("memo: String holds a NUL character");
  });
});
