import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../model/audit-event";
import { buildAuditEvents, GENESIS_HASH } from "./audit-chain";

const script = fileURLToPath(new URL("../../examples/verify-audit-offline.mjs", import.meta.url));

function runOffline(events: AuditEvent[], anchor: string[] = []): { status: number | null; result: unknown } {
  const file = join(mkdtempSync(join(tmpdir(), "audit-")), "events.json");
  writeFileSync(file, JSON.stringify(events));
  const run = spawnSync(process.execPath, [script, file, ...anchor], { encoding: "utf8" });
  return { status: run.status, result: run.stdout === "" ? run.stderr : JSON.parse(run.stdout) };
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
    const events = sampleChain();
    expect(runOffline(events)).toEqual({
      status: 0,
      result: { valid: true, eventCount: 3, headHash: events[2]!.hash },
    });
  });

  it("holds the export to a saved anchor when given SEQ and HASH", () => {
    const events = sampleChain();
    expect(runOffline(events, ["2", events[1]!.hash])).toMatchObject({ status: 0, result: { valid: true } });
    // Cut after the anchor was saved: the shorter export no longer reaches it.
    expect(runOffline(events.slice(0, 2), ["3", events[2]!.hash])).toEqual({
      status: 1,
      result: { valid: false, eventCount: 2, firstInvalidSeq: 3 },
    });
    expect(runOffline(events, ["2", "f".repeat(64)])).toEqual({
      status: 1,
      result: { valid: false, eventCount: 3, firstInvalidSeq: 2 },
    });
    expect(runOffline(events, ["two", events[1]!.hash])).toMatchObject({ status: 2 });
  });

  it("reports the tampered seq and exits 1 when an exported event was edited", () => {
    const events = sampleChain();
    events[1] = { ...events[1]!, data: { ...events[1]!.data, amount: 1 } };
    expect(runOffline(events)).toEqual({
      status: 1,
      result: { valid: false, eventCount: 3, firstInvalidSeq: 2 },
    });
  });

  it("is the script docs/audit.md prints, line for line from its first import", () => {
    const code = readFileSync(script, "utf8");
    const docs = readFileSync(fileURLToPath(new URL("../../../../docs/audit.md", import.meta.url)), "utf8");
    const block = /```js\n\/\/ node verify-audit-offline\.mjs[^\n]*\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(block).toBe(code.slice(code.indexOf("import ")));
  });
});
