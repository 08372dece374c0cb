/**
 * Canonical JSON (RFC 8785-like): the same value always serializes to the same string,
 * whatever order its object keys were inserted in. The audit chain hashes this form, so
 * any writer, store or offline verifier recomputes identical hashes.
 */

/** Serializes `value` with recursively sorted keys and no insignificant whitespace; throws TypeError on NaN, Infinity, BigInt, functions, symbols and cycles. */
export function canonicalJson(value: unknown): string {
  const out = serialize(value, []);
  if (out === undefined) {
    throw new TypeError("canonicalJson: the top-level value is not representable in JSON");
  }
  return out;
}

function serialize(value: unknown, ancestors: object[]): string | undefined {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return quote(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: ${value} is not representable in JSON`);
      }
      return JSON.stringify(value);
    case "undefined":
      return undefined;
    case "object":
      return serializeObject(value, ancestors);
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not representable in JSON`);
  }
}

function serializeObject(value: object, ancestors: object[]): string | undefined {
  // Dates and other toJSON-aware values hash as they are stored (JSON round trip),
  // so a chain built from live objects verifies against the stored rows.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    return serialize(toJSON.call(value), ancestors);
  }
  // The ancestor stack is as deep as the value is nested, so a linear scan is cheap.
  if (ancestors.includes(value)) {
    throw new TypeError("canonicalJson: cyclic structure");
  }
  ancestors.push(value);
  const out = Array.isArray(value) ? serializeArray(value, ancestors) : serializeMembers(value, ancestors);
  ancestors.pop();
  return out;
}

/** Quotes plain text directly and leaves anything JSON must escape to JSON.stringify. */
function quote(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Quote, backslash, control characters and surrogates (lone ones get \u escapes).
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

function serializeArray(items: readonly unknown[], ancestors: object[]): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    // As in JSON.stringify, an unrepresentable array slot becomes null (arrays keep positions).
    out += serialize(items[i], ancestors) ?? "null";
  }
  return `${out}]`;
}

function serializeMembers(record: object, ancestors: object[]): string {
  const keys = Object.keys(record);
  // Default sort compares UTF-16 code units, which is exactly RFC 8785's key order. Records
  // built in that order (the audit chain's own) skip the sort and the copy it allocates.
  if (!isSorted(keys)) keys.sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = serialize((record as Record<string, unknown>)[key], ancestors);
    if (member === undefined) continue;
    if (!first) out += ",";
    out += `${quote(key)}:${member}`;
    first = false;
  }
  return `${out}}`;
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}
