import type { StoragePort, StoreTx } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database } from "./database";
import type {
  OpenDatabase,
  StoreDialect,
  TransactionHooks,
  TransactionRunner,
} from "./dialects/dialect-adapter";
import { migrateToLatest } from "./migrate";
import { createAgentRepo } from "./repos/agent-repo";
import { type ApiKeyRepo, createApiKeyRepo } from "./repos/api-key-repo";
import { createApprovalRepo } from "./repos/approval-repo";
import { createAuditRepo } from "./repos/audit-repo";
import { createIdempotencyRepo } from "./repos/idempotency-repo";
import { createIntentRepo } from "./repos/intent-repo";
import { createIntentionRepo } from "./repos/intention-repo";
import { createOutboxRepo } from "./repos/outbox-repo";
import { createPolicyRepo } from "./repos/policy-repo";
import { createTenantRepo, type TenantRepo } from "./repos/tenant-repo";
import { createTrustChangeRepo } from "./repos/trust-change-repo";
import { createValueRepo } from "./repos/value-repo";
import { createWebhookRepos, type WebhookRepos } from "./webhooks/index";

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
  /** Runs pending migrations; a no-op when the schema is current. */
  migrate(): Promise<void>;
  /**
   * Runs `fn` in one database transaction: all of its writes commit together or not at all, and
   * the promise settles only after the commit. A throw rolls back `fn`'s writes and propagates
   * unchanged. On SQLite, transactions waiting for the one connection share a `BEGIN IMMEDIATE …
   * COMMIT`, each in its own savepoint (group commit); if that COMMIT fails, all of them reject.
   * Do not open another transaction from inside `fn` on SQLite: its one connection is taken, so
   * the inner call would wait forever.
   */
  transaction<T>(fn: (tx: KyselyTx) => Promise<T>): Promise<T>;
  /** Runs `fn` with repos outside a transaction (each statement sees committed data). */
  read<T>(fn: (tx: KyselyTx) => Promise<T>): Promise<T>;
}

const NO_HOOKS: TransactionHooks = { sealBatch: () => {} };

function createRepos(
  { db, adapter }: OpenDatabase,
  clock: () => number,
  hooks: TransactionHooks = NO_HOOKS,
): KyselyTx {
  return {
    agents: createAgentRepo(db, adapter),
    intents: createIntentRepo(db),
    approvals: createApprovalRepo(db, adapter),
    policies: createPolicyRepo(db, hooks.sealBatch),
    intentions: createIntentionRepo(db, adapter, hooks.sealBatch),
    audit: createAuditRepo(db, adapter),
    idempotency: createIdempotencyRepo(db),
    trustChanges: createTrustChangeRepo(db),
    values: createValueRepo(db),
    outbox: createOutboxRepo(db),
    tenants: createTenantRepo(db, clock),
    apiKeys: createApiKeyRepo(db, clock),
    webhooks: createWebhookRepos(db, adapter),
    db,
  };
}

/** Kysely's own transaction: one BEGIN … COMMIT per call (PostgreSQL). */
function kyselyTransactions(db: OpenDatabase["db"]): TransactionRunner {
  return (fn) => db.transaction().execute((trx) => fn(trx, NO_HOOKS));
}

/** Wraps an open database as a KyselyStore. */
export function createKyselyStore(open: OpenDatabase, clock: () => number): KyselyStore {
  const root = createRepos(open, clock);
  const runTransaction = open.transactions ?? kyselyTransactions(open.db);
  return {
    dialect: open.adapter.dialect,
    db: open.db,
    tenants: root.tenants,
    apiKeys: root.apiKeys,
    webhooks: root.webhooks,
    migrate: () => migrateToLatest(open),
    transaction: (fn) =>
      runTransaction((db, hooks) => fn(createRepos({ db, adapter: open.adapter }, clock, hooks))),
    read: (fn) => fn(root),
    async ping() {
      try {
        await open.db.selectNoFrom((eb) => eb.lit(1).as("one")).execute();
        return true;
      } catch {
        return false;
      }
    },
    close: () => open.db.destroy(),
  };
}
