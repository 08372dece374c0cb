import { camelCase, type DomainDefinition, type IntentTypeDefinition } from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/** One row of a README's intent-type table, as the README prints it. */
export interface ReadmeRow {
  method: string;
  description: string;
  /** The guide's Typical Value as a value category, "–" for none. */
  typicalValue: string;
  intentClass: string;
  defaultRisk: string;
  /** Params fields in table order, each with whether the README marks it required (bold). */
  params: { name: string; required: boolean }[];
}

const unquote = (cell: string) => cell.replace(/`/g, "");

/**
 * The rows of a README's intent-type table (`| \`billing.send_invoice\` | \`sendInvoice\` | …`),
 * keyed by type name.
 */
export function readmeRows(domainName: string, readme: string): Map<string, ReadmeRow> {
  const rows = new Map<string, ReadmeRow>();
  for (const line of readme.split("\n")) {
    if (!line.startsWith(`| \`${domainName}.`)) continue;
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
    const [name = "", method = "", description = "", typicalValue = "", intentClass = "", risk = ""] = cells;
    rows.set(unquote(name), {
      method: unquote(method),
      description,
      typicalValue,
      intentClass,
      defaultRisk: risk,
      params: [...(cells[6] ?? "").matchAll(/(\*\*)?`([A-Za-z0-9_]+)`(\*\*)?/g)].map((m) => ({
        name: m[2] ?? "",
        required: m[1] === "**" && m[3] === "**",
      })),
    });
  }
  return rows;
}

/** The row a README owes an intent type: every params field in schema order, required ones bold. */
export function expectedReadmeRow(action: string, type: IntentTypeDefinition): ReadmeRow {
  const json = z.toJSONSchema(type.params, { io: "input" }) as {
    properties: Record<string, unknown>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return {
    method: camelCase(action),
    description: type.description,
    typicalValue: type.valueCategory ?? "–",
    intentClass: type.intentClass,
    defaultRisk: type.defaultRisk,
    params: Object.keys(json.properties).map((name) => ({ name, required: required.has(name) })),
  };
}

/**
 * Holds a domain package's README intent-type table to the domain: one row per type with its
 * method name, description, Typical Value, intent class, default risk and params (required in bold).
 * @example describeReadmeConformance(billingDomain, readFileSync(new URL("../README.md", import.meta.url), "utf8"));
 */
export function describeReadmeConformance(domain: DomainDefinition, readme: string): void {
  const rows = readmeRows(domain.name, readme);
  const types = Object.entries(domain.types);

  describe(`${domain.name} README`, () => {
    it("lists every intent type of the domain once in its table", () => {
      expect([...rows.keys()].sort()).toEqual(types.map(([, type]) => type.name).sort());
    });

    it.each(types.map(([action, type]) => [type.name, action, type] as const))(
      "describes %s as the domain declares it",
      (name, action, type) => {
        expect(rows.get(name)).toEqual(expectedReadmeRow(action, type));
      },
    );
  });
}
