import { IntendedOpsError } from "@intendedops/core";

/** Deepest nesting of arrays and objects a request body may have. */
export const MAX_JSON_DEPTH = 64;

/**
 * A lone UTF-16 surrogate (with the `u` flag a valid pair is one code point, so only halves
 * match), or NUL, which PostgreSQL's text cannot hold: SQLite stored it and PostgreSQL answered
 * 500, so neither is accepted, on either database.
 */
const LONE_SURROGATE = /\p{Cs}/u;
const unstorable = (text: string): boolean => LONE_SURROGATE.test(text) || text.includes("\0");

type Path = (string | number)[];

function refuse(path: Path, message: string): IntendedOpsError {
  return new IntendedOpsError(
    "VALIDATION_ERROR",
    path.length > 0 ? `${path.join(".")}: ${message}` : message,
    [{ path, message }],
  );
}

/**
 * Refuse a parsed body the rest of the server cannot keep faithfully, with 400 instead of a
 * failure later:
 * - nesting deeper than MAX_JSON_DEPTH: JSON.parse takes 100,000 levels, but the recursive code
 *   after it (schemas, canonical JSON, storage) ran out of stack and answered 500;
 * - a lone surrogate (`"\ud800"`) in a string or key: JSON allows the escape, but it is not
 *   Unicode, and UTF-8 storage replaced it with U+FFFD — the stored record then differed from the
 *   answer and from the audit event that hashed it;
 * - NUL (`"\u0000"`), which PostgreSQL's text columns refuse;
 * - a number outside the range of a double (`1e999`), which JSON.parse reads as ±Infinity.
 * `text` is the body as received: NUL and lone surrogates can only come from `\u` escapes (JSON
 * forbids raw control characters in strings), so bodies without one skip that check.
 */
export function assertStorableJson(value: unknown, text: string): void {
  const checkStrings = text.includes("\\u");
  // Iterative, so the check itself cannot overflow the stack it protects; paths are built only
  // for the error, from parent links, so a valid body allocates one small record per value.
  const stack: Frame[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const node = frame.value;
    if (typeof node === "string") {
      if (checkStrings && unstorable(node))
        throw refuse(
          pathOf(frame),
          "String holds a NUL character or a lone surrogate, which cannot be stored",
        );
      continue;
    }
    // JSON.parse turns a number too large for a double (`1e999`) into ±Infinity, which no JSON
    // can hold: canonical JSON (the audit chain) threw and answered 500, or it was stored as null.
    if (typeof node === "number" && !Number.isFinite(node))
      throw refuse(pathOf(frame), "Number is too large to be represented");
    if (node === null || typeof node !== "object") continue;
    if (frame.depth >= MAX_JSON_DEPTH)
      throw refuse(pathOf(frame), `JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
    const depth = frame.depth + 1;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push({ value: node[i], depth, key: i, parent: frame });
      continue;
    }
    for (const key in node) {
      if (checkStrings && unstorable(key))
        throw refuse(pathOf(frame), "Key holds a NUL character or a lone surrogate, which cannot be stored");
      stack.push({ value: (node as Record<string, unknown>)[key], depth, key, parent: frame });
    }
  }
}

interface Frame {
  value: unknown;
  depth: number;
  key: string | number | undefined;
  parent: Frame | undefined;
}

function pathOf(frame: Frame): Path {
  const path: Path = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}
