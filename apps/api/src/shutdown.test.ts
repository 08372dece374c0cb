import pino from "pino";
import { describe, expect, it } from "vitest";
import { createHttpServer, listen } from "./http-server";
import { createJobRegistry } from "./jobs/job-registry";
import { CLOSE_GRACE_MS, shutDown } from "./shutdown";

const logger = pino({ level: "silent" });
const never = new Promise<void>(() => {});

async function listening() {
  const http = createHttpServer((_req, res) => res.end());
  await listen(http.server, { host: "127.0.0.1", port: 0 });
  http.open();
  return http;
}

describe("shutDown", () => {
  it("reports a clean shutdown when the jobs stop and the database closes in time", async () => {
    const http = await listening();
    let closed = false;
    const store = {
      close: async () => {
        closed = true;
      },
    };
    const outcome = await shutDown({ http, jobs: createJobRegistry(), store, logger, timeoutMs: 1000 });
    expect(outcome).toEqual({ clean: true, unfinished: [] });
    expect(closed).toBe(true);
    expect(http.server.listening).toBe(false);
  });

  it("resolves after the budget and the close grace, naming what hung, when a job run and the database close never finish", async () => {
    const http = await listening();
    const jobs = createJobRegistry();
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    jobs.register({
      name: "stuck",
      intervalMs: 3_600_000,
      run: () => {
        started();
        return never.then(() => 0);
      },
    });
    jobs.start();
    jobs.wake("stuck");
    await running;
    const begun = Date.now();
    const outcome = await shutDown({ http, jobs, store: { close: () => never }, logger, timeoutMs: 0 });
    expect(outcome).toEqual({ clean: false, unfinished: ["job stuck", "database"] });
    expect(Date.now() - begun).toBeGreaterThanOrEqual(CLOSE_GRACE_MS - 50);
  });

  it("reports the database as unfinished when closing it fails", async () => {
    const http = await listening();
    const store = { close: () => Promise.reject(new Error("pool already ended")) };
    const outcome = await shutDown({ http, jobs: createJobRegistry(), store, logger, timeoutMs: 1000 });
    expect(outcome).toEqual({ clean: false, unfinished: ["database"] });
  });
});
