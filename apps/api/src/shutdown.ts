import type { Logger } from "pino";
import type { HttpServer } from "./http-server";
import type { JobRegistry } from "./jobs/job-registry";

/**
 * After the budget is spent on requests in flight, jobs and the database still get this long
 * to finish: cutting connections at the deadline must not also make a healthy database close
 * count as unfinished. It bounds stop() at `SHUTDOWN_TIMEOUT_MS` + this.
 */
export const CLOSE_GRACE_MS = 1000;

/** How long stop() waits for the last log lines to be written. */
const FLUSH_MS = 500;

/** What stop() reports. */
export interface ShutdownOutcome {
  /** Jobs stopped and the database closed in time (connections cut at the deadline do not count). */
  clean: boolean;
  /** What was still running (or failed) when stop() gave up: `job <name>`, `database`. */
  unfinished: string[];
}

export interface ShutdownParts {
  http: HttpServer;
  jobs: JobRegistry;
  store: { close(): Promise<void> };
  logger: Logger;
  timeoutMs: number;
  /** Milliseconds on a monotonic clock; `performance.now` unless a test passes its own. */
  now?: () => number;
}

type Settled = "finished" | "timed out" | { failed: unknown };

/** Waits for `work` until `deadline` (epoch ms) at the latest; the work itself goes on. */
async function settleBy(work: Promise<unknown>, deadline: number, now: () => number): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve("timed out"), Math.max(0, deadline - now()));
  });
  try {
    return await Promise.race([
      work.then(
        (): Settled => "finished",
        (error: unknown): Settled => ({ failed: error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stop the server within a bounded time: stop accepting, let requests in flight finish until
 * `timeoutMs`, cut the connections still open, then stop the jobs and close the database within
 * what is left of the budget (at least CLOSE_GRACE_MS). A database that stopped answering holds
 * its queries, and with them the pool's end and the jobs' runs, without limit; past the budget
 * this logs what did not finish and resolves anyway, reporting the shutdown as not clean.
 */
export async function shutDown(parts: ShutdownParts): Promise<ShutdownOutcome> {
  // A monotonic clock by default: a wall clock stepped back (NTP) mid-shutdown would stretch the budget.
  const { http, jobs, store, logger, timeoutMs, now = () => performance.now() } = parts;
  const deadline = now() + timeoutMs;
  logger.info("shutting down: no new connections, finishing in-flight requests");
  const { server } = http;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  http.drain();
  // close() waits for every open socket. A keep-alive socket whose response went out before
  // drain() would hold it until the client's next request, so idle sockets are closed as they free up.
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  const drained = await settleBy(closed, deadline, now);
  clearInterval(sweep);
  if (drained !== "finished") {
    logger.warn({ timeoutMs }, "shutdown timeout reached: cutting connections with requests in flight");
    server.closeAllConnections();
  }

  const cleanupBy = Math.max(deadline, now() + CLOSE_GRACE_MS);
  const unfinished: string[] = [];
  // The registry's stop() never rejects: a run's failure was reported when it happened.
  if ((await settleBy(jobs.stop(), cleanupBy, now)) !== "finished") {
    unfinished.push(...jobs.running().map((name) => `job ${name}`));
  }
  const storeClosed = await settleBy(store.close(), cleanupBy, now);
  if (storeClosed !== "finished") {
    unfinished.push("database");
    if (typeof storeClosed === "object")
      logger.error({ err: storeClosed.failed }, "closing the database failed");
  }
  if (unfinished.length > 0) {
    logger.error(
      { unfinished, timeoutMs },
      "shutdown did not finish within SHUTDOWN_TIMEOUT_MS; stopping anyway",
    );
  }
  logger.info("stopped");
  // The destination is asynchronous: let the last lines reach stdout before the process exits.
  await settleBy(new Promise<void>((resolve) => logger.flush(() => resolve())), now() + FLUSH_MS, now);
  return { clean: unfinished.length === 0, unfinished };
}
