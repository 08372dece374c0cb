import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "./services";

/** Everything readable from a non-blocking fd right now. */
function drain(fd: number): string {
  const chunk = Buffer.alloc(1 << 16);
  let text = "";
  for (;;) {
    try {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return text;
      text += chunk.toString("utf8", 0, n);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") return text;
      throw error;
    }
  }
}

describe("createLogger when stdout stops taking lines", () => {
  let dir: string;
  let fifo: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "intendedops-log-"));
    fifo = join(dir, "stdout");
    execFileSync("mkfifo", [fifo]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("holds at most maxBufferBytes, drops the rest and reports how many once lines flow again", async () => {
    // A pipe with a reader that does not read yet: the kernel takes 64 KiB, then writes wait.
    const reader = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const writer = openSync(fifo, "w");
    try {
      const logger = createLogger("info", { fd: writer, maxBufferBytes: 256 * 1024, reportEveryMs: 20 });
      const padding = "x".repeat(1000);
      const lines = 2000; // about 2 MB, 8 × the bound
      for (let i = 0; i < lines; i++) logger.info({ i, padding }, "request");
      let received = "";
      await vi.waitFor(
        () => {
          received += drain(reader);
          expect(received).toContain("log lines dropped");
        },
        { timeout: 5000, interval: 10 },
      );
      // Let the destination write out what it holds before the pipe closes under it.
      let flushed = false;
      logger.flush(() => {
        flushed = true;
      });
      await vi.waitFor(
        () => {
          received += drain(reader);
          expect(flushed).toBe(true);
        },
        { timeout: 5000, interval: 10 },
      );
      received += drain(reader);
      const entries = received
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const report = entries.find((e) => String(e.msg).startsWith("log lines dropped"));
      const kept = entries.filter((e) => e.msg === "request").length;
      expect(kept).toBeLessThan(lines);
      expect(report).toMatchObject({ level: 40 });
      expect((report?.droppedLinesTotal as number) + kept).toBeGreaterThanOrEqual(lines);
    } finally {
      closeSync(writer);
      closeSync(reader);
    }
  });
});
