import { createGovernor } from "@intendedops/core";
import { createStore, type KyselyStore } from "@intendedops/storage";
import pino, { type Logger } from "pino";
import type { AppConfig } from "./config";
import type { Services } from "./context";
import { createDomainCatalog } from "./domain-catalog";
import { createKeyResolver } from "./key-resolver";
import { createRateLimiter } from "./rate-limiter";

export interface ServiceOptions {
  /** An already open store (tests share one); otherwise one is opened from `config.databaseUrl`. */
  store?: KyselyStore;
  /** PostgreSQL schema for the store opened here (tests). */
  schema?: string;
  logger?: Logger;
  clock?: () => number;
}

/**
 * A pino logger writing JSON lines to stdout. The destination is asynchronous: lines written while
 * a write is in flight are batched, which keeps per-request logging cheap under load.
 */
export function createLogger(level: AppConfig["logLevel"]): Logger {
  return pino(
    { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false }),
  );
}

/** Open the store (migrating it) and build every service the app runs on. */
export async function createServices(config: AppConfig, options: ServiceOptions = {}): Promise<Services> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? createLogger(config.logLevel);
  const store =
    options.store ??
    (await createStore({ url: config.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) }));
  const catalog = createDomainCatalog();
  const governor = createGovernor({ store, catalog, clock });
  const keys = createKeyResolver({
    keys: store.apiKeys,
    ttlMs: config.keyCacheTtlMs,
    clock,
    onTouchError: (error) => logger.warn({ err: error }, "could not record API key use"),
  });
  return { config, store, governor, catalog, logger, clock, keys, rateLimiter: createRateLimiter() };
}
