import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ERROR_STATUS } from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PING_EVENT, WEBHOOK_EVENTS } from "../src/webhooks/webhook-events";
import { createTestApp, type TestApp } from "./support/test-app";

/**
 * The reference parts of the documentation say what the server does: every `METHOD /path` written
 * in README.md or docs/*.md is an operation of `/openapi.json` (a renamed or removed route leaves no
 * stale example behind) and every operation is documented somewhere; the error table of
 * docs/api.md has every code with its status; the event table of docs/webhooks.md has every event
 * an endpoint can receive.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const DOCS = [
  join(ROOT, "README.md"),
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join(ROOT, "docs", name)),
];

const METHODS = "GET|HEAD|POST|PUT|PATCH|DELETE";
/** Paths of this server; other paths in the docs (a benchmark's echo server) are not its routes. */
const SERVED = /^\/(v1\/|health$|metrics$|openapi\.json$|\.well-known\/)/;

/** `/v1/agents/:id` and `/v1/agents/{id}` alike, as `/v1/agents/{}`. */
function normalize(path: string): string {
  return path.replace(/\/:[A-Za-z]+/g, "/{}").replace(/\{[A-Za-z]+\}/g, "{}");
}

/** Prose without fenced code blocks (their `# comments` and shell lines are not prose). */
function prose(text: string): string {
  return text.replace(/^\s*(`{3,}|~{3,})[\s\S]*?^\s*\1\s*$/gm, "");
}

/**
 * Every `METHOD /path` a document names — in prose, in a code span, or as a table row whose cells
 * hold the method and the path — as `METHOD normalized-path` variants: `/v1/policies[/:id]` names
 * both paths, and the mention is right when either exists.
 */
function documentedEndpoints(): { where: string; variants: string[] }[] {
  const found: { where: string; variants: string[] }[] = [];
  for (const file of DOCS) {
    const text = prose(readFileSync(file, "utf8")).replaceAll("`", "");
    const pattern = new RegExp(`\\b(${METHODS})\\s*(?:\\|\\s*)?(/[\\w\\-./:{}\\[\\]]*)`, "g");
    for (const [, rawMethod, rawPath] of text.matchAll(pattern)) {
      const method = rawMethod === "HEAD" ? "GET" : rawMethod!;
      const path = rawPath!.replace(/[.:]+$/, "");
      const optional = /^(.*)\[([^\]]+)\]$/.exec(path);
      const paths = optional ? [optional[1]!, optional[1]! + optional[2]!] : [path];
      if (!paths.every((p) => SERVED.test(p))) continue;
      found.push({
        where: `${file.slice(ROOT.length + 1)}: ${rawMethod} ${rawPath}`,
        variants: paths.map((p) => `${method} ${normalize(p)}`),
      });
    }
  }
  return found;
}

describe("endpoints in the documentation", () => {
  let t: TestApp;
  let operations: Set<string>;

  beforeAll(async () => {
    t = await createTestApp("sqlite");
    const document = (await (await t.request("GET", "/openapi.json", { key: null })).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = new Set(
      Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((method) => new RegExp(`^(${METHODS})$`, "i").test(method))
          .map((method) => `${method.toUpperCase()} ${normalize(path)}`),
      ),
    );
  });

  afterAll(async () => {
    await t.close();
  });

  it("finds the endpoints it compares", () => {
    expect(operations.size).toBeGreaterThan(40);
    expect(documentedEndpoints().length).toBeGreaterThan(40);
  });

  it("names only endpoints the server serves", () => {
    const stale = documentedEndpoints()
      .filter(({ variants }) => !variants.some((v) => operations.has(v)))
      .map(({ where }) => where);
    expect(stale).toEqual([]);
  });

  it("documents every endpoint the server serves", () => {
    const documented = new Set(documentedEndpoints().flatMap(({ variants }) => variants));
    expect([...operations].filter((operation) => !documented.has(operation))).toEqual([]);
  });
});

/** The first cell (in backticks) and the second cell of each row of a table under `heading`. */
function tableRows(file: string, heading: string): [string, string][] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const start = text.indexOf(`\n${heading}\n`);
  expect(start, `${file} has the heading ${heading}`).toBeGreaterThanOrEqual(0);
  const section = text.slice(start + heading.length + 2).split(/\n#{1,6} /)[0]!;
  return section
    .split("\n")
    .filter((line) => /^\| `[^`]+` \|/.test(line))
    .map((line) => {
      const [first = "", second = ""] = line
        .split("|")
        .slice(1, 3)
        .map((cell) => cell.trim());
      return [first.replaceAll("`", ""), second];
    });
}

describe("error codes in docs/api.md", () => {
  it("lists every error code with the status the server answers it with", () => {
    const rows = tableRows("docs/api.md", "## Errors");
    expect([...new Set(rows.map(([code]) => code))].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    for (const [code, status] of rows) {
      // The row of Node's parser refusals lists several statuses (400, 408, 413, 431): its own table.
      if (status.includes(",")) continue;
      expect(Number(status), code).toBe(ERROR_STATUS[code as keyof typeof ERROR_STATUS]);
    }
  });
});

describe("webhook events in docs/webhooks.md", () => {
  it("lists every event an endpoint can receive", () => {
    const events = tableRows("docs/webhooks.md", "## Events").map(([event]) => event);
    expect(events.sort()).toEqual([...WEBHOOK_EVENTS, PING_EVENT].sort());
  });
});
