import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createStore } from "./create-store";
import type { KyselyStore } from "./kysely-store";
import {
  DIALECTS,
  makeAgent,
  makeApproval,
  makeIntent,
  manualSignal,
  randomSuffix,
  type TestStore,
} from "./test-fixtures";

/** Where the clock decides something in the store: day bounds, expiry cut-offs, timestamps, waits. */
describe.each(DIALECTS)("time boundaries on %s", (_dialect, open) => {
  let ctx: TestStore;
  let store: KyselyStore;
  beforeAll(async () => {
    ctx = await open();
    store = ctx.store;
  });
  afterAll(() => ctx?.dispose());

  /** A fresh tenant with one agent, and an intent (with its approval) stamped at each ISO time. */
  async function tenantWith(createdAt: readonly string[], expiresAt?: readonly string[]) {
    const tenantId = `t_${randomSuffix()}`;
    await store.transaction(async (tx) => {
      await tx.agents.insert(makeAgent(tenantId, "a1"));
      for (const [i, at] of createdAt.entries()) {
        const id = `int_${tenantId}_${i}`;
        await tx.intents.insert(makeIntent(tenantId, id, "a1", { createdAt: at, updatedAt: at }));
        const expires = expiresAt?.[i];
        if (expires !== undefined) {
          await tx.approvals.insert(
            makeApproval(tenantId, `apr_${tenantId}_${i}`, id, { requestedAt: at, expiresAt: expires }),
          );
        }
      }
    });
    return tenantId;
  }

  it("counts an intent of 23:59:59.999 in its day and one of 00:00:00.000 in the next", async () => {
    const tenantId = await tenantWith([
      "2026-03-05T23:59:59.998Z",
      "2026-03-05T23:59:59.999Z",
      "2026-03-06T00:00:00.000Z",
      "2026-03-06T00:00:00.001Z",
    ]);
    const count = (createdFrom: string, createdBefore: string) =>
      store.read((tx) => tx.intents.count(tenantId, { createdFrom, createdBefore }));
    expect(await count("2026-03-05T00:00:00.000Z", "2026-03-06T00:00:00.000Z")).toBe(2);
    expect(await count("2026-03-06T00:00:00.000Z", "2026-03-07T00:00:00.000Z")).toBe(2);
    expect(await count("2026-03-05T23:59:59.999Z", "2026-03-06T00:00:00.001Z")).toBe(2);
    const listed = await store.read((tx) =>
      tx.intents.list(tenantId, { createdBefore: "2026-03-06T00:00:00.000Z" }, { page: 1, pageSize: 10 }),
    );
    expect(listed.items.map((intent) => intent.createdAt)).toEqual([
      "2026-03-05T23:59:59.999Z",
      "2026-03-05T23:59:59.998Z",
    ]);
    expect(listed.total).toBe(2);
  });

  it("returns every timestamp at the millisecond it was written", async () => {
    const stamps = ["2026-03-05T00:00:00.000Z", "2026-03-05T00:00:00.001Z", "2026-03-05T23:59:59.999Z"];
    const tenantId = await tenantWith(stamps, stamps);
    const intents = await store.read((tx) => tx.intents.list(tenantId, {}, { page: 1, pageSize: 10 }));
    expect(intents.items.map((intent) => intent.createdAt)).toEqual([...stamps].reverse());
    const approval = await store.read((tx) => tx.approvals.getByIntent(tenantId, `int_${tenantId}_1`));
    expect(approval).toMatchObject({ requestedAt: stamps[1], expiresAt: stamps[1] });
  });

  it("lists an approval as expired from its expiresAt on, not a millisecond before", async () => {
    const requested = "2026-03-01T00:00:00.000Z";
    const tenantId = await tenantWith(
      [requested, requested],
      ["2026-03-04T00:00:00.000Z", "2026-03-04T00:00:00.001Z"],
    );
    const due = async (cutoff: string) =>
      (await store.read((tx) => tx.approvals.listExpired(cutoff, 100)))
        .filter((approval) => approval.tenantId === tenantId)
        .map((approval) => approval.id);
    expect(await due("2026-03-03T23:59:59.999Z")).toEqual([]);
    expect(await due("2026-03-04T00:00:00.000Z")).toEqual([`apr_${tenantId}_0`]);
    expect(await due("2026-03-04T00:00:00.001Z")).toEqual([`apr_${tenantId}_0`, `apr_${tenantId}_1`]);
  });
});

describe("SQLite busy timeout and the wall clock", () => {
  let dir: string;
  const opened: KyselyStore[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "intendedops-time-"));
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Regression: the wait was measured with Date.now, so a clock stepped back an hour during it
  // kept a request waiting for that hour instead of answering SERVICE_UNAVAILABLE.
  it("gives up after busyTimeoutMs even when the clock steps back during the wait", async () => {
    const file = join(dir, "busy.db");
    const holder = await createStore({ url: `file:${file}` });
    const waiter = await createStore({ url: `file:${file}`, busyTimeoutMs: 150 });
    opened.push(holder, waiter);
    const { promise: released, resolve: release } = manualSignal();
    const { promise: holding, resolve: entered } = manualSignal();
    const held = holder.transaction(async (tx) => {
      await tx.agents.insert(makeAgent("acme", "holder"));
      entered();
      await released;
    });
    await holding;
    const realNow = Date.now.bind(Date);
    let stepMs = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() - stepMs);
    const attempt = waiter.transaction((tx) => tx.agents.insert(makeAgent("acme", "late")));
    const outcome = attempt.then(
      () => "committed",
      (error: { code?: string }) => error.code,
    );
    setTimeout(() => {
      stepMs = 3_600_000;
    }, 20);
    // Without the fix the waiter keeps retrying; release the holder after 3 s so it commits instead.
    const safety = setTimeout(release, 3_000);
    expect(await outcome).toBe("SERVICE_UNAVAILABLE");
    clearTimeout(safety);
    release();
    await held;
  });
});
