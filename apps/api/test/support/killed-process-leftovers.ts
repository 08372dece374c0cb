import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll } from "vitest";
import type { ServerProcess } from "./server-process";

/** What a test file that kills processes leaves behind; register each as it is made. */
export interface Leftovers {
  children: ChildProcess[];
  servers: ServerProcess[];
  receivers: { close(): Promise<void> }[];
  /** Drops a database the test created. */
  drops: (() => Promise<void>)[];
  dirs: string[];
}

/** Leftovers removed after the file's tests: processes killed, receivers closed, databases dropped, directories removed. */
export function removedAfterAll(): Leftovers {
  const left: Leftovers = { children: [], servers: [], receivers: [], drops: [], dirs: [] };
  afterAll(async () => {
    for (const child of left.children)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const server of left.servers) await server.stop("SIGKILL");
    for (const receiver of left.receivers) await receiver.close();
    for (const drop of left.drops) await drop().catch(() => {});
    for (const dir of left.dirs) rmSync(dir, { recursive: true, force: true });
  });
  return left;
}
