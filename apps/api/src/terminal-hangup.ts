import { closeSync } from "node:fs";
import { isatty } from "node:tty";
import type { DestinationStream } from "pino";

/** What a hung-up terminal breaks of pino's destination (a SonicBoom). */
type LogDestination = DestinationStream & {
  on(event: "error", listener: (error: NodeJS.ErrnoException) => void): unknown;
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
  end(): void;
};

/**
 * When `fd` is a terminal, drop log lines once it has hung up (the ssh session dropped, the window
 * closed: SIGHUP). Every write then fails with EIO: pino threw the first one as an uncaught error
 * and its flush at exit retried the write forever, so the process never exited and held the
 * database. From the first EIO on, lines are dropped, as pino drops them when the reader of a pipe
 * is gone (EPIPE). Output that is not a terminal is left alone: there, EIO is a failing disk.
 */
export function dropLinesAfterHangup(destination: LogDestination, fd: number): void {
  if (!isatty(fd)) return;
  destination.on("error", (error) => {
    if (error.code !== "EIO") throw error;
    destination.write = () => true;
    destination.flush = (callback) => callback?.();
    destination.flushSync = () => {};
    destination.end = () => {};
  });
}

/**
 * Node restores a terminal's settings at exit and, when the terminal hung up, aborts (Node 20:
 * "Assertion failed" in ResetStdio, SIGABRT after a clean shutdown). It skips a descriptor the
 * program closed, so the returned function, called right before exiting, closes the standard
 * descriptors that were a terminal when this ran and are none any more.
 * @example const releaseTerminal = watchTerminals(); … releaseTerminal(); process.exit(0);
 */
export function watchTerminals(): () => void {
  const terminals = [0, 1, 2].filter((fd) => isatty(fd));
  return () => {
    for (const fd of terminals) if (!isatty(fd)) closeSync(fd);
  };
}
