import { statSync } from "node:fs";
import { type AddressInfo, isIP } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { getMetricsCollector, IntendedOps_METRICS, metrics } from "@intendedops/core";
import { createApp } from "./app";
import { bootstrapKeys } from "./bootstrap";
import type { AppConfig } from "./config";
import type { AppEnv, Services } from "./context";
import { sqliteFilename } from "./database-open";
import { createHttpServer, type HttpServer, listen } from "./http-server";
import { createExpiryJob } from "./jobs/expire-approvals";
import { createJobRegistry, type JobRegistry } from "./jobs/job-registry";
import { registerWebhookJobs } from "./jobs/webhook-jobs";
import { createServices, type ServiceOptions } from "./services";
import { type ShutdownOutcome, shutDown } from "./shutdown";
import { createSubmissionListener } from "./submission-listener";

export type { ShutdownOutcome } from "./shutdown";

export interface RunningServer {
  /** `http://host:port` actually bound (port 0 picks a free one). */
  url: string;
  port: number;
  app: OpenAPIHono<AppEnv>;
  services: Services;
  jobs: JobRegistry;
  /**
   * Stop accepting, let in-flight requests finish (up to the shutdown timeout), stop jobs, close the
   * database. Resolves within the shutdown timeout plus a second even when the database hangs; the
   * outcome says whether everything finished (the CLI exits 1 when it did not).
   */
  stop(): Promise<ShutdownOutcome>;
}

export interface StartOptions extends ServiceOptions {
  /** Where the one-time admin key is printed; stdout by default. */
  print?: (line: string) => void;
}

/**
 * What @hono/node-server's serve() builds, with the hottest route in front of the Hono app;
 * protocol refusals are logged to the services' logger.
 */
export function createApiServer(app: OpenAPIHono<AppEnv>, config: AppConfig, services: Services): HttpServer {
  // The adapter puts this in the request's URL when a request names no host (HTTP/1.0 without
  // Host, an empty Host), and an IPv6 literal goes in a URL only between brackets.
  const hostname = isIP(config.host) === 6 ? `[${config.host}]` : config.host;
  const honoListener = getRequestListener(app.fetch, { hostname });
  const submissions = createSubmissionListener(services);
  return createHttpServer(
    (req, res) => {
      if (!submissions(req, res)) void honoListener(req, res);
    },
    { logger: services.logger },
  );
}

function startJobs(services: Services): JobRegistry {
  const { logger, config } = services;
  const jobs = createJobRegistry({
    processed: (job, count) => {
      if (count > 0) getMetricsCollector().increment(IntendedOps_METRICS.JOBS_PROCESSED, { job }, count);
    },
    failed: (job, error) => {
      metrics.jobFailed({ job });
      logger.error({ err: error, job }, "background job failed");
    },
    // Items that failed inside a successful run (a webhook attempt the receiver refused).
    itemsFailed: (job, count) =>
      getMetricsCollector().increment(IntendedOps_METRICS.JOBS_FAILED, { job }, count),
  });
  jobs.register(createExpiryJob(services.governor, config.jobIntervalMs, services.clock));
  registerWebhookJobs(jobs, services);
  jobs.start();
  return jobs;
}

/** Create missing bootstrap keys, or on an empty database the one-time admin key, and report them. */
async function bootstrap(services: Services, print: (line: string) => void): Promise<void> {
  const { logger, store, config } = services;
  const boot = await bootstrapKeys(store, config.bootstrapKeys, services.clock());
  for (const prefix of boot.created) logger.info({ keyPrefix: prefix }, "bootstrap API key created");
  for (const prefix of boot.skippedRevoked) {
    logger.warn({ keyPrefix: prefix }, "bootstrap API key was revoked earlier; not re-created");
  }
  if (boot.generatedKey) {
    print(`Admin API key (shown once, store it now): ${boot.generatedKey}`);
  }
}

/**
 * Open the database (migrations run), bind the port, create missing bootstrap keys, then serve
 * and start the jobs. A port that cannot be bound rejects with a StartupError naming HOST and PORT.
 * @example const server = await startServer(loadConfig()); await server.stop();
 */
export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const services = await createServices(config, options);
  const { logger, store } = services;
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));

  const app = createApp(services);
  const http = createApiServer(app, config, services);
  try {
    // The port first: the first start's admin key is shown once, so it is generated only once the
    // server is sure to run. A start that fails here leaves an empty database empty.
    await listen(http.server, config);
    await bootstrap(services, print);
  } catch (error) {
    http.server.close();
    http.server.closeAllConnections();
    if (!options.store) await store.close();
    throw error;
  }
  http.open();
  const jobs = startJobs(services);

  const address = http.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, database: store.dialect }, "IntendedOps API listening");
  if (config.secretKey === undefined) {
    // Webhook secrets and the token signing key must stay readable to sign, so they cannot be
    // hashed like API keys; without a key they are stored as they are. Say so at every start.
    logger.warn(
      "INTENDEDOPS_SECRET_KEY is not set: webhook secrets and the intent-token signing key are stored unencrypted",
    );
  }

  const file = options.store ? undefined : sqliteFilename(config.databaseUrl);
  const mode = file === undefined ? 0 : statSync(file).mode & 0o777;
  if (mode & 0o007) {
    // New files are created 0600; one an earlier version created (0644 under umask 022) is not
    // changed behind the operator's back, but said at every start.
    logger.warn(
      { file, mode: mode.toString(8) },
      "the database file is readable by every local user: stop the server and chmod 600 it and its -wal and -shm files",
    );
  }

  let stopping: Promise<ShutdownOutcome> | undefined;
  const stop = () => {
    stopping ??= shutDown({ http, jobs, store, logger, timeoutMs: config.shutdownTimeoutMs });
    return stopping;
  };

  return { url, port: address.port, app, services, jobs, stop };
}
