import type { StoragePort, StoreReadOptions, StoreTx } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database } from "./database";
import type {
  OpenDatabase,
  StoreDialect,
  TransactionHooks,
  TransactionRunner,
} from "./dialects/dialect-adapter";
import { POOLER_SYMPTOMS_BEFORE_UNNAMED } from "./dialects/postgres-named-statements";
import { kyselySqlRunner } from "./dialects/sql-runner";
import { migrateToLatest } from "./migrate";
import { createAgentRepo, prepareAgentSql } from "./repos/agent-repo";
import { type ApiKeyRepo, createApiKeyRepo } from "./repos/api-key-repo";
import { createApprovalRepo, prepareApprovalSql } from "./repos/approval-repo";
import { createAuditRepo, prepareAuditSql } from "./repos/audit-repo";
import { createIdempotencyRepo, prepareIdempotencySql } from "./repos/idempotency-repo";
import { createIntentRepo, prepareIntentSql } from "./repos/intent-repo";
import { createIntentionRepo, prepareIntentionSql } from "./repos/intention-repo";
import { createOutboxRepo, prepareOutboxSql } from "./repos/outbox-repo";
import { createPolicyRepo } from "./repos/policy-repo";
import { RevisionsReadWithAgent } from "./repos/revisions-read-with-agent";
import { SubscriptionsReadUnderLock } from "./repos/subscriptions-read-under-lock";
import { createTenantRepo, type TenantRepo } from "./repos/tenant-repo";
import { prepareRevisionSql } from "./repos/tenant-revisions";
import { createTrustChangeRepo } from "./repos/trust-change-repo";
import { createValueRepo } from "./repos/value-repo";
import { createWebhookRepos, prepareOutboxQueueSql, type WebhookRepos } from "./webhooks/index";

/** The repositories of one transaction: the governance port plus tenants, API keys and the raw handle. */
export interface KyselyTx extends StoreTx {
  tenants: TenantRepo;
  apiKeys: ApiKeyRepo;
  webhooks: WebhookRepos;
  /** The transaction itself, for extension repos that must write in the same transaction. */
  db: Kysely<Database>;
}

/** The Kysely-backed storage port, with what the API needs beyond governance. */
export interface KyselyStore extends StoragePort {
  readonly dialect: StoreDialect;
  /** The root handle (pool / SQLite connection), for extension repos. */
  readonly db: Kysely<Database>;
  readonly tenants: TenantRepo;
  readonly apiKeys: ApiKeyRepo;
  readonly webhooks: WebhookRepos;
  /**
   * Runs pending migrations and returns the names it applied, in order (none when the schema is
   * current). Runs on the pool, so on PostgreSQL under its statement timeout: open the store with
   * `statementTimeoutMs: 0` for a migration that may take long.
   */
  migrate(): Promise<string[]>;
  /**
   * Runs `fn` in one database transaction: all of its writes commit together or not at all, and
   * the promise settles only after the commit. A throw rolls back `fn`'s writes and propagates
   * unchanged. On SQLite, transactions waiting for the one connection share a `BEGIN IMMEDIATE …
   * COMMIT`, each in its own savepoint (group commit); if that COMMIT fails, all of them reject —
   * which includes a deferred foreign-key violation, checked only at COMMIT (the governor always
   * reads the parent row first, so only a programming error can cause one).
   * Do not open another transaction from inside `fn` on SQLite: its one connection is taken, so
   * the inner call would wait forever.
   * On PostgreSQL, a run that fails because a prepared statement went stale (another instance's
   * migration, a connection pooler) committed nothing, and `fn` runs again from the start, at most
   * `MAX_RUNS` times in all: keep `fn`'s effects inside `tx` (as the governor does).
   */
  transaction<T>(fn: (tx: KyselyTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` with repos outside a transaction (each statement sees committed data). With
   * `snapshot`, `fn` runs in a transaction whose statements all see one moment (the dialect's
   * `snapshot`); it holds SQLite's one connection meanwhile, so keep such reads short.
   */
  read<T>(fn: (tx: KyselyTx) => Promise<T>, options?: StoreReadOptions): Promise<T>;
}

const NO_HOOKS: TransactionHooks = { sealBatch: () => {} };

/** How the store answers `ping()` when the dialect needs more than a query on the pool. */
export interface HealthProbe {
  /** Resolves when the database answered; rejects otherwise. */
  ping(): Promise<void>;
  /** Releases what the probe holds; `ping()` is not called afterwards. */
  close(): Promise<void>;
}

/** Every hot statement of the store, compiled once for its dialect (repos/prepared-sql.ts). */
function prepareStatements({ db, adapter }: OpenDatabase) {
  return {
    agents: prepareAgentSql(db, adapter),
    intents: prepareIntentSql(db, adapter),
    approvals: prepareApprovalSql(db),
    intentions: prepareIntentionSql(db),
    revisions: prepareRevisionSql(db),
    audit: prepareAuditSql(db, adapter),
    idempotency: prepareIdempotencySql(db),
    outbox: prepareOutboxSql(db),
    outboxQueue: prepareOutboxQueueSql(db, adapter),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** The repos on `db`: the store's pool, a transaction of it, or a group-commit batch's handle. */
function createRepos(
  open: OpenDatabase,
  clock: () => number,
  statements: Statements,
  hooks: TransactionHooks = NO_HOOKS,
  db: OpenDatabase["db"] = open.db,
): KyselyTx {
  const { adapter } = open;
  const runner = hooks.sql ?? kyselySqlRunner(db, open.prepared);
  const { memo } = hooks;
  // Reads taken ahead (repos/read-ahead.ts): per write transaction only, since the root repos
  // serve every caller's reads at once, and only where a statement costs a round trip.
  const readsAhead = hooks !== NO_HOOKS && adapter.roundTripPerStatement;
  const subscriptions = readsAhead ? new SubscriptionsReadUnderLock() : undefined;
  const revisionsWithAgent = readsAhead ? new RevisionsReadWithAgent() : undefined;
  // A revision bump seals a group-commit batch and hides nothing the agent lookup read before it.
  const revisionsChanged = revisionsWithAgent
    ? () => {
        revisionsWithAgent.drop();
        hooks.sealBatch();
      }
    : hooks.sealBatch;
  return {
    agents: createAgentRepo(db, statements.agents, runner, memo, revisionsWithAgent),
    intents: createIntentRepo(db, adapter, statements.intents, runner),
    approvals: createApprovalRepo(db, adapter, statements.approvals, runner),
    policies: createPolicyRepo(
      db,
      adapter,
      { prepared: statements.revisions, runner, memo, withAgent: revisionsWithAgent },
      revisionsChanged,
    ),
    intentions: createIntentionRepo(
      db,
      adapter,
      { prepared: statements.intentions, revisions: statements.revisions, runner },
      revisionsChanged,
    ),
    audit: createAuditRepo(db, statements.audit, runner, memo, subscriptions),
    idempotency: createIdempotencyRepo(statements.idempotency, runner),
    trustChanges: createTrustChangeRepo(db),
    values: createValueRepo(db),
    outbox: createOutboxRepo(statements.outbox, runner, memo, subscriptions),
    tenants: createTenantRepo(db, clock),
    apiKeys: createApiKeyRepo(db, clock),
    webhooks: createWebhookRepos(db, adapter, { prepared: statements.outboxQueue, runner }),
    db,
  };
}

/**
 * Most runs of one transaction or read that fail in a way running again mends
 * (DialectAdapter.retryable): a pooler's lost statements make the store run unnamed after the third
 * (POOLER_SYMPTOMS_BEFORE_UNNAMED), so the fourth run goes through.
 */
export const MAX_RUNS = POOLER_SYMPTOMS_BEFORE_UNNAMED + 1;

/** Kysely's own transaction: one BEGIN … COMMIT per call (PostgreSQL). */
function kyselyTransactions(db: OpenDatabase["db"]): TransactionRunner {
  // Hooks of its own per transaction: repos are cached per hooks object (one connection each).
  return (fn) => db.transaction().execute((trx) => fn(trx, { sealBatch: () => {} }));
}

/**
 * Wraps an open database as a KyselyStore. `probe` answers `ping()` instead of a query on the
 * pool (PostgreSQL: a connection of its own) and closes with the store.
 */
export function createKyselyStore(open: OpenDatabase, clock: () => number, probe?: HealthProbe): KyselyStore {
  const statements = prepareStatements(open);
  const root = createRepos(open, clock, statements);
  const runTransaction = open.transactions ?? kyselyTransactions(open.db);
  // A group-commit batch hands every member the same handle and hooks: build its repos once.
  const batchRepos = new WeakMap<TransactionHooks, KyselyTx>();
  let closed = false;
  const { inputError, retryable } = open.adapter;
  const asInputError = <T>(work: Promise<T>): Promise<T> =>
    inputError === undefined
      ? work
      : work.catch((error: unknown) => {
          throw inputError(error) ?? error;
        });
  const runs = <T>(run: () => Promise<T>): Promise<T> =>
    retryable === undefined ? run() : runAgainWhile(run, retryable);
  const reposFor = (db: OpenDatabase["db"], hooks: TransactionHooks): KyselyTx => {
    let repos = batchRepos.get(hooks);
    if (!repos) {
      repos = createRepos(open, clock, statements, hooks, db);
      batchRepos.set(hooks, repos);
    }
    return repos;
  };
  return {
    dialect: open.adapter.dialect,
    db: open.db,
    tenants: root.tenants,
    apiKeys: root.apiKeys,
    webhooks: root.webhooks,
    migrate: () => migrateToLatest(open),
    transaction: (fn) => asInputError(runs(() => runTransaction((db, hooks) => fn(reposFor(db, hooks))))),
    read: (fn, options) =>
      asInputError(
        runs(() =>
          options?.snapshot
            ? open.adapter
                .snapshot(open.db)
                .execute((trx) => fn(createRepos(open, clock, statements, NO_HOOKS, trx)))
            : fn(root),
        ),
      ),
    async ping() {
      if (closed) return false;
      try {
        if (probe) await probe.ping();
        else await open.db.selectNoFrom((eb) => eb.lit(1).as("one")).execute();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      await open.beforeClose?.();
      await Promise.all([probe?.close(), open.db.destroy()]);
    },
  };
}

/** `run`, run again while it fails with an error `retryable` accepts, `MAX_RUNS` times at most. */
async function runAgainWhile<T>(run: () => Promise<T>, retryable: (error: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= MAX_RUNS || !retryable(error)) throw error;
    }
  }
}
