import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const API_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Send a signal and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** `dist` runs the built CLI (benchmarks); `source` runs TypeScript through tsx (tests, no build needed). */
  mode?: "source" | "dist";
  /** Discard stdout instead of keeping it (benchmarks: logging stays on, output goes nowhere). */
  discardStdout?: boolean;
  startTimeoutMs?: number;
  /** Extra Node flags (the benchmark's `--cpu-prof` passes `--cpu-prof --cpu-prof-dir=…`). */
  nodeFlags?: string[];
}

/**
 * The Node flags `pnpm start` runs the server with (root and apps/api package.json): a bounded old
 * generation makes V8 collect before the heap balloons under load (the live set is about 30 MB).
 */
export const SERVER_NODE_FLAGS = ["--max-old-space-size=128"];

/** The command line that runs the real `intendedops serve`. */
export function serveCommand(mode: "source" | "dist", nodeFlags: string[] = []): string[] {
  if (mode === "dist") {
    const cli = `${API_ROOT}dist/cli.js`;
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (pnpm build)`);
    return [process.execPath, ...SERVER_NODE_FLAGS, ...nodeFlags, cli, "serve"];
  }
  return [
    process.execPath,
    ...nodeFlags,
    "--import",
    "tsx",
    "--conditions=@intendedops/source",
    "src/cli.ts",
    "serve",
  ];
}

/** Start the real server process on a free port and wait until /health answers 200. */
export async function spawnServer(options: SpawnOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const [command, ...args] = serveCommand(options.mode ?? "source", options.nodeFlags);
  const child = spawn(command!, args, {
    cwd: API_ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...options.env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", options.discardStdout ? "ignore" : "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let running = true;
  exited.then(() => {
    running = false;
  });
  for (;;) {
    if (!running) throw new Error(`Server exited before answering.\nstdout: ${out}\nstderr: ${err}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Server did not answer /health in time.\nstdout: ${out}\nstderr: ${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(signal = "SIGTERM") {
      if (running) child.kill(signal);
      return exited;
    },
  };
}
