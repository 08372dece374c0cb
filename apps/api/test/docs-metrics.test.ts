import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { IntendedOps_METRICS, METRIC_DEFINITIONS, metrics } from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { createTestApp } from "./support/test-app";

/**
 * The table of docs/metrics.md is what a user builds dashboards from: each row's constant, name,
 * type, labels and helpers must be those of `IntendedOps_METRICS`, `METRIC_DEFINITIONS` and the
 * `metrics` helpers, and `GET /metrics` must expose exactly those names with those types.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

interface MetricRow {
  constant: string;
  name: string;
  type: string;
  labels: string[];
  helpers: string[];
}

/** The rows of the table under "## The metrics". */
function documentedMetrics(): MetricRow[] {
  const text = readFileSync(join(ROOT, "docs/metrics.md"), "utf8");
  const section = /^## The metrics\n([\s\S]*?)(?=^## )/m.exec(text)?.[1] ?? "";
  return section
    .split("\n")
    .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
    .map((line) => {
      const [constant = "", name = "", type = "", labels = "", helpers = ""] = line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim());
      return {
        constant: constant.replaceAll("`", ""),
        name: name.replaceAll("`", ""),
        type,
        // "trustTier (the new tier)", "status (allow / require_approval / block)": the name only.
        labels: labels
          .replace(/\([^)]*\)/g, "")
          .split(",")
          .map((label) => label.trim())
          .filter(Boolean)
          .sort(),
        helpers: [...helpers.matchAll(/`([A-Za-z]+)\(/g)].map((match) => match[1]!),
      };
    });
}

describe("docs/metrics.md", () => {
  it("lists every metric with the constant, name, type, labels and helpers of the code", () => {
    const rows = documentedMetrics();
    expect(rows.map((row) => row.constant).sort()).toEqual(Object.keys(IntendedOps_METRICS).sort());
    for (const row of rows) {
      const name = IntendedOps_METRICS[row.constant as keyof typeof IntendedOps_METRICS];
      expect(row.name, row.constant).toBe(name);
      const definition = METRIC_DEFINITIONS[name];
      expect(row.type, name).toBe(definition.type);
      expect(row.labels, name).toEqual([...definition.labelNames].sort());
      expect(row.helpers.length, name).toBeGreaterThan(0);
      for (const helper of row.helpers) {
        expect(typeof (metrics as unknown as Record<string, unknown>)[helper], `${name}: ${helper}`).toBe(
          "function",
        );
      }
    }
  });

  it("names the metrics GET /metrics exposes, with their types", async () => {
    const t = await createTestApp("sqlite");
    try {
      const text = await (await t.request("GET", "/metrics", { key: null })).text();
      const exposed = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => `${name} ${type}`);
      expect(exposed.sort()).toEqual(
        documentedMetrics()
          .map((row) => `${row.name} ${row.type}`)
          .sort(),
      );
    } finally {
      await t.close();
    }
  });
});
