import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";

/**
 * Keeps the user documentation honest where a machine can tell: every relative link in README.md
 * and docs/*.md reaches a file that exists and, with `#anchor`, a heading of it (GitHub's anchor
 * rules), and the environment table of docs/configuration.md lists exactly the variables the
 * server reads, with defaults that mean what the server's own defaults mean.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const DOCS = [
  join(ROOT, "README.md"),
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => join(ROOT, "docs", name)),
];

/** The lines of a markdown file that are prose: fenced code blocks are left out, line numbers kept. */
function proseLines(text: string): { line: number; text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  for (const [index, line] of text.split("\n").entries()) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker !== undefined) {
      fence = marker;
      continue;
    }
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    lines.push({ line: index + 1, text: line });
  }
  return lines;
}

/** A heading's text as GitHub renders it: code spans keep their text, links, emphasis and HTML lose their markup. */
function renderedText(markdown: string): string {
  return markdown
    .split(/(`[^`]*`)/)
    .map((part, index) =>
      index % 2 === 1
        ? part.slice(1, -1)
        : part
            .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
            .replace(/(\*\*|__)(.+?)\1/g, "$2")
            .replace(/(^|[^\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])/g, "$1$2")
            .replace(/<[^>]+>/g, ""),
    )
    .join("")
    .trim();
}

/** GitHub's anchor for a heading (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
function githubSlug(heading: string): string {
  return renderedText(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a file offers: its headings' slugs (repeats get -1, -2, …) and explicit `<a id>`s. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(readFileSync(file, "utf8"))) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading !== undefined) {
      const slug = githubSlug(heading);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const match of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** The relative links of a file (inline and reference definitions), outside code blocks and code spans. */
function relativeLinks(file: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(readFileSync(file, "utf8"))) {
    const prose = text.replace(/`[^`]*`/g, "");
    const targets = [
      ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
      ...[...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((m) => m[1]!),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ file, line, target });
    }
  }
  return links;
}

/** Why a link does not resolve, or undefined when it does. */
function brokenLink(link: Link): string | undefined {
  const [path = "", anchor] = link.target.split("#", 2);
  const target = path === "" ? link.file : resolve(dirname(link.file), decodeURIComponent(path));
  if (!existsSync(target)) return `${relative(ROOT, target)} does not exist`;
  if (anchor === undefined || anchor === "") return undefined;
  if (statSync(target).isDirectory() || !target.endsWith(".md"))
    return `#${anchor} points into a non-markdown file`;
  if (!anchorsOf(target).has(decodeURIComponent(anchor))) {
    return `${relative(ROOT, target)} has no heading with the anchor #${anchor}`;
  }
  return undefined;
}

describe("githubSlug", () => {
  it("makes GitHub's anchors when headings hold punctuation, code spans and links", () => {
    expect(githubSlug("First start and bootstrap keys")).toBe("first-start-and-bootstrap-keys");
    expect(githubSlug("SQLite: `intendedops backup <path>`")).toBe("sqlite-intendedops-backup-path");
    expect(githubSlug("How params are checked: compiled checks, zod's answers")).toBe(
      "how-params-are-checked-compiled-checks-zods-answers",
    );
    expect(githubSlug("6 December 2026 (late night): fewer layers")).toBe(
      "6-december-2026-late-night-fewer-layers",
    );
    expect(githubSlug("The first admin key, and keeping it out of logs")).toBe(
      "the-first-admin-key-and-keeping-it-out-of-logs",
    );
    expect(githubSlug("Plugging in prom-client (or anything else)")).toBe(
      "plugging-in-prom-client-or-anything-else",
    );
    expect(githubSlug("Embedded or served: the same lifecycle")).toBe(
      "embedded-or-served-the-same-lifecycle",
    );
    expect(githubSlug("`MAX_POLICIES` and **bold** [a link](x.md)")).toBe("max_policies-and-bold-a-link");
  });
});

describe("documentation links", () => {
  it("finds the files and the links it checks", () => {
    expect(DOCS.map((file) => relative(ROOT, file))).toContain("docs/configuration.md");
    expect(relativeLinks(join(ROOT, "README.md")).length).toBeGreaterThan(5);
  });

  it("reports a link to a heading that does not exist (a broken anchor)", () => {
    const file = join(ROOT, "README.md");
    expect(brokenLink({ file, line: 1, target: "docs/configuration.md#the-cli" })).toBeUndefined();
    expect(brokenLink({ file, line: 1, target: "docs/configuration.md#no-such-heading" })).toMatch(
      /no heading/,
    );
    expect(brokenLink({ file, line: 1, target: "docs/no-such-page.md" })).toMatch(/does not exist/);
  });

  it("resolves every relative link and anchor in README.md and docs/*.md", () => {
    const broken = DOCS.flatMap(relativeLinks).flatMap((link) => {
      const why = brokenLink(link);
      return why === undefined ? [] : [`${relative(ROOT, link.file)}:${link.line} (${link.target}): ${why}`];
    });
    expect(broken).toEqual([]);
  });
});

/** The rows of the table under "## Environment" in docs/configuration.md: name and default as written. */
function documentedVariables(): { name: string; fallback: string }[] {
  const text = readFileSync(join(ROOT, "docs/configuration.md"), "utf8");
  const section = /^## Environment\n([\s\S]*?)(?=^## )/m.exec(text)?.[1] ?? "";
  return section
    .split("\n")
    .filter((line) => /^\| `[A-Z][A-Z0-9_]*` \|/.test(line))
    .map((line) => {
      const [, name = "", fallback = ""] = line.split("|").map((cell) => cell.trim());
      return { name: name.replaceAll("`", ""), fallback };
    });
}

/** The names loadConfig reads from the environment, seen through a recording proxy. */
function variablesTheServerReads(): string[] {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === "string") read.add(name);
      return undefined;
    },
  });
  loadConfig(env);
  return [...read].sort();
}

describe("docs/configuration.md environment table", () => {
  it("lists exactly the variables the server reads", () => {
    const documented = documentedVariables().map((v) => v.name);
    expect(documented.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual(variablesTheServerReads());
  });

  it("gives each default as a value that configures the server as leaving the variable unset does", () => {
    const unset = loadConfig({});
    for (const { name, fallback } of documentedVariables()) {
      if (fallback === "—") continue;
      const value = /^`([^`]*)`$/.exec(fallback)?.[1];
      expect(value, `${name}: default ${fallback} is not one value in backticks`).toBeDefined();
      expect(loadConfig({ [name]: value }), `${name}=${value}`).toEqual(unset);
    }
  });
});
