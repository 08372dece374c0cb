import { isIP } from "node:net";
import { parseStoreUrl } from "@intendedops/storage";
import { z } from "zod";
import { isValidBootstrapKey } from "./api-key-format";

/** Thrown at start-up when an environment variable is invalid; the message names it. */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`Invalid environment variable ${variable}: ${message}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated server configuration. */
export interface AppConfig {
  port: number;
  host: string;
  /** `file:<path>`, `file::memory:` or `postgres://…`. */
  databaseUrl: string;
  /** `DATABASE_POOL_SIZE`: PostgreSQL connections for queries (the health check has one more of its own). */
  databasePoolSize: number;
  /**
   * `DATABASE_PREPARED_STATEMENTS`: PostgreSQL keeps the submission path's statements prepared on
   * each pooled connection (default true; false behind a pooler in transaction mode that does not
   * carry prepared statements).
   */
  databasePreparedStatements: boolean;
  /** Keys created with `admin` scope at start if missing (their tenants too). */
  bootstrapKeys: string[];
  logLevel: LogLevel;
  /** When set, `GET /metrics` requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Default per-key limit; a key's own `rateLimitPerMinute` wins. */
  rateLimitPerMinute: number;
  /** How long a successful API key lookup is cached in-process. */
  keyCacheTtlMs: number;
  /** `MAX_POLICIES_PER_TENANT`: most policies one tenant may hold (each submission evaluates them all). */
  maxPoliciesPerTenant: number;
  /**
   * `MAX_WEBHOOKS_PER_TENANT`: most outgoing webhook endpoints one tenant may hold, and separately
   * most inbound endpoints (every event is written once per subscribed endpoint).
   */
  maxWebhooksPerTenant: number;
  /** `WEBHOOK_LOG_RETENTION_DAYS`: settled webhook deliveries are deleted this many days after; 0 keeps them. */
  webhookLogRetentionDays: number;
  /** How often background jobs (approval expiry) run. */
  jobIntervalMs: number;
  /** How long shutdown waits for in-flight requests before closing sockets. */
  shutdownTimeoutMs: number;
  bodyLimitBytes: number;
  /** `INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS`: webhooks may target loopback and private addresses (on-premises, tests). */
  allowPrivateWebhooks: boolean;
  /** `INTENDEDOPS_SECRET_KEY`: when set, webhook secrets and the token signing key are encrypted at rest (AES-256-GCM). */
  secretKey: string | undefined;
  /** `INTENDEDOPS_TOKEN_ISSUER`: the `iss` claim of intent tokens. */
  tokenIssuer: string;
}

export const DEFAULT_DATABASE_URL = "file:./data/intendedops.db";
export const BODY_LIMIT_BYTES = 1024 * 1024;

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const databaseUrl = z
  .string()
  .trim()
  .superRefine((url, ctx) => {
    if (!(/^(file:|postgres(ql)?:\/\/)/i.test(url) || url === ":memory:")) {
      ctx.addIssue({ code: "custom", message: "must start with file:, postgres:// or postgresql://" });
      return;
    }
    // The store's own reading of the URL, so nothing the config accepts fails later at open
    // (`file:` with no path did, with a stack trace that did not name the variable).
    try {
      parseStoreUrl(url);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An IP address, or a host name by RFC 1123; dotted numbers must be a valid IPv4 address. */
const host = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .refine(
    (value) => isIP(value) !== 0 || (HOSTNAME.test(value) && !/^[\d.]+$/.test(value)),
    "must be an IP address (127.0.0.1, ::, 0.0.0.0) or a host name",
  );

const bootstrapKeys = z
  .string()
  .transform((raw) =>
    raw
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k.length > 0),
  )
  .refine(
    (keys) => keys.every(isValidBootstrapKey),
    "each key must look like intendedops_<tenantId>_<secret> with a tenant id of lowercase letters, digits and '-' and a secret of at least 128 bits: 32 hex characters, or 22 letters and digits of both cases",
  );

/** A switch: 0, 1, false or true. */
const flag = z
  .enum(["0", "1", "false", "true"], { error: "must be 0, 1, false or true" })
  .transform((v) => v === "1" || v === "true");

/** Every variable the server reads, with its default and rule; one place. */
const VARIABLES = {
  PORT: { schema: integer(0, 65_535), fallback: "3000" },
  HOST: { schema: host, fallback: "127.0.0.1" },
  DATABASE_URL: { schema: databaseUrl, fallback: DEFAULT_DATABASE_URL },
  DATABASE_POOL_SIZE: { schema: integer(1, 1000), fallback: "10" },
  INTENDEDOPS_BOOTSTRAP_KEY: { schema: bootstrapKeys, fallback: "" },
  LOG_LEVEL: {
    schema: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }),
    fallback: "info",
  },
  METRICS_TOKEN: {
    schema: z.string().min(16, "must be at least 16 characters").optional(),
    fallback: undefined,
  },
  RATE_LIMIT_PER_MINUTE: { schema: integer(1, 10_000_000), fallback: "1000" },
  KEY_CACHE_TTL_MS: { schema: integer(0, 600_000), fallback: "5000" },
  MAX_POLICIES_PER_TENANT: { schema: integer(1, 100_000), fallback: "1000" },
  MAX_WEBHOOKS_PER_TENANT: { schema: integer(1, 100_000), fallback: "100" },
  WEBHOOK_LOG_RETENTION_DAYS: { schema: integer(0, 36_500), fallback: "30" },
  JOB_INTERVAL_MS: { schema: integer(100, 3_600_000), fallback: "5000" },
  SHUTDOWN_TIMEOUT_MS: { schema: integer(0, 600_000), fallback: "10000" },
  DATABASE_PREPARED_STATEMENTS: { schema: flag, fallback: "1" },
  INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: { schema: flag, fallback: "0" },
  INTENDEDOPS_SECRET_KEY: {
    schema: z.string().min(32, "must be at least 32 characters").optional(),
    fallback: undefined,
  },
  INTENDEDOPS_TOKEN_ISSUER: { schema: z.string().trim().min(1).max(200), fallback: "intendedops" },
} as const;

type Variables = typeof VARIABLES;
type Parsed = { [K in keyof Variables]: z.output<Variables[K]["schema"]> };

function readVariable<K extends keyof Variables>(env: Readonly<Record<string, string | undefined>>, name: K) {
  const { schema, fallback } = VARIABLES[name];
  const raw = env[name];
  const value = raw === undefined || raw.trim() === "" ? fallback : raw;
  const result = (schema as z.ZodType).safeParse(value);
  if (!result.success) {
    throw new ConfigError(name, result.error.issues.map((i) => i.message).join("; "));
  }
  return result.data as Parsed[K];
}

/**
 * Validate the environment into an AppConfig; throws ConfigError naming the first bad variable.
 * @example loadConfig({ PORT: "8080", DATABASE_URL: "postgres://postgres@127.0.0.1/test" })
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  return {
    port: readVariable(env, "PORT"),
    host: readVariable(env, "HOST"),
    databaseUrl: readVariable(env, "DATABASE_URL"),
    databasePoolSize: readVariable(env, "DATABASE_POOL_SIZE"),
    databasePreparedStatements: readVariable(env, "DATABASE_PREPARED_STATEMENTS"),
    bootstrapKeys: readVariable(env, "INTENDEDOPS_BOOTSTRAP_KEY"),
    logLevel: readVariable(env, "LOG_LEVEL"),
    metricsToken: readVariable(env, "METRICS_TOKEN"),
    rateLimitPerMinute: readVariable(env, "RATE_LIMIT_PER_MINUTE"),
    keyCacheTtlMs: readVariable(env, "KEY_CACHE_TTL_MS"),
    maxPoliciesPerTenant: readVariable(env, "MAX_POLICIES_PER_TENANT"),
    maxWebhooksPerTenant: readVariable(env, "MAX_WEBHOOKS_PER_TENANT"),
    webhookLogRetentionDays: readVariable(env, "WEBHOOK_LOG_RETENTION_DAYS"),
    jobIntervalMs: readVariable(env, "JOB_INTERVAL_MS"),
    shutdownTimeoutMs: readVariable(env, "SHUTDOWN_TIMEOUT_MS"),
    bodyLimitBytes: BODY_LIMIT_BYTES,
    allowPrivateWebhooks: readVariable(env, "INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS"),
    secretKey: readVariable(env, "INTENDEDOPS_SECRET_KEY"),
    tokenIssuer: readVariable(env, "INTENDEDOPS_TOKEN_ISSUER"),
  };
}
