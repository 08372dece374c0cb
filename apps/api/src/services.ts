import { createGovernor } from "@intendedops/core";
import { createSigningKeyRepo, type KyselyStore, parseStoreUrl } from "@intendedops/storage";
import pino, { type Logger } from "pino";
import type { AppConfig } from "./config";
import type { Services } from "./context";
import { openDatabase } from "./database-open";
import { createDomainCatalog } from "./domain-catalog";
import { createKeyResolver } from "./key-resolver";
import { createRateLimiter } from "./rate-limiter";
import { dropLinesAfterHangup } from "./terminal-hangup";
import { createIntentTokenService } from "./tokens/index";
import { createWebhookService, type WebhookServiceOptions } from "./webhooks/webhook-service";

export interface ServiceOptions {
  /** An already open store (tests share one); otherwise one is opened from `config.databaseUrl`. */
  store?: KyselyStore;
  /** PostgreSQL schema for the store opened here (tests). */
  schema?: string;
  logger?: Logger;
  clock?: () => number;
  /** Webhook sender, resolver and dispatcher settings (tests use a schedule in milliseconds). */
  webhooks?: Pick<WebhookServiceOptions, "sender" | "resolve" | "dispatcher">;
}

/** Log bytes held while stdout does not take them; past this, new lines are dropped and counted. */
export const LOG_BUFFER_BYTES = 8 * 1024 * 1024;

export interface LoggerOptions {
  /** File descriptor written to (default 1, stdout). */
  fd?: number;
  /** Default LOG_BUFFER_BYTES. */
  maxBufferBytes?: number;
  /** How often dropped lines are reported, while some are (default 10 s). */
  reportEveryMs?: number;
}

/**
 * A pino logger writing JSON lines to stdout. The destination is asynchronous: lines written while
 * a write is in flight are batched, which keeps per-request logging cheap under load. When stdout
 * stops taking lines (a log shipper that stalls, a pipe nobody reads) they wait in memory, up to
 * `maxBufferBytes`: unbounded, a server logging a line per request ran out of heap within the
 * hour. Lines past the bound are dropped; a `warn` line counts them (`droppedLines` since the last
 * report, `droppedLinesTotal` since start) every `reportEveryMs` while lines are being dropped.
 */
export function createLogger(level: AppConfig["logLevel"], options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 1;
  const destination = pino.destination({
    dest: fd,
    sync: false,
    maxLength: options.maxBufferBytes ?? LOG_BUFFER_BYTES,
  });
  dropLinesAfterHangup(destination, fd);
  const logger = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  let dropped = 0;
  let droppedTotal = 0;
  let reporter: NodeJS.Timeout | undefined;
  destination.on("drop", () => {
    dropped += 1;
    droppedTotal += 1;
    reporter ??= setInterval(() => {
      if (dropped === 0) {
        clearInterval(reporter);
        reporter = undefined;
        return;
      }
      const count = dropped;
      dropped = 0;
      // Itself dropped while stdout is still stuck; the total tells what was lost once it is not.
      logger.warn(
        { droppedLines: count, droppedLinesTotal: droppedTotal },
        "log lines dropped: stdout did not take them (its reader is stuck or too slow)",
      );
    }, options.reportEveryMs ?? 10_000);
    reporter.unref();
  });
  return logger;
}

/**
 * Open the store (migrating it) and build every service the app runs on. A database that cannot
 * be opened rejects with a StartupError naming DATABASE_URL.
 */
export async function createServices(config: AppConfig, options: ServiceOptions = {}): Promise<Services> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? createLogger(config.logLevel);
  const store =
    options.store ??
    (await openDatabase(config.databaseUrl, {
      poolSize: config.databasePoolSize,
      preparedStatements: config.databasePreparedStatements,
      // PostgreSQL's connection failures, slow queries and (at debug) failed queries go to the
      // app's log. Not SQLite's: the store's logger times every statement through Kysely's log
      // hook, which on SQLite (statements of microseconds) cost the server 7-45 % more CPU per
      // submission in A/B runs, and SQLite has no connections to lose.
      ...(parseStoreUrl(config.databaseUrl).dialect === "postgres" ? { logger } : {}),
      ...(options.schema ? { schema: options.schema } : {}),
    }));
  const catalog = createDomainCatalog();
  const webhooks = createWebhookService({
    ...options.webhooks,
    store,
    clock,
    allowPrivate: config.allowPrivateWebhooks,
    secretKey: config.secretKey,
    dispatcher: { logger, ...options.webhooks?.dispatcher },
  });
  const tokens = await createIntentTokenService({
    keys: createSigningKeyRepo(store.db),
    sealer: webhooks.secrets,
    issuer: config.tokenIssuer,
    clock,
  });
  const governor = createGovernor({
    store,
    catalog,
    clock,
    onEvents: webhooks.notify,
    mintIntentToken: tokens.mint,
    maxPoliciesPerTenant: config.maxPoliciesPerTenant,
  });
  const keys = createKeyResolver({
    keys: store.apiKeys,
    ttlMs: config.keyCacheTtlMs,
    clock,
    onTouchError: (error) => logger.warn({ err: error }, "could not record API key use"),
  });
  return {
    config,
    store,
    governor,
    catalog,
    logger,
    clock,
    keys,
    rateLimiter: createRateLimiter(),
    webhooks,
    tokens,
  };
}
