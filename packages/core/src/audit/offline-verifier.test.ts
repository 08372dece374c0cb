import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../model/audit-event";
import { buildAuditEvents, GENESIS_HASH } from "./audit-chain";

const script = fileURLToPath(new URL("../../examples/verify-audit-offline.mjs", import.meta.url));

function runOffline(events: AuditEvent[]): { status: number | null; result: unknown } {
  const file = join(mkdtempSync(join(tmpdir(), "audit-")), "events.json");
  writeFileSync(file, JSON.stringify(events));
  const run = spawnSync(process.execPath, [script, file], { encoding: "utf8" });
  return { status: run.status, result: JSON.parse(run.stdout) };
}

function sampleChain(): AuditEvent[] {
  const now = Date.UTC(2024, 0, 15);
  const first = buildAuditEvents(
    { seq: 0, hash: GENESIS_HASH },
    [
      {
        eventType: "agent.registered",
        actor: "key_1",
        agentId: "billing-agent",
        data: { name: "Zoë 👋", n: { b: [1, 2.5, null], a: true } },
      },
      {
        eventType: "intent.submitted",
        actor: "key_1",
        intentId: "int_1",
        data: { amount: 9900, é: 1, Z: "x" },
      },
    ],
    { tenantId: "t1", now },
  );
  const second = buildAuditEvents(
    { seq: 2, hash: first[1]!.hash },
    [{ eventType: "intent.approved", actor: "key_2", data: {} }],
    {
      tenantId: "t1",
      now: now + 1000,
    },
  );
  return [...first, ...second];
}

describe("the offline verifier of docs/audit.md", () => {
  it("accepts a chain exported as JSON when nothing was changed", () => {
    expect(runOffline(sampleChain())).toEqual({ status: 0, result: { valid: true, eventCount: 3 } });
  });

  it("reports the tampered seq and exits 1 when an exported event was edited", () => {
    const events = sampleChain();
    events[1] = { ...events[1]!, data: { ...events[1]!.data, amount: 1 } };
    expect(runOffline(events)).toEqual({
      status: 1,
      result: { valid: false, eventCount: 3, firstInvalidSeq: 2 },
    });
  });
});
