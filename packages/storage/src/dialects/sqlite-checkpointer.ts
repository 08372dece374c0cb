import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * The worker's whole program (CommonJS, evaluated): its own connection to the file runs passive
 * checkpoints on a timer until told to stop. Errors are ignored: a checkpoint that cannot run now
 * (another one in progress, a transient I/O error) simply runs on the next tick.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma("busy_timeout = 0");
db.pragma("synchronous = NORMAL");
const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {}
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Runs a last checkpoint and stops the worker. */
  stop(): Promise<void>;
}

/**
 * Copies the WAL back into the database file from a worker thread. SQLite's automatic checkpoint
 * runs inside the COMMIT that crosses the threshold — on the event loop, with an fsync of both
 * files — which stalled every request for milliseconds at a time under load. The worker's passive
 * checkpoints never block the writer; the automatic one stays on (at a higher threshold) as the
 * bound on the WAL's size should the worker fall behind.
 */
export function startCheckpointer(filename: string, intervalMs: number): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, filename, intervalMs } });
  // A worker that fails to start leaves checkpoints to SQLite's automatic one, as before.
  worker.on("error", () => {});
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    async stop() {
      // Referenced again so the process waits for the last checkpoint instead of exiting under it.
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}
