import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateApiKey } from "../src/api-key-format";
import { removedAfterAll } from "./support/killed-process-leftovers";
import { openProcessDatabase } from "./support/process-database";
import { spawnServer } from "./support/server-process";
import { eventually, startReceiver } from "./webhooks-support";

/**
 * Crash consistency: the real server process is killed with SIGKILL while submissions (with
 * idempotency keys), approvals, rejections, completions, failures, trust overrides and API key
 * creations are in flight, then started again on the same database. Everything the first process
 * answered must be there; everything it did not answer must be there completely or not at all.
 */

const TENANT = "crash";
const ADMIN = generateApiKey(TENANT);
const AGENTS = ["crash-a0", "crash-a1", "crash-a2", "crash-a3"];

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by value
  body: any;
}

async function call(url: string, key: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // metrics, or a cut answer
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** A request sent to the first server and what became of it: an answer, or none (it was killed). */
interface Sent<T> {
  input: T;
  answer?: Answer;
}

const { dirs, servers, receivers, drops } = removedAfterAll();

async function allPages(url: string, key: string, path: string): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let page = 1; ; page++) {
    const sep = path.includes("?") ? "&" : "?";
    const answer = await call(url, key, "GET", `${path}${sep}page=${page}&pageSize=100`);
    if (answer.status !== 200)
      throw new Error(`GET ${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
    items.push(...answer.body.data.items);
    if (items.length >= answer.body.data.total || answer.body.data.items.length === 0) return items;
  }
}

function gauge(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  for (const line of metrics.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const match = /^[^{]+\{([^}]*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const have = match[1]!.split(",").sort();
    if (have.length === want.length && have.every((label, i) => label === want[i])) return Number(match[2]);
  }
  return undefined;
}

describe.each(["sqlite", "postgres"] as const)("SIGKILL under concurrent load on %s", (dialect) => {
  it("after restart: the chain verifies, answered writes replay, unanswered ones are whole or absent, stats/metrics match, webhooks go out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "intendedops-crash-load-"));
    dirs.push(dir);
    const database = await openProcessDatabase(dialect, dir, "crashload");
    drops.push(database.drop);
    const receiver = await startReceiver();
    receivers.push(receiver);
    const env = {
      DATABASE_URL: database.url,
      INTENDEDOPS_BOOTSTRAP_KEY: ADMIN,
      INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1",
      JOB_INTERVAL_MS: "200",
      RATE_LIMIT_PER_MINUTE: "1000000",
      LOG_LEVEL: "warn",
    };
    const first = await spawnServer({ env });
    servers.push(first);
    const url = first.url;

    const mk = async (name: string, scopes: string[]) => {
      const answer = await call(url, ADMIN, "POST", "/v1/api-keys", { name, scopes });
      expect(answer.status).toBe(201);
      return answer.body.data.key as string;
    };
    const agentKey = await mk("crash agent", ["agent"]);
    const approverKey = await mk("crash approver", ["approver"]);
    for (const id of AGENTS) {
      const answer = await call(url, agentKey, "POST", "/v1/agents", {
        id,
        name: id,
        domains: ["billing"],
        intentTypes: ["billing.*"],
      });
      expect(answer.status).toBe(201);
    }
    // Two agents auto-approve medium risk (T2): their intents can be completed or failed at once.
    for (const id of AGENTS.slice(2)) {
      const answer = await call(url, ADMIN, "PUT", `/v1/agents/${id}/trust`, { tier: "T2", reason: "setup" });
      expect(answer.status).toBe(200);
    }
    const webhook = await call(url, ADMIN, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["intent.submitted"],
    });
    expect(webhook.status).toBe(201);

    // ---- load, then SIGKILL -------------------------------------------------------------------
    const submissions: Sent<{ idempotencyKey: string; body: Record<string, unknown> }>[] = [];
    const decisions: Sent<{ approvalId: string; intentId: string; verb: "approve" | "reject" }>[] = [];
    const outcomes: Sent<{ intentId: string; verb: "complete" | "fail" }>[] = [];
    const overrides: Sent<{ agentId: string; score: number }>[] = [];
    const keys: Sent<{ name: string }>[] = [];
    let stop = false;
    let answeredSubmissions = 0;
    const guard = async <T>(sent: Sent<T>, send: () => Promise<Answer>) => {
      try {
        sent.answer = await send();
      } catch {
        stop = true; // connection refused or reset: the process is gone
      }
    };
    let n = 0;
    const submitter = async (worker: number) => {
      while (!stop) {
        n += 1;
        const agentId = AGENTS[n % AGENTS.length]!;
        const body = {
          type: "billing.send_invoice",
          domain: "billing",
          agentId,
          params: { customerId: `cust_${worker}_${n}`, amount: 50 + (n % 400) },
          idempotencyKey: `${dialect}-w${worker}-${n}`,
        };
        const sent: (typeof submissions)[number] = { input: { idempotencyKey: body.idempotencyKey, body } };
        submissions.push(sent);
        await guard(sent, () => call(url, agentKey, "POST", "/v1/intents", body));
        if (sent.answer && sent.answer.status < 300) answeredSubmissions += 1;
      }
    };
    /**
     * Runs `act` on an item of the page at `path` until the load stops: the `round`-th run picks its
     * item by `round`. A page that fails means the server is gone, and stops the load.
     */
    const onPageItems = async (
      key: string,
      path: string,
      act: (item: { id: string; intentId?: string }, round: number) => Promise<void>,
      pick: (round: number, count: number) => number,
    ) => {
      let round = 0;
      while (!stop) {
        round += 1;
        let page: Answer;
        try {
          page = await call(url, key, "GET", path);
        } catch {
          stop = true;
          return;
        }
        const items = page.body?.data?.items ?? [];
        if (items.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        await act(items[pick(round, items.length)], round);
      }
    };
    const decider = (worker: number) =>
      onPageItems(
        approverKey,
        `/v1/approvals?pageSize=20&page=${1 + (worker % 2)}`,
        async (approval, i) => {
          const verb = (i + worker) % 3 === 0 ? "reject" : "approve";
          const sent: (typeof decisions)[number] = {
            input: { approvalId: approval.id, intentId: approval.intentId as string, verb },
          };
          decisions.push(sent);
          await guard(sent, () =>
            call(
              url,
              approverKey,
              "POST",
              `/v1/approvals/${approval.id}/${verb}`,
              verb === "reject" ? { reason: "no" } : undefined,
            ),
          );
        },
        (i, count) => (i * 7 + worker) % count,
      );
    const reporter = (worker: number) =>
      onPageItems(
        agentKey,
        "/v1/intents?status=approved&pageSize=20",
        async (intent, i) => {
          const verb = (i + worker) % 4 === 0 ? "fail" : "complete";
          const sent: (typeof outcomes)[number] = { input: { intentId: intent.id, verb } };
          outcomes.push(sent);
          await guard(sent, () =>
            call(
              url,
              agentKey,
              "POST",
              `/v1/intents/${intent.id}/${verb}`,
              verb === "fail" ? { error: "boom" } : { value: { cents: 100 + i, category: "efficiency" } },
            ),
          );
        },
        (i, count) => (i * 5 + worker) % count,
      );
    const overrider = async () => {
      let i = 0;
      while (!stop) {
        i += 1;
        const agentId = AGENTS[i % 2]!;
        const score = 100 + ((i * 37) % 150);
        const sent: (typeof overrides)[number] = { input: { agentId, score } };
        overrides.push(sent);
        await guard(sent, () =>
          call(url, ADMIN, "PUT", `/v1/agents/${agentId}/trust`, { score, reason: `override ${i}` }),
        );
      }
    };
    const keyMaker = async () => {
      let i = 0;
      while (!stop) {
        i += 1;
        const sent: (typeof keys)[number] = { input: { name: `load key ${i}` } };
        keys.push(sent);
        await guard(sent, () =>
          call(url, ADMIN, "POST", "/v1/api-keys", { name: `load key ${i}`, scopes: ["agent"] }),
        );
      }
    };
    const load = Promise.all([
      ...[0, 1, 2, 3, 4, 5, 6, 7].map(submitter),
      decider(0),
      decider(1),
      reporter(0),
      reporter(1),
      overrider(),
      keyMaker(),
    ]);
    await eventually(
      () =>
        answeredSubmissions >= 300 &&
        decisions.some((d) => d.answer?.status === 200) &&
        outcomes.some((o) => o.answer?.status === 200),
      30_000,
    );
    first.child.kill("SIGKILL");
    await first.exited;
    stop = true;
    await load;
    expect(first.child.signalCode).toBe("SIGKILL");
    const unanswered = [submissions, decisions, outcomes, overrides, keys].map(
      (list) => list.filter((s) => s.answer === undefined).length,
    );
    // Something must have been in flight for the test to mean anything.
    expect(unanswered.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    // ---- restart on the same database ---------------------------------------------------------
    const second = await spawnServer({ env });
    servers.push(second);
    const url2 = second.url;
    const problems: string[] = [];

    // 1. The audit chain.
    const verify = await call(url2, ADMIN, "GET", "/v1/audit/verify");
    const auditTotal = (await call(url2, ADMIN, "GET", "/v1/audit?pageSize=1")).body.data.total;
    if (!verify.body.data?.valid) problems.push(`audit chain invalid: ${JSON.stringify(verify.body)}`);
    if (verify.body.data?.eventCount !== auditTotal) {
      problems.push(`verify eventCount ${verify.body.data?.eventCount} != audit total ${auditTotal}`);
    }

    // 2. Every stored intent agrees with its approval and history.
    // biome-ignore lint/suspicious/noExplicitAny: checked by value
    const intents = (await allPages(url2, ADMIN, "/v1/intents")) as any[];
    const expectedEvent: Record<string, string | undefined> = {
      approved: "intent.approved",
      rejected: "intent.rejected",
      completed: "intent.completed",
      failed: "intent.failed",
      expired: "intent.expired",
    };
    let valueCents = 0;
    const intentById = new Map<string, { status: string }>();
    for (const listed of intents) {
      const details = (await call(url2, ADMIN, "GET", `/v1/intents/${listed.id}`)).body.data;
      intentById.set(details.id, details);
      const events = (details.history as { eventType: string }[]).map((e) => e.eventType);
      if (!events.includes("intent.submitted"))
        problems.push(`${details.id} (${details.status}) has no intent.submitted event`);
      const approval = details.approval;
      const needsHuman = details.decision.outcome === "require_approval";
      if (needsHuman !== (approval !== null))
        problems.push(`${details.id}: approval ${approval?.status} for outcome ${details.decision.outcome}`);
      if (approval) {
        const approvalState: Record<string, string> = {
          pending: "pending",
          approved: "approved",
          completed: "approved",
          failed: "approved",
          rejected: "rejected",
          expired: "expired",
        };
        if (approvalState[details.status] !== approval.status) {
          problems.push(`${details.id}: intent ${details.status} but approval ${approval.status}`);
        }
      }
      const wanted = expectedEvent[details.status];
      if (wanted && details.status !== "approved" && !events.includes(wanted)) {
        problems.push(
          `${details.id}: status ${details.status} without ${wanted} event (${events.join(",")})`,
        );
      }
      if (details.status === "approved" && needsHuman && !events.includes("intent.approved")) {
        problems.push(`${details.id}: approved by a human without intent.approved event`);
      }
      if (
        ["completed", "failed"].includes(details.status) &&
        needsHuman &&
        !events.includes("intent.approved")
      ) {
        problems.push(`${details.id}: ${details.status} without intent.approved event`);
      }
      if (details.status === "completed" && details.valueCents) valueCents += details.valueCents;
    }

    // 3. Submissions: answered ones replay their answer; unanswered ones are stored once or not at all.
    let replayedUnanswered = 0;
    for (const sent of submissions) {
      const replay = await call(url2, agentKey, "POST", "/v1/intents", sent.input.body);
      if (sent.answer && sent.answer.status < 300) {
        if (replay.status !== 200 || replay.body.data?.intentId !== sent.answer.body.data.intentId) {
          problems.push(
            `answered submission ${sent.input.idempotencyKey} (${sent.answer.body.data.intentId}) replays ${replay.status} ${JSON.stringify(replay.body).slice(0, 200)}`,
          );
        }
      } else if (sent.answer === undefined) {
        if (replay.status === 200) replayedUnanswered += 1;
        else if (replay.status !== 201)
          problems.push(`unanswered submission ${sent.input.idempotencyKey} replays ${replay.status}`);
      }
    }
    const keysSeen = new Map<string, number>();
    for (const intent of intents) {
      if (intent.idempotencyKey)
        keysSeen.set(intent.idempotencyKey, (keysSeen.get(intent.idempotencyKey) ?? 0) + 1);
    }
    for (const [key, count] of keysSeen)
      if (count > 1) problems.push(`idempotency key ${key} has ${count} intents`);

    // 4. Decisions and outcomes that were answered are what the database holds.
    for (const sent of decisions) {
      if (sent.answer?.status !== 200) continue;
      const intent = intentById.get(sent.input.intentId);
      const expected =
        sent.input.verb === "approve" ? ["approved", "completed", "failed", "pending"] : ["rejected"];
      if (!intent || !expected.includes(intent.status)) {
        problems.push(
          `answered ${sent.input.verb} of ${sent.input.approvalId} but intent is ${intent?.status}`,
        );
      }
    }
    for (const sent of outcomes) {
      if (sent.answer?.status !== 200) continue;
      const intent = intentById.get(sent.input.intentId);
      const expected = sent.input.verb === "complete" ? "completed" : "failed";
      if (intent?.status !== expected)
        problems.push(
          `answered ${sent.input.verb} of ${sent.input.intentId} but intent is ${intent?.status}`,
        );
    }

    // 5. API keys answered 201 work after the restart.
    for (const sent of keys) {
      if (sent.answer?.status !== 201) continue;
      const use = await call(url2, sent.answer.body.data.key, "GET", "/v1/stats");
      if (use.status !== 200)
        problems.push(`key ${sent.input.name} answered 201 but is refused after restart (${use.status})`);
    }

    // 6. Agents: trust score is the newest trust change's; overrides answered are recorded.
    // biome-ignore lint/suspicious/noExplicitAny: checked by value
    const agents = (await allPages(url2, ADMIN, "/v1/agents")) as any[];
    for (const agent of agents) {
      const metrics = (await call(url2, ADMIN, "GET", `/v1/agents/${agent.id}/metrics`)).body.data;
      const newest = metrics.recentTrustChanges?.[0];
      if (newest && newest.toScore !== agent.trustScore) {
        problems.push(
          `${agent.id}: score ${agent.trustScore} but newest trust change ends at ${newest.toScore}`,
        );
      }
    }

    // 7. Stats and /metrics gauges agree with the database after the restart.
    const pending = (await allPages(url2, ADMIN, "/v1/approvals")).length;
    const stats = (await call(url2, ADMIN, "GET", "/v1/stats")).body.data;
    if (stats.pendingApprovals !== pending)
      problems.push(`stats.pendingApprovals ${stats.pendingApprovals} != ${pending} listed`);
    const active = agents.filter((a) => a.status === "active").length;
    if (stats.activeAgents !== active) problems.push(`stats.activeAgents ${stats.activeAgents} != ${active}`);
    if (Math.round(stats.valueGenerated * 100) !== valueCents)
      problems.push(`stats.valueGenerated ${stats.valueGenerated} != ${valueCents / 100}`);
    const metricsText = await (await fetch(`${url2}/metrics`)).text();
    const pendingGauge =
      gauge(metricsText, "intendedops_intents_pending_approval", { tenantId: TENANT }) ?? 0;
    if (pendingGauge !== pending) problems.push(`pending approvals gauge ${pendingGauge} != ${pending}`);
    for (const agent of agents) {
      const score = gauge(metricsText, "intendedops_trust_score", { tenantId: TENANT, agentId: agent.id });
      if (score !== agent.trustScore)
        problems.push(`trust score gauge of ${agent.id} ${score} != ${agent.trustScore}`);
    }
    const tiers = new Map<string, number>();
    for (const agent of agents) tiers.set(agent.trustTier, (tiers.get(agent.trustTier) ?? 0) + 1);
    for (const [tier, count] of tiers) {
      const byTier = gauge(metricsText, "intendedops_agents_by_tier", { tenantId: TENANT, trustTier: tier });
      if (byTier !== count) problems.push(`agents_by_tier ${tier} gauge ${byTier} != ${count}`);
    }

    expect(problems).toEqual([]);

    // 8. Every stored intent's intent.submitted webhook goes out (claims of the killed process lapse).
    const storedIds = new Set(
      ((await allPages(url2, ADMIN, "/v1/intents")) as { id: string }[]).map((i) => i.id),
    );
    const delivered = () =>
      new Set(
        receiver.requests
          .map((r) => JSON.parse(r.body) as { event: string; data: { intentId?: string } })
          .filter((p) => p.event === "intent.submitted")
          .map((p) => p.data.intentId!),
      );
    await eventually(() => [...storedIds].every((id) => delivered().has(id)), 40_000).catch(() => {});
    const missing = [...storedIds].filter((id) => !delivered().has(id));
    expect(missing).toEqual([]);
    console.log(
      `${dialect}: ${intents.length} intents, ${submissions.length} submissions (${unanswered[0]} unanswered, ${replayedUnanswered} of them stored), unanswered decisions/outcomes/overrides/keys ${unanswered.slice(1).join("/")}`,
    );
  }, 150_000);
});
