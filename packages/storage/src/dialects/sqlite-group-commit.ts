import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "../database";
import { BatchMemo } from "./batch-memo";
import type { SqlRunner, TransactionHooks, TransactionRunner } from "./dialect-adapter";

const BEGIN_IMMEDIATE = CompiledQuery.raw("begin immediate");
const COMMIT = "commit";
const ROLLBACK = "rollback";
const SAVEPOINT = 'savepoint "group_member"';
const RELEASE = 'release "group_member"';
const ROLLBACK_TO = 'rollback to "group_member"';

export interface GroupCommitOptions {
  /** Most transactions one COMMIT covers. */
  maxBatch: number;
  /** A batch takes no further transaction once it has been open this long (ms). */
  maxBatchMs: number;
  /** True while the connection is inside a transaction (SQLite ends one by itself on some errors). */
  inTransaction(): boolean;
  /** Milliseconds from an arbitrary origin, for the batch's time bound. */
  now?: () => number;
  /** Runs prepared SQL on the connection the batch holds. */
  sql?: SqlRunner;
}

interface Member {
  fn: (db: Kysely<Database>, hooks: TransactionHooks) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** How one member of a batch ended; settled only once the batch's fate is known. */
type Settlement =
  | { member: Member; ok: true; value: unknown }
  | { member: Member; ok: false; error: unknown };

/**
 * Group commit for the single SQLite connection: transactions that wait for the connection run
 * one after another inside ONE `BEGIN IMMEDIATE … COMMIT`, each inside its own SAVEPOINT. A member
 * whose fn throws is rolled back to its savepoint, so only its own writes vanish and its error
 * reaches its caller unchanged; every member settles only after the shared COMMIT (or ROLLBACK),
 * so a resolved transaction is durable as before, and if COMMIT fails every member rejects.
 * Members run strictly in sequence, so each sees exactly what a serial transaction would: the
 * writes of those before it. One COMMIT (the costliest statement of a small transaction) is
 * then paid per batch instead of per transaction.
 *
 * A batch starts on `setImmediate`, after the event loop has handed out the I/O it had ready, so
 * the requests that arrived together commit together; a lone transaction waits no timer.
 */
export function createGroupCommit(db: Kysely<Database>, options: GroupCommitOptions): TransactionRunner {
  const now = options.now ?? (() => performance.now());
  const queue: Member[] = [];
  let scheduled = false;
  let running = false;

  const schedule = () => {
    if (scheduled || running || queue.length === 0) return;
    scheduled = true;
    setImmediate(runBatch);
  };

  async function runBatch(): Promise<void> {
    scheduled = false;
    running = true;
    // Those waiting now share the outcome of BEGIN; later arrivals get a BEGIN of their own.
    const waiting = Math.min(queue.length, options.maxBatch);
    let settlements: Settlement[] = [];
    try {
      settlements = await db.connection().execute(runOn);
    } catch (error) {
      // The connection or BEGIN failed (e.g. another process held the write lock too long).
      settlements = queue.splice(0, waiting).map((member) => ({ member, ok: false, error }));
    } finally {
      running = false;
    }
    for (const settlement of settlements) {
      if (settlement.ok) settlement.member.resolve(settlement.value);
      else settlement.member.reject(settlement.error);
    }
    schedule();
  }

  async function runOn(connection: Kysely<Database>): Promise<Settlement[]> {
    // BEGIN goes through the driver, which waits out another process's write lock; the statements
    // inside the transaction take the direct path when there is one.
    await connection.executeQuery(BEGIN_IMMEDIATE);
    const control = async (sql: string): Promise<void> => {
      if (options.sql) await options.sql.changes(sql, []);
      else await connection.executeQuery(CompiledQuery.raw(sql));
    };
    const started = now();
    const settlements: Settlement[] = [];
    let sealed = false;
    // The batch holds the write lock from BEGIN to COMMIT: its members may share what they read.
    const memo = new BatchMemo();
    const handle = connection.withPlugin(memo.plugin);
    const hooks: TransactionHooks = {
      ...(options.sql ? { sql: options.sql } : {}),
      sealBatch: () => {
        sealed = true;
      },
      memo,
    };
    while (!sealed && queue.length > 0 && settlements.length < options.maxBatch) {
      if (settlements.length > 0 && now() - started >= options.maxBatchMs) break;
      const member = queue.shift() as Member;
      try {
        await control(SAVEPOINT);
      } catch (error) {
        settlements.push({ member, ok: false, error });
        return abandon(control, settlements, error);
      }
      try {
        const value = await member.fn(handle, hooks);
        await control(RELEASE);
        settlements.push({ member, ok: true, value });
      } catch (error) {
        settlements.push({ member, ok: false, error });
        // What the member wrote is undone, and with it whatever it left in the memo.
        memo.clear();
        if (!(await rollbackMember(control))) return abandon(control, settlements, error);
      }
    }
    try {
      await control(COMMIT);
    } catch (error) {
      return abandon(control, settlements, error);
    }
    return settlements;
  }

  /** Rolls the whole batch back (unless SQLite already did): nothing of it committed. */
  async function abandon(
    control: (sql: string) => Promise<void>,
    settlements: Settlement[],
    error: unknown,
  ): Promise<Settlement[]> {
    try {
      if (options.inTransaction()) await control(ROLLBACK);
    } catch {
      // The members already carry the error that ended the batch; a failed ROLLBACK adds nothing.
    }
    return failAll(settlements, error);
  }

  /** Undoes the last member's writes; false when SQLite had already ended the whole transaction. */
  async function rollbackMember(control: (sql: string) => Promise<void>): Promise<boolean> {
    if (!options.inTransaction()) return false;
    try {
      await control(ROLLBACK_TO);
      await control(RELEASE);
      return true;
    } catch {
      return false;
    }
  }

  return <T>(fn: (db: Kysely<Database>, hooks: TransactionHooks) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      schedule();
    });
}

/**
 * Nothing of the batch committed: members that failed keep their own error, the others get the
 * error that ended the batch.
 */
function failAll(settlements: Settlement[], error: unknown): Settlement[] {
  return settlements.map((s) => (s.ok ? { member: s.member, ok: false, error } : s));
}
