import { z } from "zod";
import { validationError } from "../errors";

/**
 * Compiled schema checks: a specialised JavaScript function per zod schema (each intent type's
 * params, each request body), generated from the schema, for the common case of input the schema
 * accepts.
 *
 * Why: zod runs every schema through the same few shared functions. A server that validates 75
 * intent types in turn keeps handing those functions objects of other shapes, so their property
 * lookups go the slow, generic way: the params check cost 20–40 µs per submission in the server
 * against under 2 µs in a loop (docs/benchmarks.md, "floors under the API"). Code generated per
 * schema sees one shape each.
 *
 * The contract is narrow on purpose: a compiled check returns exactly what `schema.safeParse`
 * would return as `data`, or {@link NOT_PROVEN} whenever it cannot vouch for the input (invalid
 * input, and unusual input such as a key present with the value `undefined`). The caller then runs
 * zod itself, so error details, messages and every edge case still come from zod. Parts of a schema
 * the compiler does not know (unions, transforms, URLs, `superRefine`, …) are handed to zod's own
 * `safeParse` for that part, so no schema has to be written for the compiler.
 */

/** What a compiled check returns when it cannot vouch for the input: run the zod schema instead. */
export const NOT_PROVEN: unique symbol = Symbol("not proven valid");

/** The schema's output for input it accepts; {@link NOT_PROVEN} otherwise. */
export type CompiledSchemaCheck = (input: unknown) => unknown;

/** Compiled checks by schema, built on first use. */
const compiledChecks = new WeakMap<z.ZodType, CompiledSchemaCheck>();

export interface ParseOptions {
  /** Prepended to every detail's path, e.g. `["params"]`. */
  pathPrefix?: (string | number)[];
  /** `false`: zod alone, no compiled check (default true). */
  compiled?: boolean;
}

/**
 * `schema.parse(input)`, through the schema's compiled check when it vouches for the input;
 * otherwise zod's answer, and on failure the guide's VALIDATION_ERROR.
 */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: ParseOptions = {},
): z.output<S> {
  const fast = options.compiled === false ? NOT_PROVEN : compiledCheckOf(schema)(input);
  if (fast !== NOT_PROVEN) return fast as z.output<S>;
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, options.pathPrefix);
  return parsed.data;
}

const unproven: CompiledSchemaCheck = () => NOT_PROVEN;

/**
 * The schema's compiled check, compiled on first use; one that never vouches where none could be.
 * Called at start-up (the catalog compiles its types when built) so requests do not pay for it.
 */
export function compiledCheckOf(schema: z.ZodType): CompiledSchemaCheck {
  let check = compiledChecks.get(schema);
  if (check === undefined) {
    check = compileSchemaCheck(schema) ?? unproven;
    compiledChecks.set(schema, check);
  }
  return check;
}

/** The slice of zod 4's documented introspection (`schema._zod.def`) the compiler reads. */
interface ZodNode {
  _zod: { def: NodeDef; traits: Set<string> };
  safeParse(input: unknown): { success: boolean; data?: unknown };
  options?: readonly unknown[];
}

interface NodeDef {
  type: string;
  keyType?: ZodNode;
  valueType?: ZodNode;
  checks?: readonly ZodCheck[];
  coerce?: boolean;
  shape?: Record<string, ZodNode>;
  catchall?: ZodNode;
  innerType?: ZodNode;
  element?: ZodNode;
  values?: readonly unknown[];
}

interface ZodCheck {
  _zod: { def: CheckDef; traits: Set<string> };
}

interface CheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: unknown;
  maximum?: unknown;
  length?: unknown;
  format?: string;
  pattern?: RegExp;
  tx?: (value: unknown) => unknown;
  fn?: (value: unknown) => unknown;
}

/** String formats whose zod check is exactly "the pattern matches" (others do more, e.g. `z.url()`). */
const PATTERN_ONLY_FORMATS = [
  "$ZodCheckRegex",
  "$ZodCheckLowerCase",
  "$ZodCheckUpperCase",
  "$ZodISODate",
  "$ZodISODateTime",
  "$ZodISOTime",
  "$ZodEmail",
  "$ZodUUID",
  "$ZodGUID",
];

/** Types that turn `undefined` into no value, in every zod 4 release: under `optional`, absent stays absent. */
const VALUELESS_WHEN_ABSENT = [
  "string",
  "number",
  "boolean",
  "enum",
  "literal",
  "object",
  "array",
  "record",
  "unknown",
  "any",
];

/** Thrown while emitting a node the compiler does not know; that node is then handed to zod. */
class Unsupported extends Error {}

/** Collects the generated source and the values it refers to (`k[i]`). */
class Emitter {
  readonly constants: unknown[] = [];
  readonly lines: string[] = [];
  private counter = 0;

  constant(value: unknown): string {
    this.constants.push(value);
    return `k[${this.constants.length - 1}]`;
  }

  fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  /** Emit `emit`'s code, or nothing when it throws {@link Unsupported}; says whether it emitted. */
  attempt(emit: () => void): boolean {
    const mark = this.lines.length;
    const constants = this.constants.length;
    try {
      emit();
      return true;
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      this.lines.length = mark;
      this.constants.length = constants;
      return false;
    }
  }
}

const FAIL = "return F;";

/**
 * Compile `schema` into a check that answers `schema.safeParse(input).data` for input it accepts
 * (most callers want {@link parseWithSchema}, which compiles once per schema and falls back to zod).
 * Returns undefined where generated code may not run (zod configured `jitless`, or a runtime that
 * forbids `new Function`); the caller then uses zod alone.
 */
export function compileSchemaCheck(schema: z.ZodType): CompiledSchemaCheck | undefined {
  if (z.config().jitless) return undefined;
  const emitter = new Emitter();
  emitNode(emitter, schema as unknown as ZodNode, "v0");
  const source = `"use strict";\nreturn function compiledParamsCheck(v0) {\n${emitter.lines.join("\n")}\nreturn v0;\n};`;
  try {
    return new Function("k", "F", source)(emitter.constants, NOT_PROVEN) as CompiledSchemaCheck;
  } catch {
    return undefined;
  }
}

/** Emit code that checks the value in variable `v` and leaves the schema's output in `v`. */
function emitNode(e: Emitter, node: ZodNode, v: string): void {
  if (e.attempt(() => emitKnownNode(e, node, v))) return;
  // A part the compiler does not know: zod checks it, and its output is the part's output.
  const result = e.fresh("r");
  e.lines.push(
    `{ const ${result} = ${e.constant(node)}.safeParse(${v}); if (!${result}.success) ${FAIL} ${v} = ${result}.data; }`,
  );
}

function emitKnownNode(e: Emitter, node: ZodNode, v: string): void {
  const def = node._zod.def;
  if (def.coerce) throw new Unsupported();
  switch (def.type) {
    case "string":
      e.lines.push(`if (typeof ${v} !== "string") ${FAIL}`);
      // A string format (z.email(), z.iso.date()) is its own first check.
      if (node._zod.traits.has("$ZodCheck")) emitCheck(e, node as unknown as ZodCheck, v);
      break;
    case "number":
      e.lines.push(`if (typeof ${v} !== "number" || !Number.isFinite(${v})) ${FAIL}`);
      break;
    case "boolean":
      e.lines.push(`if (typeof ${v} !== "boolean") ${FAIL}`);
      break;
    case "unknown":
    case "any":
      break;
    case "enum":
      e.lines.push(`if (!${e.constant(new Set(node.options))}.has(${v})) ${FAIL}`);
      break;
    case "literal":
      e.lines.push(`if (!${e.constant(new Set(def.values))}.has(${v})) ${FAIL}`);
      break;
    case "optional":
      e.lines.push(`if (${v} !== undefined) {`);
      emitNode(e, inner(def), v);
      e.lines.push("}");
      break;
    case "nullable":
      e.lines.push(`if (${v} !== null) {`);
      emitNode(e, inner(def), v);
      e.lines.push("}");
      break;
    case "default":
      // zod reads the default through a getter that copies arrays and objects, and does not parse it.
      e.lines.push(`if (${v} === undefined) { ${v} = ${e.constant(def)}.defaultValue; } else {`);
      emitNode(e, inner(def), v);
      e.lines.push("}");
      break;
    case "array":
      emitArray(e, def, v);
      break;
    case "object":
      emitObject(e, def, v);
      break;
    case "record":
      emitStringRecord(e, def, v);
      break;
    default:
      throw new Unsupported();
  }
  for (const check of def.checks ?? []) emitCheck(e, check, v);
}

function inner(def: NodeDef): ZodNode {
  if (!def.innerType) throw new Unsupported();
  return def.innerType;
}

function emitArray(e: Emitter, def: NodeDef, v: string): void {
  if (!def.element) throw new Unsupported();
  const out = e.fresh("a");
  const index = e.fresh("i");
  const item = e.fresh("e");
  e.lines.push(`if (!Array.isArray(${v})) ${FAIL}`);
  e.lines.push(`{ const ${out} = [];`);
  e.lines.push(`for (let ${index} = 0; ${index} < ${v}.length; ${index}++) { let ${item} = ${v}[${index}];`);
  emitNode(e, def.element, item);
  e.lines.push(`${out}.push(${item}); }`);
  e.lines.push(`${v} = ${out}; }`);
}

function emitObject(e: Emitter, def: NodeDef, v: string): void {
  const shape = def.shape;
  if (!shape) throw new Unsupported();
  const catchall = def.catchall?._zod.def.type;
  // Strict (catchall never) and strip (no catchall) only; a passthrough object keeps unknown keys.
  if (catchall !== undefined && catchall !== "never") throw new Unsupported();
  const keys = Object.keys(shape);
  const input = e.fresh("x");
  const out = e.fresh("o");
  e.lines.push(`if (typeof ${v} !== "object" || ${v} === null || Array.isArray(${v})) ${FAIL}`);
  e.lines.push(`{ const ${input} = ${v}; const ${out} = {};`);
  if (catchall === "never") {
    // zod walks keys with for…in, inherited ones included; any key outside the shape is an error.
    const cases = keys.map((key) => `case ${JSON.stringify(key)}:`).join(" ");
    const key = e.fresh("key");
    e.lines.push(
      `for (const ${key} in ${input}) { switch (${key}) { ${cases} continue; default: ${FAIL} } }`,
    );
  }
  for (const key of keys) emitProperty(e, shape[key] as ZodNode, input, out, key);
  e.lines.push(`${v} = ${out}; }`);
}

/**
 * `z.record(z.string(), z.unknown())`: a copy of the object's own keys. Anything that makes zod's
 * record do more (a prototype other than Object's, symbol keys, a `__proto__` key, checked keys or
 * values) is left to zod.
 */
function emitStringRecord(e: Emitter, def: NodeDef, v: string): void {
  const key = def.keyType?._zod;
  const value = def.valueType?._zod;
  const plainKey = key?.def.type === "string" && !key.traits.has("$ZodCheck") && !key.def.checks?.length;
  const anyValue = (value?.def.type === "unknown" || value?.def.type === "any") && !value.def.checks?.length;
  if (!plainKey || !anyValue) throw new Unsupported();
  const out = e.fresh("o");
  const name = e.fresh("key");
  e.lines.push(
    `if (typeof ${v} !== "object" || ${v} === null || Object.getPrototypeOf(${v}) !== Object.prototype) ${FAIL}`,
  );
  e.lines.push(`if (Object.getOwnPropertySymbols(${v}).length !== 0) ${FAIL}`);
  e.lines.push(`{ const ${out} = {};`);
  e.lines.push(
    `for (const ${name} of Object.keys(${v})) { if (${name} === "__proto__") ${FAIL} ${out}[${name}] = ${v}[${name}]; }`,
  );
  e.lines.push(`${v} = ${out}; }`);
}

/** One property, in shape order (zod's output keeps the shape's key order). */
function emitProperty(e: Emitter, field: ZodNode, input: string, out: string, key: string): void {
  const name = JSON.stringify(key);
  const value = e.fresh("p");
  e.lines.push(`{ let ${value} = ${input}[${name}];`);
  // A key present with the value undefined is rare (never in JSON) and zod's answer varies by type.
  e.lines.push(`if (${value} === undefined) { if (${name} in ${input}) ${FAIL}`);
  emitAbsent(e, field, out, name);
  e.lines.push("} else {");
  emitNode(e, presentForm(field), value);
  e.lines.push(`${out}[${name}] = ${value}; } }`);
}

/** For a value known to be present, `optional(T)` and `default(T)` (without checks of their own) are just T. */
function presentForm(field: ZodNode): ZodNode {
  const def = field._zod.def;
  const wrapper = def.type === "optional" || def.type === "default";
  return wrapper && def.innerType && (def.checks ?? []).length === 0 ? def.innerType : field;
}

/** A missing key: omitted when optional, filled when it has a default, an error otherwise. */
function emitAbsent(e: Emitter, field: ZodNode, out: string, name: string): void {
  const def = field._zod.def;
  if (def.type === "default") {
    e.lines.push(`${out}[${name}] = ${e.constant(def)}.defaultValue;`);
    return;
  }
  // `optional(T)` leaves an absent key out when T cannot make a value out of nothing. Where T
  // could (a default, a transform, a union holding either), zod versions differ on whether it
  // runs, so zod decides. A missing required key is an error: zod's to report.
  const inner = def.type === "optional" ? def.innerType?._zod.def.type : undefined;
  if (inner === undefined || !VALUELESS_WHEN_ABSENT.includes(inner)) e.lines.push(FAIL);
}

function emitCheck(e: Emitter, check: ZodCheck, v: string): void {
  const def = check._zod.def;
  const traits = check._zod.traits;
  switch (def.check) {
    case "overwrite":
      if (typeof def.tx !== "function") throw new Unsupported();
      e.lines.push(`${v} = ${e.constant(def.tx)}(${v});`);
      return;
    case "min_length":
      e.lines.push(`if (${v}.length < ${finite(def.minimum)}) ${FAIL}`);
      return;
    case "max_length":
      e.lines.push(`if (${v}.length > ${finite(def.maximum)}) ${FAIL}`);
      return;
    case "length_equals":
      e.lines.push(`if (${v}.length !== ${finite(def.length)}) ${FAIL}`);
      return;
    case "greater_than":
      e.lines.push(`if (!(${v} ${def.inclusive ? ">=" : ">"} ${finite(def.value)})) ${FAIL}`);
      return;
    case "less_than":
      e.lines.push(`if (!(${v} ${def.inclusive ? "<=" : "<"} ${finite(def.value)})) ${FAIL}`);
      return;
    case "number_format":
      if (def.format !== "safeint") throw new Unsupported();
      e.lines.push(`if (!Number.isSafeInteger(${v})) ${FAIL}`);
      return;
    case "string_format": {
      if (!(def.pattern instanceof RegExp) || !PATTERN_ONLY_FORMATS.some((t) => traits.has(t))) {
        throw new Unsupported();
      }
      const pattern = e.constant(def.pattern);
      e.lines.push(`${pattern}.lastIndex = 0; if (!${pattern}.test(${v})) ${FAIL}`);
      return;
    }
    case "custom": {
      // `.refine(fn)`: zod fails the value when fn answers falsy. `.superRefine` has no `fn`.
      if (!traits.has("$ZodCustom") || typeof def.fn !== "function") throw new Unsupported();
      const result = e.fresh("c");
      e.lines.push(
        `{ const ${result} = ${e.constant(def.fn)}(${v}); if (!${result} || ${result} instanceof Promise) ${FAIL} }`,
      );
      return;
    }
    default:
      throw new Unsupported();
  }
}

/** A bound as a source literal; anything but a finite number is not compiled. */
function finite(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Unsupported();
  return Object.is(value, -0) ? "0" : String(value);
}
