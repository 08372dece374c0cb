import type { Catalog, Governor, IntendedOpsError } from "@intendedops/core";
import type { KyselyStore } from "@intendedops/storage";
import type { Logger } from "pino";
import type { AppConfig } from "./config";
import type { Caller, KeyResolver } from "./key-resolver";
import type { RateLimiter } from "./rate-limiter";
import type { IntentTokenService } from "./tokens/index";
import type { WebhookService } from "./webhooks/webhook-service";

/** The long-lived services one app instance runs on. */
export interface Services {
  config: AppConfig;
  store: KyselyStore;
  governor: Governor;
  catalog: Catalog;
  logger: Logger;
  /** Epoch milliseconds; injected so tests control time. */
  clock: () => number;
  keys: KeyResolver;
  rateLimiter: RateLimiter;
  webhooks: WebhookService;
  /** Signs, verifies and publishes intent tokens. */
  tokens: IntentTokenService;
}

/** What travels on the Hono context: the services plus per-request facts. */
export interface AppVariables extends Services {
  requestId: string;
  /** Set when the request presented a valid key. */
  caller: Caller | undefined;
  /** Why there is no caller; thrown by routes that need one. */
  authFailure: IntendedOpsError | undefined;
  /** The parsed JSON body, undefined when the request had none. */
  body: unknown;
}

export type AppEnv = { Variables: AppVariables };
