import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * What an embedding user installs is the packed tarball, not the workspace: `files`, the
 * `publishConfig` exports, the `workspace:` and `catalog:` versions pnpm rewrites, and the built
 * `dist/` with its `.d.ts`. Every other test resolves the packages to their TypeScript sources, so
 * only this one sees what npm would ship.
 *
 * Each publishable package is packed with pnpm and unpacked into a consumer folder outside the
 * workspace. Its third-party dependencies are linked from the workspace's install, and only the
 * ones its packed manifest declares, so a `dist/` that imports an undeclared package fails here as
 * it would for a user. Needs the packages built (`pnpm test` builds them first, through turbo).
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PACKAGES = join(ROOT, "packages");
const ROOT_MANIFEST = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  packageManager: string;
};
const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const;

interface Manifest {
  name: string;
  private?: boolean;
  engines?: { node?: string };
  exports: Record<string, Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

interface Packed {
  /** Folder under packages/. */
  folder: string;
  /** The manifest as packed (what npm would publish). */
  manifest: Manifest;
  /** Files in the tarball, without the leading `package/`. */
  files: string[];
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;

const publishable = readdirSync(PACKAGES).filter((folder) => {
  const manifest = join(PACKAGES, folder, "package.json");
  return existsSync(manifest) && readManifest(join(PACKAGES, folder)).private !== true;
});

/** pnpm as `pnpm test` runs it (npx in CI), else the pinned version through npx. */
function pnpm(): [string, string[]] {
  const execPath = process.env.npm_execpath ?? "";
  if (/pnpm/.test(execPath)) return [process.execPath, [execPath]];
  return ["npx", ["-y", ROOT_MANIFEST.packageManager]];
}

let consumer = "";
const packed = new Map<string, Packed>();

async function pack(folder: string, destination: string): Promise<Packed> {
  const dir = join(PACKAGES, folder);
  if (!existsSync(join(dir, "dist")))
    throw new Error(`packages/${folder}/dist is missing: run pnpm build first`);
  const [command, prefix] = pnpm();
  const out = join(destination, folder);
  mkdirSync(out);
  await run(command, [...prefix, "pack", "--pack-destination", out], { cwd: dir });
  const tarball = join(out, readdirSync(out).find((f) => f.endsWith(".tgz")) ?? "");
  const { stdout } = await run("tar", ["-tzf", tarball]);
  const manifest = readManifest(dir);
  const target = join(consumer, "node_modules", ...manifest.name.split("/"));
  mkdirSync(target, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  return {
    folder,
    manifest: readManifest(target),
    files: stdout
      .split("\n")
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, "")),
  };
}

/** Links a third-party dependency the way the workspace installed it for that package. */
function linkDependency(name: string, fromFolder: string, linked: Map<string, string>): void {
  const source = realpathSync(join(PACKAGES, fromFolder, "node_modules", ...name.split("/")));
  const already = linked.get(name);
  if (already !== undefined) {
    // Two packages asking for different installs of one dependency would need nesting, which
    // this harness does not do; the catalog keeps them at one version.
    expect(already, `${name} is installed twice in the workspace`).toBe(source);
    return;
  }
  const target = join(consumer, "node_modules", ...name.split("/"));
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(source, target, "dir");
  linked.set(name, source);
}

/** Runs a script with the consumer folder as working directory, with no export conditions set. */
async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, {
    cwd: consumer,
    env: { PATH: process.env.PATH ?? "" },
  });
  return stdout;
}

/** The first fenced TypeScript block of a markdown file. */
function firstTypeScriptBlock(file: string): string {
  const block = /```ts\n([\s\S]*?)```/.exec(readFileSync(file, "utf8"))?.[1];
  if (block === undefined) throw new Error(`${file} has no ts block`);
  return block;
}

/**
 * Writes the first TypeScript example of each of `folders`' READMEs to `<consumer>/<name>/` and a
 * project for them, compiled as a strict Node user's code would be; returns the project file.
 */
function readmeProject(name: string, folders: readonly string[], options: Record<string, unknown>): string {
  const src = join(consumer, name);
  mkdirSync(src);
  for (const folder of folders) {
    writeFileSync(join(src, `${folder}.ts`), firstTypeScriptBlock(join(PACKAGES, folder, "README.md")));
  }
  const project = `tsconfig.${name}.json`;
  writeFileSync(
    join(consumer, project),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        strict: true,
        types: ["node"],
        ...options,
      },
      include: [`${name}/*.ts`],
    }),
  );
  return project;
}

async function tsc(project: string): Promise<string> {
  try {
    await run(process.execPath, [TSC, "-p", project], { cwd: consumer });
    return "";
  } catch (error) {
    return (error as { stdout?: string }).stdout ?? String(error);
  }
}

beforeAll(async () => {
  consumer = mkdtempSync(join(tmpdir(), "intendedops-packed-"));
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  const tarballs = join(consumer, "tarballs");
  mkdirSync(tarballs);
  for (const result of await Promise.all(publishable.map((folder) => pack(folder, tarballs)))) {
    packed.set(result.manifest.name, result);
  }
  const linked = new Map<string, string>();
  for (const { folder, manifest } of packed.values()) {
    for (const field of DEPENDENCY_FIELDS) {
      for (const name of Object.keys(manifest[field] ?? {})) {
        if (!packed.has(name)) linkDependency(name, folder, linked);
      }
    }
  }
  // What a TypeScript user of the examples has besides our packages.
  linkDependency("@types/node", "core", linked);
}, 180_000);

afterAll(() => {
  if (consumer !== "") rmSync(consumer, { recursive: true, force: true });
});

describe("packed packages", () => {
  it("packs every publishable package", () => {
    expect([...packed.keys()].sort()).toEqual(
      expect.arrayContaining(["@intendedops/core", "@intendedops/storage", "@intendedops/client"]),
    );
    expect(packed.size).toBe(publishable.length);
    // The seven domains.
    expect([...packed.keys()].filter((name) => name.endsWith("-agent"))).toHaveLength(7);
  });

  it("ships a manifest npm can install: no workspace-only versions, conditions or files", () => {
    for (const { manifest, files } of packed.values()) {
      for (const field of DEPENDENCY_FIELDS) {
        expect(JSON.stringify(manifest[field] ?? {}), manifest.name).not.toMatch(/"(workspace|catalog):/);
      }
      // The source condition is for the workspace only: a published one would point at src/,
      // which the tarball does not have.
      expect(JSON.stringify(manifest.exports), manifest.name).not.toContain("@intendedops/source");
      expect(manifest.engines?.node, manifest.name).toBe(">=20");
      for (const required of ["LICENSE", "README.md", "package.json"])
        expect(files, manifest.name).toContain(required);
      expect(
        files.filter((f) => f.startsWith("src/") || f.endsWith(".test.js")),
        manifest.name,
      ).toEqual([]);
      for (const [subpath, conditions] of Object.entries(manifest.exports)) {
        for (const target of Object.values(conditions)) {
          expect(files, `${manifest.name} ${subpath}`).toContain(target.replace(/^\.\//, ""));
        }
      }
    }
  });

  it("loads every entry point with only its declared dependencies, by import and by require", async () => {
    const specifiers = [...packed.values()].flatMap(({ manifest }) =>
      Object.keys(manifest.exports).map((subpath) => manifest.name + subpath.slice(1)),
    );
    const esm = `for (const s of ${JSON.stringify(specifiers)}) { const m = await import(s); if (Object.keys(m).length === 0) throw new Error(s + " exports nothing"); } console.log("ok");`;
    expect(await node(["--input-type=module", "-e", esm])).toBe("ok\n");
    // Node ≥ 20.19 loads ES modules through require(), as the READMEs promise CommonJS users.
    const cjs = `for (const s of ${JSON.stringify(specifiers)}) { if (Object.keys(require(s)).length === 0) throw new Error(s); } console.log("ok");`;
    expect(await node(["--no-warnings", "-e", cjs])).toBe("ok\n");
  });

  it("type-checks every package README's example against the packed types", async () => {
    // Examples call the reader's own systems (myBillingSystem, crm, …): those names are declared
    // `any` in a second pass, and everything else must type-check as written.
    const project = readmeProject(
      "readme",
      [...packed.values()].map(({ folder }) => folder),
      { noEmit: true, lib: ["ES2022", "DOM"] },
    );
    const first = await tsc(project);
    const unknown = new Map<string, Set<string>>();
    for (const [, file, name] of first.matchAll(
      /readme\/([\w-]+)\.ts\(\d+,\d+\): error TS2304: Cannot find name '(\w+)'/g,
    )) {
      unknown.set(file!, (unknown.get(file!) ?? new Set()).add(name!));
    }
    for (const [file, names] of unknown) {
      const path = join(consumer, "readme", `${file}.ts`);
      const declarations = [...names].map((n) => `declare const ${n}: any;`).join("\n");
      writeFileSync(path, `${readFileSync(path, "utf8")}\n${declarations}\n`);
    }
    expect(await tsc(project)).toBe("");
  }, 60_000);

  it("runs the core and storage README examples from the packed build", async () => {
    const project = readmeProject("run", ["core", "storage"], { outDir: "run-out" });
    expect(await tsc(project)).toBe("");
    // The core example: an allowed lookup prints its intent id and the handler's result.
    expect(await node(["run-out/core.js"])).toMatch(/^int_[0-9A-Z]{26} shipped\n$/);
    // The storage example: a SQLite file under ./data (not the server's), migrated on open; a
    // second run reads the agent the first one registered.
    expect(await node(["run-out/storage.js"])).toBe("billing-agent T0\n");
    expect(existsSync(join(consumer, "data", "example.db"))).toBe(true);
    expect(await node(["run-out/storage.js"])).toBe("billing-agent T0\n");
  }, 60_000);
});
