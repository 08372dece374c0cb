/** A precompiled string test. */
export type StringTest = (value: string) => boolean;

const STAR = 42; // "*"

/**
 * Compile a glob (`*` matches any run of characters, nothing else is special) into the cheapest test:
 * equality, prefix, suffix, or a linear scan for the literal parts between stars.
 * @example compileGlob("billing.*")("billing.send_invoice") // true
 */
export function compileGlob(pattern: string): StringTest {
  const first = pattern.indexOf("*");
  if (first === -1) return (value) => value === pattern;
  if (pattern === "*") return () => true;
  const last = pattern.lastIndexOf("*");
  if (first === last && last === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (value) => value.startsWith(prefix);
  }
  if (first === last && first === 0) {
    const suffix = pattern.slice(1);
    return (value) => value.endsWith(suffix);
  }
  return segmentTest(pattern.split("*"));
}

/**
 * A glob with stars inside, matched without a regular expression. A pattern like
 * `billing.***************x*y` compiled to `^billing\..*.*…x.*y$` backtracks exponentially in V8
 * (seconds per intent, on the one event loop every tenant shares); placing each literal part at its
 * leftmost occurrence after the previous one is linear and decides the same thing, because a star
 * matches any run of characters.
 */
function segmentTest(parts: readonly string[]): StringTest {
  const prefix = parts[0]!;
  const suffix = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((part) => part !== "");
  const fixed = prefix.length + suffix.length;
  return (value) => {
    if (value.length < fixed || !value.startsWith(prefix) || !value.endsWith(suffix)) return false;
    const end = value.length - suffix.length;
    let from = prefix.length;
    for (const part of middle) {
      const at = value.indexOf(part, from);
      if (at === -1 || at + part.length > end) return false;
      from = at + part.length;
    }
    return true;
  };
}

/** A test that passes when any of the globs matches. */
export function compileGlobList(patterns: readonly string[]): StringTest {
  if (patterns.includes("*")) return () => true;
  const exact = patterns.filter((p) => !p.includes("*"));
  const tests = patterns.filter((p) => p.includes("*")).map(compileGlob);
  if (tests.length === 0) {
    if (exact.length === 1) {
      const only = exact[0]!;
      return (value) => value === only;
    }
    const set = new Set(exact);
    return (value) => set.has(value);
  }
  const set = new Set(exact);
  return (value) => {
    if (set.has(value)) return true;
    for (const test of tests) if (test(value)) return true;
    return false;
  };
}

/**
 * Match a glob without compiling it (no allocation), for patterns seen once per call such as an
 * agent's declared intent types. Classic two-pointer wildcard matching with single backtrack point.
 */
export function matchesGlob(pattern: string, value: string): boolean {
  if (pattern.indexOf("*") === -1) return pattern === value;
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern.charCodeAt(p) === STAR) {
      starP = p++;
      starV = v;
    } else if (p < pattern.length && pattern.charCodeAt(p) === value.charCodeAt(v)) {
      p++;
      v++;
    } else if (starP !== -1) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}

/** The literal domain a type glob is confined to (`billing.*` → `billing`), or null when it spans domains. */
export function globDomain(pattern: string): string | null {
  const dot = pattern.indexOf(".");
  if (dot <= 0) return null;
  const domain = pattern.slice(0, dot);
  return domain.includes("*") ? null : domain;
}
