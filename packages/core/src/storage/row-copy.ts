/**
 * Deep copy of a stored row. Rows are JSON-like (plain objects, arrays, primitives), so a direct
 * walk is several times faster than `structuredClone`; anything else (Dates, Maps, class
 * instances inside an intent's free-form `result`) falls back to `structuredClone`.
 */
export function copyRow<T>(value: T): T {
  return copyValue(value) as T;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyValue(value[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copyValue((value as Record<string, unknown>)[key]);
  return out;
}
