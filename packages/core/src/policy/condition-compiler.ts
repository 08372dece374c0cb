import { RE2JS } from "re2js";
import { IntendedOpsError, type ValidationIssue } from "../errors";
import type { Condition } from "./policy-schema";

type Params = Readonly<Record<string, unknown>>;
type Path = (string | number)[];

/** A params condition compiled once: a test closure and a human-readable form for the explain trace. */
export interface CompiledCondition {
  readonly test: (params: Params) => boolean;
  readonly text: string;
}

/** Deepest nesting of all/any/not a policy may use (keeps compile and evaluation stack-safe). */
export const MAX_CONDITION_DEPTH = 32;
/** Longest `matches` pattern accepted. */
export const MAX_PATTERN_LENGTH = 256;

/**
 * Compile a params condition. Throws VALIDATION_ERROR (details paths under `path`) when an
 * operator gets a value it cannot use or a regex is invalid.
 * @example compileCondition({ field: "amount", op: "gt", value: 500 }).test({ amount: 900 }) // true
 */
export function compileCondition(condition: Condition, path: Path = ["match", "params"]): CompiledCondition {
  return compileAt(condition, path, 0);
}

function compileAt(condition: Condition, path: Path, depth: number): CompiledCondition {
  if (depth > MAX_CONDITION_DEPTH)
    throw invalid(path, `Conditions nest deeper than ${MAX_CONDITION_DEPTH} levels`);
  if (condition === null || typeof condition !== "object") throw invalid(path, "Condition must be an object");
  if ("all" in condition) return compileGroup(condition.all, [...path, "all"], depth, "all");
  if ("any" in condition) return compileGroup(condition.any, [...path, "any"], depth, "any");
  if ("not" in condition) {
    const inner = compileAt(condition.not, [...path, "not"], depth + 1);
    const innerTest = inner.test;
    return { test: (p) => !innerTest(p), text: `not (${inner.text})` };
  }
  return compileComparison(condition, path);
}

function compileGroup(items: Condition[], path: Path, depth: number, kind: "all" | "any"): CompiledCondition {
  if (!Array.isArray(items) || items.length === 0)
    throw invalid(path, `"${kind}" needs at least one condition`);
  const parts = items.map((c, i) => compileAt(c, [...path, i], depth + 1));
  const tests = parts.map((p) => p.test);
  const text =
    parts.length === 1
      ? parts[0]!.text
      : `(${parts.map((p) => p.text).join(kind === "all" ? " and " : " or ")})`;
  if (tests.length === 1) return { test: tests[0]!, text };
  const test =
    kind === "all"
      ? (p: Params) => {
          for (const t of tests) if (!t(p)) return false;
          return true;
        }
      : (p: Params) => {
          for (const t of tests) if (t(p)) return true;
          return false;
        };
  return { test, text };
}

type Comparison = Extract<Condition, { op: unknown }>;

function compileComparison(c: Comparison, path: Path): CompiledCondition {
  const get = compileField(c.field, [...path, "field"]);
  const valuePath = [...path, "value"];
  const field = c.field;
  const value: unknown = c.value;
  switch (c.op) {
    case "eq":
    case "neq": {
      if (value === undefined) throw invalid(valuePath, `"${c.op}" needs a value`);
      const eq = equalsTo(value);
      const text = `${field} ${c.op === "eq" ? "==" : "!="} ${show(value)}`;
      return c.op === "eq" ? { test: (p) => eq(get(p)), text } : { test: (p) => !eq(get(p)), text };
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return compileOrdering(c.op, field, value, get, valuePath);
    case "in":
    case "not_in": {
      if (!Array.isArray(value)) throw invalid(valuePath, `"${c.op}" needs an array value`);
      const member = memberOf(value);
      const text = `${field} ${c.op === "in" ? "in" : "not in"} ${show(value)}`;
      return c.op === "in" ? { test: (p) => member(get(p)), text } : { test: (p) => !member(get(p)), text };
    }
    case "exists": {
      if (value !== undefined && typeof value !== "boolean")
        throw invalid(valuePath, '"exists" takes true or false');
      const present = (p: Params) => {
        const x = get(p);
        return x !== undefined && x !== null;
      };
      return value === false
        ? { test: (p) => !present(p), text: `${field} does not exist` }
        : { test: present, text: `${field} exists` };
    }
    case "matches": {
      const re = compilePattern(value, valuePath);
      return { test: (p) => matchString(re, get(p)), text: `${field} matches /${re.source}/` };
    }
    default:
      throw invalid([...path, "op"], `Unknown operator ${String((c as { op: unknown }).op)}`);
  }
}

function matchString(re: { test(input: string): boolean }, x: unknown): boolean {
  return typeof x === "string" && re.test(x);
}

const ORDER_SYMBOL = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

function compileOrdering(
  op: keyof typeof ORDER_SYMBOL,
  field: string,
  value: unknown,
  get: (p: Params) => unknown,
  valuePath: Path,
): CompiledCondition {
  const isNumber = typeof value === "number" && Number.isFinite(value);
  if (!isNumber && typeof value !== "string") throw invalid(valuePath, `"${op}" needs a number or a string`);
  const kind = typeof value;
  const text = `${field} ${ORDER_SYMBOL[op]} ${show(value)}`;
  // Ordering only compares like with like: a string never compares with a number.
  const v = value as number | string;
  switch (op) {
    case "gt":
      return { test: (p) => compare(get(p), kind, v) > 0, text };
    case "gte":
      return { test: (p) => compare(get(p), kind, v) >= 0, text };
    case "lt":
      return { test: (p) => compare(get(p), kind, v) < 0, text };
    case "lte":
      return { test: (p) => compare(get(p), kind, v) <= 0, text };
  }
}

/** -1, 0 or 1; NaN when the types differ (every comparison with NaN is false). */
function compare(x: unknown, kind: string, v: number | string): number {
  if (typeof x !== kind) return Number.NaN;
  if (typeof x === "number" && Number.isNaN(x)) return Number.NaN;
  return (x as number | string) < v ? -1 : (x as number | string) > v ? 1 : 0;
}

function compileField(field: string, path: Path): (p: Params) => unknown {
  if (typeof field !== "string" || field === "") throw invalid(path, "Field is required");
  const segments = field.split(".");
  if (segments.some((s) => s === "")) throw invalid(path, `Field "${field}" has an empty path segment`);
  if (segments.length === 1) {
    const key = segments[0]!;
    return (p) => (Object.hasOwn(p, key) ? p[key] : undefined);
  }
  // Only own properties count, so `constructor` or `__proto__` never reach the prototype.
  return (p) => {
    let current: unknown = p;
    for (const key of segments) {
      if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || (typeof value !== "object" && typeof value !== "function");
}

function equalsTo(expected: unknown): (x: unknown) => boolean {
  if (isPrimitive(expected)) return (x) => x === expected;
  return (x) => deepEqual(x, expected);
}

function memberOf(values: readonly unknown[]): (x: unknown) => boolean {
  const primitives = new Set(values.filter(isPrimitive));
  const structured = values.filter((v) => !isPrimitive(v));
  if (structured.length === 0) return (x) => primitives.has(x as never);
  return (x) => primitives.has(x as never) || structured.some((v) => deepEqual(x, v));
}

/** Structural equality of JSON-like values (arrays in order, objects by own keys). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bArr = b as unknown[];
    return a.length === bArr.length && a.every((item, i) => deepEqual(item, bArr[i]));
  }
  const aKeys = Object.keys(a);
  const bRec = b as Record<string, unknown>;
  if (aKeys.length !== Object.keys(bRec).length) return false;
  return aKeys.every((k) => Object.hasOwn(bRec, k) && deepEqual((a as Record<string, unknown>)[k], bRec[k]));
}

/**
 * Tenants write these patterns and every tenant's submissions run them, so they run on re2js, a
 * linear-time engine (RE2's automaton): no pattern can backtrack, whatever the input. A
 * heuristic guard in front of V8's backtracking engine missed `^a*a*…a*b$`-style patterns, which
 * took seconds on a 24-character string and stalled the event loop for everyone. The pattern is
 * written in JavaScript syntax and translated (`\u00e9`, named groups); lookaround and
 * backreferences have no linear-time form and are refused when the policy is written.
 */
function compilePattern(value: unknown, path: Path): { test(input: string): boolean; source: string } {
  if (typeof value !== "string" || value === "")
    throw invalid(path, '"matches" needs a non-empty regular expression');
  if (value.length > MAX_PATTERN_LENGTH)
    throw invalid(path, `Pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  try {
    const re = RE2JS.compile(RE2JS.translateRegExp(value));
    return { test: (input) => re.test(input), source: value };
  } catch (error) {
    throw invalid(path, `Invalid regular expression: ${(error as Error).message}`);
  }
}

/** Longest condition value shown in trace text; the condition itself tests the whole value. */
const TRACE_VALUE_CHARS = 200;

/** A condition value as trace text, cut so that a long `in` list does not bloat every stored trace. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= TRACE_VALUE_CHARS
    ? text
    : `${text.slice(0, TRACE_VALUE_CHARS)}… (${text.length} characters)`;
}

function invalid(path: Path, message: string): IntendedOpsError {
  const details: ValidationIssue[] = [{ path, message }];
  return new IntendedOpsError("VALIDATION_ERROR", `${path.join(".")}: ${message}`, details);
}
