import { describe, expect, it } from "vitest";
import type { Intention } from "../intentions/intention-schema";
import type { Policy } from "../policy/policy-schema";
import { createMemoryStore } from "../storage/memory-store";
import type { StoreTx } from "../storage/storage-port";
import { createRulesCache } from "./rules-cache";

const T = "tenant-rules";
const AT = "2026-01-01T00:00:00.000Z";

const policy = (id: string): Policy => ({
  id,
  tenantId: T,
  name: id,
  enabled: true,
  mode: "enforce",
  effect: "block",
  match: {},
  version: 1,
  createdAt: AT,
  updatedAt: AT,
});

const intention = (id: string, label: string): Intention => ({
  id,
  tenant_id: T,
  label,
  display_name: label,
  description: null,
  intent_class: "lookup",
  status: "active",
  approval_required: false,
  ttl_minutes: 5,
  intent_types: [],
  data_elements: [],
  created_at: AT,
  updated_at: AT,
});

/** The same transaction as a store without the combined revision read would hand out. */
function withoutCombinedRead(tx: StoreTx): StoreTx {
  const { rulesRevisions: _omitted, ...policies } = tx.policies;
  return { ...tx, policies };
}

describe.each([
  ["one combined revision read", (tx: StoreTx) => tx],
  ["two revision reads", withoutCombinedRead],
])("createRulesCache with %s", (_name, view) => {
  it("recompiles only the rules whose revision moved when policies or intentions change", async () => {
    const store = createMemoryStore();
    const cache = createRulesCache();
    const load = () => store.read((tx) => cache.load(view(tx), T));

    const first = await load();
    expect(await load()).toStrictEqual(first);
    expect((await load()).policies).toBe(first.policies);

    await store.transaction((tx) => tx.policies.insert(policy("pol_1")));
    const afterPolicy = await load();
    expect(afterPolicy.policies).not.toBe(first.policies);
    expect(afterPolicy.intentions).toBe(first.intentions);

    await store.transaction((tx) => tx.intentions.insert(intention("intention_1", "refunds")));
    const afterIntention = await load();
    expect(afterIntention.policies).toBe(afterPolicy.policies);
    expect(afterIntention.intentions).not.toBe(afterPolicy.intentions);
  });
});

describe("createRulesCache after a policy change", () => {
  it("reuses the compiled form of every unchanged policy and compiles the changed one anew", async () => {
    const store = createMemoryStore();
    const cache = createRulesCache();
    const load = () => store.read((tx) => cache.load(tx, T));
    await store.transaction(async (tx) => {
      for (let i = 0; i < 50; i++) await tx.policies.insert(policy(`pol_${String(i).padStart(2, "0")}`));
    });
    const before = (await load()).policies.policies;

    const changed = { ...policy("pol_07"), effect: "allow" as const, version: 2 };
    await store.transaction((tx) => tx.policies.update(changed));
    const after = (await load()).policies.policies;

    expect(after).toHaveLength(50);
    expect(after.filter((p, i) => p !== before[i]).map((p) => [p.id, p.effect, p.version])).toEqual([
      ["pol_07", "allow", 2],
    ]);
  });
});
