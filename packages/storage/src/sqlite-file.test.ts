import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type AuditEvent, buildAuditEvents, verifyChain } from "@intendedops/core";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStore } from "./create-store";
import type { KyselyStore } from "./kysely-store";
import { makeAgent, manualSignal } from "./test-fixtures";

/** Appends one event to the tenant's chain in its own transaction. */
function appendOne(store: KyselyStore, tenantId: string, actor: string): Promise<void> {
  return store.transaction(async (tx) => {
    const head = await tx.audit.lockHead(tenantId);
    await tx.agents.countActive(tenantId);
    await tx.audit.append(
      tenantId,
      buildAuditEvents(head, [{ eventType: "test.file", actor, data: {} }], { tenantId, now: Date.now() }),
    );
  });
}

async function chainOf(store: KyselyStore, tenantId: string): Promise<AuditEvent[]> {
  return store.read(async (tx) => {
    const events: AuditEvent[] = [];
    for await (const batch of tx.audit.scan(tenantId)) events.push(...batch);
    return events;
  });
}

describe("SQLite file store", () => {
  let dir: string;
  const open: KyselyStore[] = [];
  const openStore = async (file: string, busyTimeoutMs?: number) => {
    const store = await createStore({ url: `file:${file}`, ...(busyTimeoutMs ? { busyTimeoutMs } : {}) });
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "intendedops-storage-"));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the parent directory and runs in WAL mode with NORMAL sync and foreign keys when opened", async () => {
    const file = join(dir, "nested", "deeper", "intendedops.db");
    const store = await openStore(file);
    expect(existsSync(file)).toBe(true);
    const pragma = async (name: string) =>
      Object.values(
        (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db)).rows[0] ?? {},
      )[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(await pragma("synchronous")).toBe(1);
    expect(await pragma("foreign_keys")).toBe(1);
  });

  it("keeps data when the file is closed and opened again", async () => {
    const file = join(dir, "persist.db");
    const first = await createStore({ url: `file:${file}` });
    await first.transaction((tx) => tx.agents.insert(makeAgent("acme", "billing-agent")));
    await first.close();
    const second = await openStore(file);
    expect((await second.read((tx) => tx.agents.get("acme", "billing-agent")))?.name).toBe(
      "Agent billing-agent",
    );
  });

  it("migrates once when two stores open a fresh file at the same time", async () => {
    const file = join(dir, "race.db");
    const [a, b] = await Promise.all([openStore(file), openStore(file)]);
    await a.transaction((tx) => tx.agents.insert(makeAgent("acme", "x")));
    expect(await b.read((tx) => tx.agents.countActive("acme"))).toBe(1);
  });

  it("keeps one gapless valid chain when two stores on one file append concurrently", async () => {
    const file = join(dir, "chain.db");
    const a = await openStore(file);
    const b = await openStore(file);
    const writes = Array.from({ length: 50 }, (_, i) =>
      appendOne(i % 2 === 0 ? a : b, "acme", `writer-${i}`),
    );
    await Promise.all(writes);
    const events = await chainOf(b, "acme");
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(verifyChain(events)).toMatchObject({ valid: true, eventCount: 50 });
  });

  it("makes a second writer wait for the first transaction's commit instead of failing", async () => {
    const file = join(dir, "wait.db");
    const a = await openStore(file);
    const b = await openStore(file);
    const order: string[] = [];
    const { promise: released, resolve: release } = manualSignal();
    const { promise: aEntered, resolve: entered } = manualSignal();
    const first = a.transaction(async (tx) => {
      await tx.agents.insert(makeAgent("acme", "first"));
      entered();
      await released;
      order.push("a commits");
    });
    await aEntered;
    const second = b.transaction(async (tx) => {
      order.push("b begins");
      await tx.agents.insert(makeAgent("acme", "second"));
    });
    // Give the second writer every chance to (wrongly) start while the first holds the lock.
    await sleep(30);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["a commits", "b begins"]);
    expect(await b.read((tx) => tx.agents.countActive("acme"))).toBe(2);
  });

  it("answers SERVICE_UNAVAILABLE when the write lock stays taken past busyTimeoutMs", async () => {
    const file = join(dir, "busy.db");
    const a = await openStore(file);
    const b = await openStore(file, 40);
    const { promise: released, resolve: release } = manualSignal();
    const { promise: aEntered, resolve: entered } = manualSignal();
    const holder = a.transaction(async (tx) => {
      await tx.agents.insert(makeAgent("acme", "holder"));
      entered();
      await released;
    });
    await aEntered;
    await expect(b.transaction((tx) => tx.agents.insert(makeAgent("acme", "late")))).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
    });
    release();
    await holder;
    expect(await b.read((tx) => tx.agents.get("acme", "late"))).toBeUndefined();
    expect(await b.read((tx) => tx.agents.get("acme", "holder"))).toBeDefined();
  });
});
