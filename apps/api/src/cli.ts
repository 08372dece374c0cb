#!/usr/bin/env node
import { parseArgs } from "node:util";
import type { KyselyStore } from "@intendedops/storage";
import { operatorActor } from "./admin-audit";
import { TENANT_ID_RE } from "./api-key-format";
import { issueApiKey, revokeApiKey, toApiKeyView } from "./api-key-service";
import { ConfigError, loadConfig } from "./config";
import { backupDatabase, displayDatabaseUrl, migrateDatabase, openDatabase } from "./database-open";
import { CreateApiKeyBodySchema } from "./routes/v1/api-keys/schema";
import { SCOPES, type Scope, ScopeSchema } from "./scopes";
import { startServer } from "./server";
import { StartupError } from "./startup-error";
import { watchTerminals } from "./terminal-hangup";

const USAGE = `Usage: intendedops <command> [options]

Commands:
  serve                                   Start the API server (migrates the database first)
  migrate                                 Apply database migrations and exit
  backup <path>                           Copy the SQLite database to a new file, safely while servers run
  keys create --tenant <id> --scopes <s1,s2> --name <name> [--rate-limit <n>] [--json]
                                          Create an API key; the key is printed once
  keys list [--tenant <id>] [--json]      List a tenant's keys (never the secret)
  keys revoke --tenant <id> <keyId> [--json]
                                          Revoke a key; running servers refuse it within KEY_CACHE_TTL_MS

--json prints one JSON document on stdout (create: the key's fields and, once, the key itself).

Scopes: ${SCOPES.join(", ")}
Environment: PORT, HOST, DATABASE_URL, DATABASE_POOL_SIZE, INTENDEDOPS_BOOTSTRAP_KEY, LOG_LEVEL, METRICS_TOKEN,
INTENDEDOPS_SECRET_KEY and more: docs/configuration.md lists them all`;

class UsageError extends Error {}

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}

function tenantOption(value: string | undefined, required: boolean): string {
  if (value === undefined) {
    if (required) throw new UsageError("--tenant is required");
    return "default";
  }
  if (!TENANT_ID_RE.test(value)) {
    throw new UsageError("--tenant must be lowercase letters, digits and '-' (at most 63 characters)");
  }
  return value;
}

function scopesOption(value: string | undefined): Scope[] {
  if (!value) throw new UsageError(`--scopes is required (comma-separated: ${SCOPES.join(", ")})`);
  return value.split(",").map((raw) => {
    const parsed = ScopeSchema.safeParse(raw.trim());
    if (!parsed.success) throw new UsageError(`Unknown scope "${raw.trim()}" (one of ${SCOPES.join(", ")})`);
    return parsed.data;
  });
}

/** The flag each field of the API's create-key body comes from, for messages. */
const CREATE_FLAGS: Readonly<Record<string, string>> = {
  name: "--name",
  scopes: "--scopes",
  rateLimitPerMinute: "--rate-limit",
};

/** Arguments a command does not take are refused rather than ignored. */
function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument "${positionals[0]}"`);
}

/** Signals this soon after the first are the same request to stop (see serveCommand). */
const REPEATED_SIGNAL_MS = 500;

async function serveCommand(): Promise<void> {
  const server = await startServer(loadConfig());
  const releaseTerminal = watchTerminals();
  let firstSignalAt: number | undefined;
  // SIGHUP (the terminal closed, or a supervisor's stop) shuts down like SIGTERM: there is no
  // configuration to reload, and Node's default for it ends the process at once, cutting requests
  // in flight and leaving the database unclosed.
  const shutdown = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      // A second SIGTERM or SIGINT means "now": skip the graceful wait. Not so a SIGHUP, which only
      // says the terminal went away (Ctrl-C, then the window closed while requests drain), nor a
      // repeat within REPEATED_SIGNAL_MS: Ctrl-C under `pnpm start` reaches the server twice, from
      // the terminal and forwarded by pnpm, and cut every shutdown short.
      if (signal === "SIGHUP" || performance.now() - firstSignalAt < REPEATED_SIGNAL_MS) return;
      releaseTerminal();
      process.exit(1);
    }
    firstSignalAt = performance.now();
    server.services.logger.info({ signal }, "signal received");
    // 1 when jobs or the database did not finish within SHUTDOWN_TIMEOUT_MS (stop() logged what).
    server.stop().then(
      (outcome) => {
        releaseTerminal();
        process.exit(outcome.clean ? 0 : 1);
      },
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(error)}\n`);
        releaseTerminal();
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, shutdown);
}

async function withStore<T>(fn: (store: KyselyStore) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // A one-shot command runs each statement once: naming them saves nothing, and behind a pooler in
  // transaction mode their names collide with the servers' on shared server connections.
  const store = await openDatabase(config.databaseUrl, { preparedStatements: false });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * The options each `keys` action takes. One set per action, so an option another action takes is
 * refused too (`keys list --scopes admin` would otherwise print the unfiltered list and exit 0).
 */
const KEYS_OPTIONS = {
  create: {
    tenant: { type: "string" },
    scopes: { type: "string" },
    name: { type: "string" },
    "rate-limit": { type: "string" },
    json: { type: "boolean", default: false },
  },
  list: { tenant: { type: "string" }, json: { type: "boolean", default: false } },
  revoke: { tenant: { type: "string" }, json: { type: "boolean", default: false } },
} as const;

/** `--json` output: one document, indented like `keys list --json`. */
function writeJson(value: unknown): void {
  write(JSON.stringify(value, null, 2));
}

function keysArgs<A extends keyof typeof KEYS_OPTIONS>(action: A, args: string[]) {
  return parseArgs({ args, allowPositionals: true, options: KEYS_OPTIONS[action] });
}

async function keysCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === "create") {
    const { values, positionals } = keysArgs("create", rest);
    const tenantId = tenantOption(values.tenant, true);
    const scopes = scopesOption(values.scopes);
    const name = values.name?.trim();
    if (!name) throw new UsageError("--name is required");
    noPositionals("keys create", positionals);
    const rawRate = values["rate-limit"]?.trim();
    if (rawRate !== undefined && !/^[1-9]\d*$/.test(rawRate)) {
      throw new UsageError("--rate-limit must be a positive whole number (requests per minute)");
    }
    // The API's own rules (name length, scope set, rate limit bounds), so both make the same keys.
    const parsed = CreateApiKeyBodySchema.safeParse({
      name,
      scopes,
      ...(rawRate === undefined ? {} : { rateLimitPerMinute: Number(rawRate) }),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UsageError(`${CREATE_FLAGS[String(issue.path[0])] ?? "keys create"}: ${issue.message}`);
    }
    const input = parsed.data;
    const { key, record } = await withStore((store) =>
      issueApiKey(
        store,
        {
          tenantId,
          name: input.name,
          scopes: input.scopes,
          rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        },
        Date.now(),
        operatorActor(tenantId, "cli"),
      ),
    );
    // What POST /v1/api-keys answers, so a provisioning script reads the key without parsing prose.
    if (values.json) return writeJson({ ...toApiKeyView(record), key });
    // The database too: run from another directory, the default file: URL is another database,
    // and a key made there is refused by the server without a hint why.
    write(
      `Created API key ${record.id} (${input.scopes.join(", ")}) in tenant ${tenantId}, in ${displayDatabaseUrl(loadConfig().databaseUrl)}.`,
    );
    write(`Key (shown once, store it now): ${key}`);
    return;
  }
  if (action === "list") {
    const { values, positionals } = keysArgs("list", rest);
    const tenantId = tenantOption(values.tenant, false);
    noPositionals("keys list", positionals);
    const keys = await withStore((store) => store.apiKeys.list(tenantId));
    const views = keys.map(toApiKeyView);
    if (values.json) return writeJson(views);
    const where = displayDatabaseUrl(loadConfig().databaseUrl);
    if (views.length === 0) return write(`No API keys in tenant ${tenantId}, in ${where}.`);
    write(`API keys of tenant ${tenantId}, in ${where}:`);
    for (const k of views) {
      const state = k.revokedAt ? `revoked ${k.revokedAt}` : "active";
      write(`${k.id}  ${k.keyPrefix}…  ${k.name}  [${k.scopes.join(",")}]  ${state}`);
    }
    return;
  }
  if (action === "revoke") {
    const { values, positionals } = keysArgs("revoke", rest);
    const tenantId = tenantOption(values.tenant, true);
    const keyId = positionals[0];
    if (!keyId) throw new UsageError("keys revoke needs the key id (key_…)");
    noPositionals("keys revoke", positionals.slice(1));
    // Revoking is idempotent (scripts may run twice), but the output says which case it was.
    const outcome = await withStore((store) =>
      revokeApiKey(store, tenantId, keyId, operatorActor(tenantId, "cli"), Date.now()),
    );
    if (!outcome) throw new UsageError(`No key ${keyId} in tenant ${tenantId}`);
    if (values.json) return writeJson({ ...toApiKeyView(outcome.record), alreadyRevoked: outcome.already });
    write(
      outcome.already ? `${keyId} was already revoked at ${outcome.record.revokedAt}.` : `Revoked ${keyId}.`,
    );
    return;
  }
  throw new UsageError(`Unknown keys action "${action ?? ""}" (create, list or revoke)`);
}

async function backupCommand(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const target = positionals[0];
  if (!target) throw new UsageError("backup needs the path of the file to write");
  noPositionals("backup", positionals.slice(1));
  const { databaseUrl } = loadConfig();
  const { path, bytes } = await backupDatabase(databaseUrl, target);
  write(`Backed up ${displayDatabaseUrl(databaseUrl)} to ${path} (${bytes} bytes).`);
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `intendedops serve --help` is how operators look before they run something: help, exit 0.
  if (command !== undefined && argv.some((arg) => arg === "--help" || arg === "-h")) {
    write(USAGE);
    return 0;
  }
  try {
    if (command === "serve") {
      noPositionals("serve", rest);
      await serveCommand();
    } else if (command === "migrate") {
      noPositionals("migrate", rest);
      const { dialect, applied } = await migrateDatabase(loadConfig().databaseUrl);
      write(
        applied.length === 0
          ? `Nothing to migrate: the schema is current (${dialect}).`
          : `Migrations applied (${dialect}): ${applied.join(", ")}.`,
      );
    } else if (command === "backup") await backupCommand(rest);
    else if (command === "keys") await keysCommand(rest);
    else if (command === "help") write(USAGE);
    else if (command === undefined) {
      // No command is a mistake: the usage goes where errors go.
      process.stderr.write(`${USAGE}\n`);
      return 1;
    } else throw new UsageError(`Unknown command "${command}"`);
    return 0;
  } catch (error) {
    // The operator's to fix (a variable, the port, the database): one line, no stack.
    if (error instanceof ConfigError || error instanceof UsageError || error instanceof StartupError) {
      process.stderr.write(`${error.message}\n`);
      if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
      return 1;
    }
    if (error instanceof TypeError && /parseArgs|option/i.test(error.message)) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 1;
    }
    throw error;
  }
}

runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
