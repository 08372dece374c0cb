import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BILLING_AGENT } from "./support/test-app";
import { headerRecord, type Receiver, StandardWebhook, startReceiver } from "./webhooks-support";

const API_DIR = fileURLToPath(new URL("..", import.meta.url));
const KEY = "intendedops_acme_crashTestKey0123456789abcd";

interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Starts the real server (the CLI's `serve`) from source and resolves once it listens. */
async function startServerProcess(databaseFile: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@intendedops/source", "src/cli.ts", "serve"],
    {
      cwd: API_DIR,
      env: {
        PATH: process.env.PATH ?? "",
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_URL: `file:${databaseFile}`,
        INTENDEDOPS_BOOTSTRAP_KEY: KEY,
        INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1",
        JOB_INTERVAL_MS: "200",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      output += chunk.toString();
      for (const line of buffered.split("\n")) {
        const match = /"url":"(http:\/\/[^"]+)".*"msg":"IntendedOps API listening"/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return { child, url, exited };
}

async function call(server: ServerProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "x-api-key": KEY, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as { data?: never; error?: unknown };
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
  return json.data as never as Record<string, string>;
}

describe("webhook delivery across a crash", () => {
  const directory = mkdtempSync(join(tmpdir(), "intendedops-crash-"));
  const running: ServerProcess[] = [];
  let receiver: Receiver | undefined;

  afterAll(async () => {
    for (const server of running) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill("SIGTERM");
        await server.exited;
      }
    }
    await receiver?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("still delivers the event of an intent committed just before the server was killed with SIGKILL", async () => {
    const database = join(directory, "intendedops.db");
    // The receiver's port is chosen now but nothing listens on it until after the crash, so the
    // event cannot have been delivered by the first server.
    const probe = await startReceiver();
    const port = probe.port;
    await probe.close();

    const first = await startServerProcess(database);
    running.push(first);
    const webhook = await call(first, "POST", "/v1/webhooks", {
      url: `http://127.0.0.1:${port}/hooks`,
      events: ["intent.submitted"],
    });
    await call(first, "POST", "/v1/agents", BILLING_AGENT);
    const submitted = await call(first, "POST", "/v1/intents", {
      type: "billing.send_invoice",
      domain: "billing",
      agentId: "billing-agent",
      params: { customerId: "cust_crash", amount: 99.99 },
    });
    first.child.kill("SIGKILL");
    await first.exited;
    expect(first.child.signalCode).toBe("SIGKILL");

    receiver = await startReceiver(port);
    const second = await startServerProcess(database);
    running.push(second);
    // Due at once if the first server never tried, ~5 s later if its one attempt was refused, or
    // once its claim lapses (15 s) if it was killed in the middle of that attempt.
    const [request] = await receiver.waitFor(1, 60_000);
    const payload = JSON.parse(request!.body);
    expect(payload).toMatchObject({
      event: "intent.submitted",
      tenantId: "acme",
      data: { intentId: submitted.intentId, status: "pending" },
    });
    expect(
      new StandardWebhook(webhook.secret!).verify(request!.body, headerRecord(request!.headers)),
    ).toEqual(payload);
    const expected = crypto.createHmac("sha256", webhook.secret!).update(request!.body).digest("hex");
    expect(request!.headers["x-intendedops-signature"]).toBe(expected);

    // The delivery ran as the server's background job, and the job metric counted it. The job
    // counts it once the receiver's answer is in and the delivery settled, which can be just
    // after the receiver saw the request: read the metric until it shows (or the test times out).
    const processed = async () => {
      const metricsText = await (await fetch(`${second.url}/metrics`)).text();
      const match = /intendedops_jobs_processed_total\{job="webhook-delivery"\} (\d+)/.exec(metricsText);
      return Number(match?.[1] ?? 0);
    };
    let counted = await processed();
    for (
      const started = Date.now();
      counted < 1 && Date.now() - started < 10_000;
      counted = await processed()
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(counted).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
