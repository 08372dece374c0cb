import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener, type ServerType } from "@hono/node-server";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { getMetricsCollector, IntendedOps_METRICS, metrics } from "@intendedops/core";
import { createApp } from "./app";
import { bootstrapKeys } from "./bootstrap";
import type { AppConfig } from "./config";
import type { AppEnv, Services } from "./context";
import { createExpiryJob } from "./jobs/expire-approvals";
import { createJobRegistry, type JobRegistry } from "./jobs/job-registry";
import { registerWebhookJobs } from "./jobs/webhook-jobs";
import { createServices, type ServiceOptions } from "./services";
import { createSubmissionListener } from "./submission-listener";

export interface RunningServer {
  /** `http://host:port` actually bound (port 0 picks a free one). */
  url: string;
  port: number;
  app: OpenAPIHono<AppEnv>;
  services: Services;
  jobs: JobRegistry;
  /** Stop accepting, let in-flight requests finish (up to the shutdown timeout), stop jobs, close the database. */
  stop(): Promise<void>;
}

export interface StartOptions extends ServiceOptions {
  /** Where the one-time admin key is printed; stdout by default. */
  print?: (line: string) => void;
}

function listen(
  fetch: OpenAPIHono<AppEnv>["fetch"],
  config: AppConfig,
  services: Services,
): Promise<ServerType> {
  // What @hono/node-server's serve() builds, with the hottest route in front of the Hono app.
  const honoListener = getRequestListener(fetch, { hostname: config.host });
  const submissions = createSubmissionListener(services);
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      if (!submissions(req, res)) void honoListener(req, res);
    });
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve(server));
  });
}

/**
 * Open the database (migrations run), create missing bootstrap keys, start HTTP and the jobs.
 * @example const server = await startServer(loadConfig()); await server.stop();
 */
export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const services = await createServices(config, options);
  const { logger, store } = services;
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));

  const boot = await bootstrapKeys(store, config.bootstrapKeys, services.clock());
  for (const prefix of boot.created) logger.info({ keyPrefix: prefix }, "bootstrap API key created");
  for (const prefix of boot.skippedRevoked) {
    logger.warn({ keyPrefix: prefix }, "bootstrap API key was revoked earlier; not re-created");
  }
  if (boot.generatedKey) {
    print(`Admin API key (shown once, store it now): ${boot.generatedKey}`);
  }

  const app = createApp(services);
  const server = await listen(app.fetch, config, services);

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

  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, database: store.dialect }, "IntendedOps API listening");

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("shutting down: no new connections, finishing in-flight requests");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // close() waits for every open socket. A keep-alive socket with no request in flight would
      // hold it forever, so idle sockets are closed now and whenever a request in flight finishes;
      // sockets still busy at the deadline are cut.
      const http = server as ServerType & {
        closeIdleConnections?: () => void;
        closeAllConnections?: () => void;
      };
      http.closeIdleConnections?.();
      const sweep = setInterval(() => http.closeIdleConnections?.(), 25);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, config.shutdownTimeoutMs);
      });
      await Promise.race([closed, deadline]);
      clearInterval(sweep);
      clearTimeout(timer);
      http.closeAllConnections?.();
      await jobs.stop();
      await store.close();
      logger.info("stopped");
      // The destination is asynchronous: let the last lines reach stdout before the process exits.
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    })();
    return stopping;
  };

  return { url, port: address.port, app, services, jobs, stop };
}
