import type { ValidationIssue } from "../errors";
import type { Catalog } from "./catalog";

/**
 * Declared intent types must be catalog types or `<known domain>.*` globs, so a typo fails when
 * it is written (an agent's declaration, an intention's types, an inbound endpoint's allow-list) instead of silently never matching.
 * `field` is the body field the types came from, for the issues' paths.
 * @example intentTypeIssues(catalog, ["billing.*", "billing.nope"], "intentTypes") // one issue, at ["intentTypes", 1]
 */
export function intentTypeIssues(
  catalog: Catalog,
  intentTypes: readonly string[],
  field: string,
): ValidationIssue[] {
  const domains = new Set(catalog.domains);
  const issues: ValidationIssue[] = [];
  intentTypes.forEach((type, i) => {
    const glob = type.endsWith(".*") ? type.slice(0, -2) : null;
    const known = glob === null ? catalog.has(type) : domains.has(glob);
    if (!known) issues.push({ path: [field, i], message: `Unknown intent type: ${type}` });
  });
  return issues;
}
