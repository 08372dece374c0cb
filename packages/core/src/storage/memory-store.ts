import { IntendedOpsError } from "../errors";
import { createMemoryRepos, createMemoryState } from "./memory-repos";
import { Journal } from "./memory-tables";
import { copyRow } from "./row-copy";
import type { OutboxEvent, StoragePort, StoreTx } from "./storage-port";

/** The in-memory store: the storage port plus a look at the outbox (the port has no outbox reader yet). */
export interface MemoryStore extends StoragePort {
  /** Outbox events of one tenant in enqueue order, or of every tenant (tenant by tenant). */
  outboxEvents(tenantId?: string): OutboxEvent[];
}

/**
 * Serializes async tasks: each starts after the previous one settled. One writer at a time
 * is what makes the undo log sufficient for atomicity and isolation.
 */
function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * A complete StoragePort in process memory: for embedding, tests and demos.
 * Transactions run one at a time and roll back through an undo log, so a throw leaves no trace.
 * Do not call `read` or `transaction` from inside a transaction: the queue would wait on itself.
 * @example const governor = createGovernor({ store: createMemoryStore(), catalog });
 */
export function createMemoryStore(): MemoryStore {
  const state = createMemoryState();
  const enqueue = createSerialQueue();
  let closed = false;

  async function run<T>(writable: boolean, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (closed) throw new IntendedOpsError("SERVICE_UNAVAILABLE", "The memory store is closed");
    return enqueue(async () => {
      const journal = new Journal(writable);
      try {
        const result = await fn(createMemoryRepos(state, journal));
        journal.commit();
        return result;
      } catch (error) {
        journal.rollback();
        throw error;
      }
    });
  }

  return {
    transaction: (fn) => run(true, fn),
    read: (fn) => run(false, fn),
    async ping() {
      return !closed;
    },
    async close() {
      closed = true;
    },
    outboxEvents(tenantId) {
      const rows = tenantId === undefined ? [...state.outbox.allRows()] : state.outbox.rows(tenantId);
      return rows.map(copyRow);
    },
  };
}
